"""The audit of the log's signed checkpoints, their co-signatures and the keys behind them.

Every checkpoint row, not only the latest, is checked against the tree refolded from the
records (`audit_scan`): its stored root, and its note (size, root, time), which must be
signed by the community's registered platform key named after the log's origin. Each
co-signature must verify over its checkpoint's note with a registered committee key.
So a key swapped, renamed or re-roled, a note or root edited, or a time changed is named.

Which checkpoints exist is not itself logged: a checkpoint no notice prints, or a
co-signature, can be removed unnoticed here; owners keep the checkpoints they saw.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from datetime import UTC
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.infra.bulk import driver_rows
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import Problem
from sunshine.transparency.models import Checkpoint
from sunshine.transparency.models import Cosignature
from sunshine.transparency.models import SigningKey
from sunshine.transparency.rules import records as rules
from sunshine.transparency.service.audit_report import AuditReport
from sunshine.transparency.service.audit_report import FindingKind
from sunshine.transparency.service.audit_rows import odd
from sunshine.transparency.service.audit_rows import shown
from sunshine.transparency.service.log import COMMITTEE
from sunshine.transparency.service.log import PLATFORM

LOG = "transparency.log"


def N_(message: str) -> str:  # noqa: N802 - the gettext marker the catalog extractor knows
    """Mark a message for translation where it is made; the edge translates the finding."""
    return message


CheckpointRow = tuple[Any, Any, Any, Any]  # tree_size, root_hash, note, created_at as stored
_CHECKPOINT = Checkpoint.__table__.c
_COSIGNATURE = Cosignature.__table__.c
_KEY = SigningKey.__table__.c


def read_checkpoints(session: Session, community_id: int) -> list[CheckpointRow]:
    """The community's checkpoint rows as stored, smallest first."""
    c = _CHECKPOINT
    query = select(c.tree_size, c.root_hash, c.note, c.created_at).where(
        c.community_id == community_id
    )
    rows = driver_rows(session.connection(), query.order_by(c.tree_size))
    return [tuple(row) for row in rows]


def sizes(rows: Sequence[CheckpointRow]) -> list[int]:
    """The checkpoints' tree sizes that are whole numbers (others are named by `check`)."""
    return [row[0] for row in rows if type(row[0]) is int]


def check(
    session: Session,
    community_id: int,
    report: AuditReport,
    rows: Sequence[CheckpointRow],
    roots: Mapping[int, bytes],
) -> None:
    """Check every checkpoint against the refolded roots, its keys and its co-signatures."""
    keys = _keys(session, community_id, report)
    notes: dict[int, rules.SignedCheckpoint] = {}
    origins: set[str] = set()
    for size, root_hash, note, created_at in rows:
        if type(size) is not int:
            _add(
                report,
                FindingKind.STORAGE,
                N_("a checkpoint's tree size is stored as {value}"),
                {"value": odd(size).text},
                key="?",
                field="tree_size",
            )
            continue
        signed = _check_one(report, keys, (size, root_hash, note, created_at), roots)
        if signed is not None:
            notes[size] = signed
            origins.add(signed.checkpoint.origin)
    if len(origins) > 1:
        _add(
            report,
            FindingKind.SIGNATURE,
            N_("the checkpoints name more than one log: {origins}"),
            {"origins": ", ".join(sorted(origins))},
            key="*",
            field="note",
        )
    _check_cosignatures(session, community_id, report, notes, keys)


