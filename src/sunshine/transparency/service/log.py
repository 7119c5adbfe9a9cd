"""Use cases of the transparency log: append records, keep subtree hashes, sign checkpoints, prove.

`append` is called by other parts (ledger entries, vouchers, notices, vote results) in
the same transaction as the thing it records. Appends are serialised per community: on
PostgreSQL by an advisory transaction lock, on SQLite by its single writer. Each append
stores the complete subtrees it finishes (`kernel.merkle.frontier_append`), so roots and
proofs of any size read about log2(n) rows (leaves come from the record table itself).

This part sits below registry, so callers pass the log's `origin` ("sunshine/jcdy").
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.orm import Session

from sunshine.infra import bulk
from sunshine.infra import clock
from sunshine.infra.bulk import Layout
from sunshine.infra.bulk import stored_value
from sunshine.infra.db import Base
from sunshine.infra.settings import get_settings
from sunshine.kernel import merkle
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.transparency.models import Checkpoint
from sunshine.transparency.models import Cosignature
from sunshine.transparency.models import LogNode
from sunshine.transparency.models import LogRecord
from sunshine.transparency.models import SigningKey
from sunshine.transparency.rules import records as rules
from sunshine.transparency.rules import verifier

_LOCK_SPACE = zlib.crc32(b"transparency_record") << 20
# Subtrees of 16 leaves and more are stored as they complete; smaller ones are rehashed
# from their leaves when a proof needs them (at most 8 leaf reads), which spares the
# database about 15 node rows in 16.
STORED_FROM = 4
_RECORDS = Base.metadata.tables[LogRecord.__tablename__]
_RECORD_ROWS = Layout(_RECORDS, ("seq", "kind", "ref", "body", "leaf_hash"))
_NODE_ROWS = Layout(Base.metadata.tables[LogNode.__tablename__], ("level", "idx", "hash"))
PLATFORM = "platform"
COMMITTEE = "committee"


@dataclass(frozen=True, slots=True)
class Entry:
    """One record to append: what kind, what it refers to, and the record itself."""

    kind: rules.LogKind
    record: Mapping[str, object]
    ref: str = ""


def lock_log(session: Session, community_id: int) -> None:
    """Take the community's append lock now, for a caller that reads before it appends."""
    _lock(session, community_id)


def _lock(session: Session, community_id: int) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_SPACE ^ community_id})


def tree_size(session: Session, community_id: int) -> int:
    """How many records the community's log holds."""
    last = session.scalar(
        select(func.max(LogRecord.seq)).where(LogRecord.community_id == community_id)
    )
    return 0 if last is None else last + 1


def fetch_nodes(
    session: Session, community_id: int, wanted: Sequence[tuple[int, int]]
) -> dict[tuple[int, int], bytes]:
    """The hashes of complete aligned subtrees, in two queries at most.

    Subtrees from level `STORED_FROM` up are stored; a lower one (at most 8 leaves) is
    hashed again from its leaves, which are read in the same query as wanted leaves.
    """
    found: dict[tuple[int, int], bytes] = {}
    low = {(lv, ix) for lv, ix in wanted if lv < STORED_FROM}
    leaves = sorted({seq for lv, ix in low for seq in range(ix << lv, (ix + 1) << lv)})
    if leaves:
        rows = session.execute(  # at most 8 leaves per node, about 2·log2(n) nodes
            select(LogRecord.seq, LogRecord.leaf_hash).where(
                LogRecord.community_id == community_id, LogRecord.seq.in_(leaves)
            )
        )
        leaf: dict[int, bytes] = dict(rows.all())
        for level, index in low:
            span = [leaf.get(seq) for seq in range(index << level, (index + 1) << level)]
            if all(span):
                found[level, index] = merkle.root_of([h for h in span if h])
    high = {(lv, ix) for lv, ix in wanted if lv >= STORED_FROM}
    if high:
        # level IN (…) AND idx IN (…): SQLite probes the primary key for each pair (a
        # row-value IN would scan the community's nodes), and the expanding parameters
        # keep one cached statement; pairs not wanted are dropped here.
        stored = session.execute(
            select(LogNode.level, LogNode.index, LogNode.hash).where(
                LogNode.community_id == community_id,
                LogNode.level.in_(sorted({lv for lv, _ in high})),
                LogNode.index.in_(sorted({ix for _, ix in high})),
            )
        )
        found.update({(lv, ix): hash_ for lv, ix, hash_ in stored if (lv, ix) in high})
    missing = [key for key in wanted if key not in found]
    if missing:
        raise NotFound("the log lacks subtree hashes {nodes}", args={"nodes": str(missing[:3])})
    return found


def _lookup(nodes: Mapping[tuple[int, int], bytes]) -> merkle.NodeLookup:
    return lambda level, index: nodes[level, index]


def append(
    session: Session,
    community_id: int,
    *,
    kind: rules.LogKind,
    record: Mapping[str, object],
    ref: str = "",
) -> LogRecord:
    """Append one canonical record as the next leaf of the community's tree."""
    [seq] = append_many(session, community_id, [Entry(kind, record, ref)])
    return get_record(session, community_id, seq)


def append_many(session: Session, community_id: int, entries: Sequence[Entry]) -> list[int]:
    """Append several records in order and return their sequence numbers.

    Reads the frontier once and writes with driver-level bulk inserts: an import of a
    million ledger entries appends a million records in the same transactions.
    """
    if not entries:
        return []
    bodies = [rules.canonical(entry.record) for entry in entries]
    leaves = [merkle.leaf_hash(body) for body in bodies]
    kinds = [entry.kind for entry in entries]
    refs = [entry.ref for entry in entries]
    return append_hashed(session, community_id, kinds, refs, bodies, leaves)


@dataclass(frozen=True, slots=True)
class Grown:
    """Subtree hashes computed ahead, elsewhere (a bulk import's preparing process).

    Appending the records' leaves to the tree of `size` leaves whose frontier hashes are
    `frontier` completes `nodes`, from level STORED_FROM up.
    """

    size: int
    frontier: list[bytes]
    nodes: list[tuple[int, int, bytes]]  # level, index, hash


def append_hashed(
    session: Session,
    community_id: int,
    kinds: Sequence[rules.LogKind],
    refs: Sequence[str],
    bodies: Sequence[bytes],
    leaves: Sequence[bytes],
    *,
    grown: Grown | None = None,
) -> list[int]:
    """`append_many` for records already made canonical and hashed (a bulk import's).

    INVARIANT: each body is `rules.canonical` of its record and each leaf is
    `merkle.leaf_hash` of its body; the audit and every verifier recompute both.
    `grown` is used only if it starts from this log's size and frontier (the nodes are a
    function of those and the leaves); otherwise the nodes are computed here.
    """
    if not len(kinds) == len(refs) == len(bodies) == len(leaves):
        raise ValueError("one kind, ref, body and leaf hash per record")
    size, now = _start_hashed(session, community_id, lambda: leaves, grown)
    seqs = range(size, size + len(bodies))
    records = list(zip(seqs, kinds, refs, bodies, leaves, strict=True))
    # Bytes go to either driver as they are, and the instant was converted above: no
    # per-row conversion for the million records of an import.
    _RECORD_ROWS.insert(
        session,
        records,
        ready=bulk.columns(_RECORDS),
        community_id=community_id,
        appended_at=now,
    )
    return list(seqs)