def _check_one(
    report: AuditReport,
    keys: Mapping[str, tuple[str, bytes]],
    row: CheckpointRow,
    roots: Mapping[int, bytes],
) -> rules.SignedCheckpoint | None:
    size, root_hash, note, created_at = row
    key = str(size)
    root = roots.get(size)
    if root is None:
        report.add(
            Problem(
                FindingKind.ROOT,
                "the signed checkpoint covers {size} records; the log holds {records}",
                {"size": size, "records": report.records},
            ),
            kind=LOG,
            key=key,
            field="tree_size",
        )
        return None
    try:
        signed = rules.parse_signed_checkpoint(note) if type(note) is str else None
    except Invalid:
        signed = None
    if signed is None:
        _add(
            report,
            FindingKind.SIGNATURE,
            N_("checkpoint {key}: its note cannot be read as a signed note"),
            {},
            key=key,
            field="note",
        )
        return None
    body = signed.checkpoint
    if body.root_hash != root or body.tree_size != size:
        report.add(
            Problem(
                FindingKind.ROOT,
                "the root of the first {size} records is {root}; the signed checkpoint says"
                " {signed}",
                {"size": size, "root": root.hex(), "signed": body.root_hash.hex()},
            ),
            kind=LOG,
            key=key,
            field="note",
        )
    if root_hash != body.root_hash:
        _add(
            report,
            FindingKind.CHANGED,
            N_("checkpoint {key}: its stored root is {stored}; its signed note says {signed}"),
            {
                "stored": root_hash.hex() if type(root_hash) is bytes else odd(root_hash).text,
                "signed": body.root_hash.hex(),
            },
            key=key,
            field="root_hash",
        )
    if body.timestamp != _stamp(created_at):
        _add(
            report,
            FindingKind.CHANGED,
            N_("checkpoint {key}: it is stored as made at {stored}; its note says {stamp}"),
            {"stored": shown(str(created_at)), "stamp": str(body.timestamp)},
            key=key,
            field="created_at",
        )
    platform = keys.get(body.origin)
    if platform is None or platform[0] != PLATFORM:
        message = N_("checkpoint {key}: no registered platform key is named after its log {origin}")
    elif not signed.signed_by(rules.PublicKey(body.origin, platform[1])):
        message = N_("checkpoint {key}: its note is not signed by the platform key {origin}")
    else:
        return signed
    _add(report, FindingKind.SIGNATURE, message, {"origin": body.origin}, key=key, field="note")
    return signed


def _check_cosignatures(
    session: Session,
    community_id: int,
    report: AuditReport,
    notes: Mapping[int, rules.SignedCheckpoint],
    keys: Mapping[str, tuple[str, bytes]],
) -> None:
    s = _COSIGNATURE
    rows = driver_rows(
        session.connection(),
        select(s.tree_size, s.key_name, s.signature_line).where(s.community_id == community_id),
    )
    for size, name, line in rows:
        key = f"{size} {name}"
        signed = notes.get(size) if type(size) is int else None
        try:
            parsed = rules.parse_signature_line(line) if type(line) is str else None
        except Invalid:
            parsed = None
        registered = keys.get(name) if type(name) is str else None
        if signed is None:
            message = N_("the co-signature {key} co-signs no readable checkpoint")
        elif parsed is None or parsed.key_name != name:
            message = N_("the co-signature {key} is not a signature line of its key")
        elif registered is None or registered[0] != COMMITTEE:
            message = N_("the co-signature {key} is made with no registered committee key")
        elif not rules.SignedCheckpoint(signed.checkpoint, (parsed,)).signed_by(
            rules.PublicKey(name, registered[1])
        ):
            message = N_("the co-signature {key} does not verify")
        else:
            continue
        _add(report, FindingKind.SIGNATURE, message, {}, key=key, field="signature_line")


def _keys(session: Session, community_id: int, report: AuditReport) -> dict[str, tuple[str, bytes]]:
    """Registered keys by name: (role, public key); a key that cannot be one is named."""
    k = _KEY
    rows = driver_rows(
        session.connection(),
        select(k.name, k.role, k.public_key).where(k.community_id == community_id),
    )
    found: dict[str, tuple[str, bytes]] = {}
    for name, role, public_key in rows:
        try:
            rules.PublicKey(name, public_key)
        except (Invalid, TypeError):
            message, field = (
                N_("the key {key} is not an Ed25519 public key with a name"),
                "public_key",
            )
        else:
            if role in {PLATFORM, COMMITTEE}:
                found[name] = (role, public_key)
                continue
            message, field = (
                N_("the key {key} has the role {role}: neither platform nor committee"),
                "role",
            )
        _add(
            report,
            FindingKind.STORAGE,
            message,
            {"role": shown(str(role))},
            key=shown(str(name)),
            field=field,
        )
    return found


def _stamp(value: object) -> str | None:
    """A stored instant as a checkpoint writes it (UTC, to the second), or None if none."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _add(
    report: AuditReport,
    kind: FindingKind,
    message: str,
    args: Mapping[str, object],
    *,
    key: str,
    field: str,
) -> None:
    report.add(Problem(kind, message, {"key": key, **args}), kind=LOG, key=key, field=field)