def append_numbered(
    session: Session,
    community_id: int,
    kind: rules.LogKind,
    first_ref: int,
    bodies: bytes,
    ends: Sequence[int],
    leaf_hashes: bytes,
    *,
    grown: Grown | None = None,
) -> None:
    """`append_hashed` for records of one kind whose refs count up from `first_ref`.

    The bodies come end to end (record i ends at `ends[i]`) and the leaf hashes too, 32
    bytes each, as a bulk import's preparing process sends them. On SQLite the rows are
    cut from the bytes by SQL, so no Python runs per record; the same INVARIANT holds.
    """
    count = len(ends)
    if len(leaf_hashes) != 32 * count or (count and ends[-1] != len(bodies)):
        raise ValueError("one leaf hash per record, and the last record ends the bytes")

    def leaves() -> list[bytes]:
        return [leaf_hashes[at : at + 32] for at in range(0, len(leaf_hashes), 32)]

    if session.get_bind().dialect.name != "sqlite":
        starts = [0, *ends[:-1]]
        append_hashed(
            session,
            community_id,
            [kind] * count,
            [str(first_ref + index) for index in range(count)],
            [bodies[start:end] for start, end in zip(starts, ends, strict=True)],
            leaves(),
            grown=grown,
        )
        return
    size, now = _start_hashed(session, community_id, leaves, grown)
    session.execute(
        _CUT_RECORDS,
        {
            "c": community_id,
            "size": size,
            "kind": kind,
            "first_ref": first_ref,
            "bodies": bodies,
            "hashes": leaf_hashes,
            "now": now,
            "ends": json.dumps(list(ends)),
        },
    )


# SQLite: the records cut from the bodies and hashes sent end to end, by their ends.
_CUT_RECORDS = text(
    bulk.insert_select(
        _RECORDS,
        {
            "community_id": ":c",
            "seq": ":size + key",
            "kind": ":kind",
            "ref": "CAST(:first_ref + key AS TEXT)",
            "body": "substr(:bodies, start + 1, value - start)",
            "leaf_hash": "substr(:hashes, key * 32 + 1, 32)",
            "appended_at": ":now",
        },
        "FROM (SELECT key, value, lag(value, 1, 0) OVER (ORDER BY key) AS start "
        "FROM json_each(:ends))",
    )
)


def _start_hashed(
    session: Session,
    community_id: int,
    leaves: Callable[[], Sequence[bytes]],
    grown: Grown | None,
) -> tuple[int, object]:
    """Lock the log, store the subtree hashes the new leaves complete; (size, stored now)."""
    _lock(session, community_id)
    size = tree_size(session, community_id)
    hashes = frontier(session, community_id, size)
    if grown is not None and grown.size == size and grown.frontier == hashes:
        nodes = grown.nodes
    else:
        _, completed = merkle.append_leaves(hashes, size, leaves(), from_level=STORED_FROM)
        nodes = [(n.level, n.index, n.hash) for n in completed]
    _NODE_ROWS.insert(session, nodes, ready=("level", "idx", "hash"), community_id=community_id)
    return size, stored_value(session, _RECORDS, "appended_at", clock.now())


def frontier(session: Session, community_id: int, size: int) -> list[bytes]:
    """The frontier hashes of the tree of the first `size` records, largest subtree first."""
    keys = merkle.frontier_nodes(size)
    known = fetch_nodes(session, community_id, keys)
    return [known[key] for key in keys]


def root(session: Session, community_id: int, size: int | None = None) -> bytes:
    """The root hash of the first `size` records (all by default)."""
    size = tree_size(session, community_id) if size is None else size
    nodes = fetch_nodes(session, community_id, merkle.frontier_nodes(size))
    return merkle.root_at(size, _lookup(nodes))


def inclusion_proof(session: Session, community_id: int, *, seq: int, size: int) -> list[bytes]:
    """The audit path of record `seq` in the tree of `size` records."""
    if not 0 <= seq < size <= tree_size(session, community_id):
        raise NotFound(
            "record {seq} is not in a log of {size} records", args={"seq": seq, "size": size}
        )
    nodes = fetch_nodes(session, community_id, merkle.nodes_for_inclusion(seq, size))
    return merkle.inclusion_proof(seq, size, _lookup(nodes))


def consistency_proof(
    session: Session, community_id: int, *, old_size: int, new_size: int
) -> list[bytes]:
    """The proof that the first `old_size` records are unchanged in the tree of `new_size`."""
    if not 0 <= old_size <= new_size <= tree_size(session, community_id):
        raise NotFound("the log has no tree of {size} records", args={"size": new_size})
    nodes = fetch_nodes(session, community_id, merkle.nodes_for_consistency(old_size, new_size))
    return merkle.consistency_proof(old_size, new_size, _lookup(nodes))


def get_record(session: Session, community_id: int, seq: int) -> LogRecord:
    row = session.get(LogRecord, (community_id, seq))
    if row is None:
        raise NotFound("record {seq} is not in the log", args={"seq": seq})
    return row


def find_record(session: Session, community_id: int, *, kind: str, ref: str) -> LogRecord | None:
    """The newest record of this kind about `ref` (e.g. ledger entry 17)."""
    return session.scalar(
        select(LogRecord)
        .where(LogRecord.community_id == community_id, LogRecord.kind == kind, LogRecord.ref == ref)
        .order_by(LogRecord.seq.desc())
        .limit(1)
    )


def record_seqs(
    session: Session, community_id: int, *, kind: str, refs: Sequence[str]
) -> dict[str, int]:
    """For each of `refs`, the newest record of this kind about it (as `find_record`), at once."""
    rows = session.execute(
        select(LogRecord.ref, func.max(LogRecord.seq))
        .where(
            LogRecord.community_id == community_id,
            LogRecord.kind == kind,
            LogRecord.ref.in_(refs),
        )
        .group_by(LogRecord.ref)
    )
    return dict(rows.all())


def iter_record_rows(
    session: Session, community_id: int, *, start: int = 0, end: int | None = None
) -> Iterator[tuple[int, bytes, bytes]]:
    """(seq, body, leaf hash) of records in order, as plain tuples, in batches (bulk readers)."""
    position = start
    while end is None or position < end:
        query = (
            select(LogRecord.seq, LogRecord.body, LogRecord.leaf_hash)
            .where(LogRecord.community_id == community_id, LogRecord.seq >= position)
            .order_by(LogRecord.seq)
            .limit(20000 if end is None else min(20000, end - position))
        )
        rows = [(seq, body, leaf) for seq, body, leaf in session.execute(query)]
        if not rows:
            return
        position = rows[-1][0] + 1
        yield from rows


def iter_records(
    session: Session,
    community_id: int,
    *,
    start: int = 0,
    end: int | None = None,
    batch: int = 5000,
) -> Iterator[LogRecord]:
    """Records in order, fetched in batches so memory stays flat on long logs."""
    position = start
    while end is None or position < end:
        query = (
            select(LogRecord)
            .where(LogRecord.community_id == community_id, LogRecord.seq >= position)
            .order_by(LogRecord.seq)
            .limit(batch if end is None else min(batch, end - position))
        )
        rows = list(session.scalars(query))
        if not rows:
            return
        position = rows[-1].seq + 1
        yield from rows
        for row in rows:  # keep the identity map small on a million-record log
            session.expunge(row)


# --- keys and checkpoints ------------------------------------------------------------


def _key_path(origin: str) -> Path:
    return get_settings().var_dir / "keys" / (origin.replace("/", "_") + ".key")


def has_platform_key(origin: str) -> bool:
    """Whether this server holds the platform's signing key for the log `origin`.

    `platform_signer` makes the key on first use. A job that signs on the side (an
    import's checkpoint) asks first, and makes none: made wherever the job ran, it would
    be a second signing identity for the log.
    """
    return _key_path(origin).exists()


def platform_signer(session: Session, community_id: int, *, origin: str) -> rules.Signer:
    """The platform's signing key for this log: read from var/keys, made on first use.

    The private key never enters the database; its public half is registered so that
    pages and bundles can show it.
    """
    path = _key_path(origin)
    if path.exists():
        signer = rules.read_private_key(path)
    else:
        signer = rules.Signer.generate(origin)
        path.parent.mkdir(parents=True, exist_ok=True)
        rules.write_private_key(path, signer)
    public = signer.public
    if session.get(SigningKey, (community_id, public.name)) is None:
        session.add(
            SigningKey(
                community_id=community_id,
                name=public.name,
                role=PLATFORM,
                public_key=public.key,
                added_at=clock.now(),
            )
        )
        session.flush()
    return signer


def public_keys(session: Session, community_id: int) -> list[rules.PublicKey]:
    """Every key that signs or co-signs this log, platform first."""
    rows = session.scalars(
        select(SigningKey)
        .where(SigningKey.community_id == community_id, SigningKey.retired_at.is_(None))
        .order_by(SigningKey.role.desc(), SigningKey.name)
    )
    return [rules.PublicKey(row.name, row.public_key) for row in rows]


def sign_checkpoint(session: Session, community_id: int, *, origin: str) -> Checkpoint:
    """Sign the current tree (size, root, time); the same size twice returns the first one."""
    size = tree_size(session, community_id)
    existing = session.get(Checkpoint, (community_id, size))
    if existing is not None:
        return existing
    now = clock.now()
    body = rules.checkpoint_at(origin, size, root(session, community_id, size), at=now)
    signed = rules.sign(body, platform_signer(session, community_id, origin=origin))
    row = Checkpoint(
        community_id=community_id,
        tree_size=size,
        root_hash=body.root_hash,
        note=signed.text(),
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row


def sign_if_behind(session: Session, community_id: int, *, origin: str) -> Checkpoint | None:
    """Sign the log if it holds records no signed checkpoint covers yet; else do nothing.

    Owners can prove a record only against a signed checkpoint, so a log that grew is
    signed again (the daily job, `transparency.jobs`); an empty log or one whose latest
    checkpoint covers every record is left alone, so running it twice signs nothing new.
    """
    lock_log(session, community_id)  # a record appended meanwhile waits for the signature
    size = tree_size(session, community_id)
    latest = latest_checkpoint(session, community_id)
    if size == 0 or (latest is not None and latest.tree_size >= size):
        return None
    return sign_checkpoint(session, community_id, origin=origin)


def latest_checkpoint(session: Session, community_id: int) -> Checkpoint | None:
    return session.scalar(
        select(Checkpoint)
        .where(Checkpoint.community_id == community_id)
        .order_by(Checkpoint.tree_size.desc())
        .limit(1)
    )


def list_checkpoints(session: Session, community_id: int) -> list[Checkpoint]:
    """Every signed checkpoint, oldest first."""
    return list(
        session.scalars(
            select(Checkpoint)
            .where(Checkpoint.community_id == community_id)
            .order_by(Checkpoint.tree_size)
        )
    )


def get_checkpoint(session: Session, community_id: int, tree_size_: int) -> Checkpoint:
    row = session.get(Checkpoint, (community_id, tree_size_))
    if row is None:
        raise NotFound("there is no checkpoint at size {size}", args={"size": tree_size_})
    return row


def signed_note(
    session: Session, community_id: int, checkpoint: Checkpoint
) -> rules.SignedCheckpoint:
    """The checkpoint's note with the platform signature and every committee co-signature."""
    signed = rules.parse_signed_checkpoint(checkpoint.note)
    extra = session.scalars(
        select(Cosignature)
        .where(
            Cosignature.community_id == community_id, Cosignature.tree_size == checkpoint.tree_size
        )
        .order_by(Cosignature.key_name)
    )
    lines = tuple(rules.parse_signature_line(row.signature_line) for row in extra)
    return rules.SignedCheckpoint(signed.checkpoint, signed.signatures + lines)


def add_cosignature(
    session: Session, community_id: int, *, tree_size_: int, signature_line: str
) -> Cosignature:
    """Attach a committee member's signature, made offline, after checking it."""
    checkpoint = get_checkpoint(session, community_id, tree_size_)
    line = rules.parse_signature_line(signature_line.strip())
    key_row = session.get(SigningKey, (community_id, line.key_name))
    if key_row is None or key_row.role != COMMITTEE or key_row.retired_at is not None:
        raise Invalid("{name} is not a registered committee key", args={"name": line.key_name})
    key = rules.PublicKey(key_row.name, key_row.public_key)
    base = rules.parse_signed_checkpoint(checkpoint.note)
    if not rules.SignedCheckpoint(base.checkpoint, (line,)).signed_by(key):
        raise Invalid(
            "the co-signature does not match checkpoint {size}", args={"size": tree_size_}
        )
    if session.get(Cosignature, (community_id, tree_size_, line.key_name)) is not None:
        raise Conflict(
            "{name} has already co-signed checkpoint {size}",
            args={"name": line.key_name, "size": tree_size_},
        )
    row = Cosignature(
        community_id=community_id,
        tree_size=tree_size_,
        key_name=line.key_name,
        signature_line=line.line(),
        created_at=clock.now(),
    )
    session.add(row)
    session.flush()
    return row


def cosign_checkpoint(
    session: Session, community_id: int, *, tree_size_: int, signer: rules.Signer
) -> Cosignature:
    """Sign checkpoint `tree_size_` with a committee key held here, and attach the signature.

    For a member at the server with their key file; offline members sign the note with
    `rules.signature_over` and hand the line to `add_cosignature`.
    """
    checkpoint = rules.parse_signed_checkpoint(
        get_checkpoint(session, community_id, tree_size_).note
    ).checkpoint
    line = rules.signature_over(checkpoint, signer).line()
    return add_cosignature(session, community_id, tree_size_=tree_size_, signature_line=line)


# --- bundles -------------------------------------------------------------------------


def build_bundle(
    session: Session,
    community_id: int,
    *,
    origin: str,
    seqs: Sequence[int] = (),
    size: int | None = None,
    since: int | None = None,
    bodies: Mapping[int, bytes] | None = None,
) -> dict[str, object]:
    """Build what `sunshine verify` checks: a checkpoint and records with their proofs.

    `bodies` replaces the logged text of some records with what a part says they should
    be now (the ledger's entry as its tables hold it): if the two differ, the record no
    longer hashes to its logged leaf and verification fails.

    Given `since` (the size of a checkpoint the owner saved), the bundle also carries
    the consistency proof from it.

    `size` picks a signed checkpoint (default: the latest); a log never signed has none
    to offer, so callers sign one first (`sign_checkpoint`).
    """
    checkpoint = (
        get_checkpoint(session, community_id, size)
        if size is not None
        else latest_checkpoint(session, community_id)
    )
    if checkpoint is None:
        raise NotFound("the log has no signed checkpoint yet")
    n = checkpoint.tree_size
    wanted = sorted(set(seqs))
    if wanted and wanted[0] == 0 and wanted[-1] == n - 1 and len(wanted) == n:
        # The whole log: the verifier recomputes the signed root from every record,
        # so no record needs a proof of its own (a million proofs would take an hour).
        records = [
            verifier.BundleRecord(seq, body, None, leaf)
            for seq, body, leaf in iter_record_rows(session, community_id, end=n)
        ]
        wanted = []
    else:
        records = []
    for seq in wanted:
        row = get_record(session, community_id, seq)
        if seq >= n:
            raise NotFound(
                "record {seq} came after checkpoint {size}", args={"seq": seq, "size": n}
            )
        proof = tuple(inclusion_proof(session, community_id, seq=seq, size=n))
        body = row.body if bodies is None else bodies.get(seq, row.body)
        records.append(verifier.BundleRecord(seq, body, proof, row.leaf_hash))
    steps = []
    if since is not None:
        proof = tuple(consistency_proof(session, community_id, old_size=since, new_size=n))
        steps.append(verifier.BundleConsistency(since, proof, root(session, community_id, since)))
    return verifier.bundle_from_parts(
        origin=origin,
        checkpoint=signed_note(session, community_id, checkpoint).text(),
        records=records,
        consistency=steps,
        public_keys=[key.text() for key in public_keys(session, community_id)],
    )
