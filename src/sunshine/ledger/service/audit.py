"""The audit: recompute every record the ledger wrote to the log from the ledger's tables.

`sunshine audit` runs it; so can anyone who distrusts the database file. For one community:

- each journal entry's record (`ledger.entry`, ref = its number) is rebuilt from the entry
  row, its postings in line order, the account codes and the vouchers posted with it,
  and compared byte for byte with the log. Also reported: an entry with no record, a
  record with no entry, a repeated or reordered record, a gap in the entry numbers,
  postings or voucher links whose entry row is gone, a posting dated apart from its entry;
- each record of a voucher attached later, a public copy or trust terms is compared with
  the row it stands for;
- each record's leaf hash is checked against its body, and the Merkle root refolded from
  the bodies is compared with the stored subtree hashes and the latest signed checkpoint;
- the stored per-account, per-period totals are compared with the sums of the postings.

Records of other kinds (not the ledger's) are checked by hash and root only.

Speed: each table is read once, in key order, in batches (`audit_scan`), never one query
per entry, and entries meet their records as both stream in entry order, so memory stays
flat at any length of history. Where a rebuilt record differs from the log, the entry
is rebuilt again from fresh rows through `rules.as_record` and the log's `canonical`,
as `record_of` does, before it is reported, so the fast path can only be slow, never wrong.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.kernel.errors import Problem
from sunshine.kernel.errors import SunshineError
from sunshine.ledger import rules
from sunshine.ledger.models import Account
from sunshine.ledger.models import EntryVoucher
from sunshine.ledger.models import JournalEntry
from sunshine.ledger.models import Posting
from sunshine.ledger.models import Voucher
from sunshine.ledger.service.audit_report import AuditReport
from sunshine.ledger.service.audit_report import FindingKind
from sunshine.ledger.service.audit_report import Progress
from sunshine.ledger.service.audit_scan import BookScan
from sunshine.ledger.service.audit_scan import LogBatch
from sunshine.ledger.service.audit_scan import Logged
from sunshine.ledger.service.audit_sources import LocalLog
from sunshine.ledger.service.audit_sources import RemoteLog
from sunshine.ledger.service.entries import posted_with
from sunshine.ledger.service.terms import TERMS_KIND
from sunshine.ledger.service.terms import _record as terms_record
from sunshine.ledger.service.terms import list_trust_terms
from sunshine.ledger.service.vouchers import PUBLIC_COPY_KIND
from sunshine.ledger.service.vouchers import VOUCHER_KIND
from sunshine.transparency import service as transparency
from sunshine.transparency.rules import records as log_rules

_EXACT_CHUNK = 500  # entries rebuilt the exact way per query, where the fast path differs
SIDE_KINDS = frozenset({VOUCHER_KIND, PUBLIC_COPY_KIND, TERMS_KIND})


def audit(
    session: Session,
    community_id: int,
    *,
    progress: Progress | None = None,
    parallel: bool = False,
) -> AuditReport:
    """Recompute every ledger record of the community's log and compare (see the module doc).

    Reads only. `progress(done, total)` is called after each batch. With `parallel`, the
    log is read in a second process (`audit_sources.RemoteLog`), which sees committed
    data only: for auditing the database as stored, not a transaction's own writes.
    """
    report = AuditReport(community_id)
    books = BookScan(session, community_id, report)
    size = transparency.tree_size(session, community_id)
    signed = transparency.latest_checkpoint(session, community_id)
    checkpoint = None if signed is None else (signed.tree_size, signed.root_hash)
    log: LocalLog | RemoteLog = (
        RemoteLog(session, community_id, size=size, checkpoint=checkpoint, keep_bodies=SIDE_KINDS)
        if parallel and size
        else LocalLog(session, community_id, report, size=size, checkpoint=checkpoint)
    )
    report.checkpoint_size = None if signed is None else signed.tree_size
    with log:  # a RemoteLog's process ends with the block, whatever happens in it
        pairs = _Pairs(session, community_id, report, _SideRecords(session, community_id, report))
        records = log.batches()
        for batch in books.batches():
            pairs.read_log_through(books.high, records)
            pairs.compare(batch, books.high)
            if progress is not None:
                progress(books.high + log.read, books.last + size)
        pairs.read_log_through(None, records)
        pairs.finish()
        log.finish(report)
    if progress is not None:
        progress(books.last + size, books.last + size)
    return report


def audited_communities(session: Session) -> list[int]:
    """Ids of the communities with a chart, entries or a log: those `audit` can check."""
    ids = set(transparency.logged_communities(session))
    for column in (Account.community_id, JournalEntry.community_id):
        ids.update(session.scalars(select(column).distinct()))
    return sorted(ids)


class _Pairs:
    """Meets rebuilt entries with their `ledger.entry` records; both arrive in entry order.

    A record arrives with its body, or (from a RemoteLog) only with the leaf hash of its
    body, which is then compared with the leaf hash of the rebuilt record.
    """

    def __init__(
        self, session: Session, community_id: int, report: AuditReport, side: _SideRecords
    ) -> None:
        self.session, self.community_id, self.report = session, community_id, report
        self.side = side
        self.logged: Logged = {}  # entry → (seq, body, leaf), not yet paired
        self.log_high = 0  # the highest entry number read from the log
        self.log_done = False

    def read_log_through(self, number: int | None, batches: Iterator[LogBatch]) -> None:
        """Read the log until it passes entry `number` (None: to its end)."""
        while not self.log_done and (number is None or self.log_high < number):
            batch = next(batches, None)
            if batch is None:
                self.log_done = True
                return
            entries, others, self.log_high = batch
            self.logged.update(entries)
            for seq, kind, ref, body, _ in others:
                if not self.side.match(seq, kind, ref, body):
                    self.report.other_records += 1

    def compare(self, batch: dict[int, bytes], high: int) -> None:
        """Pair the batch (entries up to `high`) with the records read; report the unpaired."""
        differ: dict[int, tuple[int, bytes]] = {}
        sha256 = hashlib.sha256  # merkle.leaf_hash, without a call per entry
        for number, rebuilt in batch.items():
            found = self.logged.pop(number, None)
            if found is None:
                self._missing(number)
                continue
            seq, body, leaf = found
            if body != rebuilt if body else leaf != sha256(b"\x00" + rebuilt).digest():
                differ[number] = (seq, body)
        for number in [n for n in self.logged if n <= high]:
            self._orphan(number, self.logged.pop(number)[0])
        if differ:
            self._recheck(differ)

    def finish(self) -> None:
        """After the last batch: every record still unpaired has no entry."""
        for number, (seq, _, _) in sorted(self.logged.items()):
            self._orphan(number, seq)
        self.logged.clear()
        self.side.finish()

    def _recheck(self, differ: dict[int, tuple[int, bytes]]) -> None:
        """Rebuild the differing entries from fresh rows the exact way; report real changes."""
        exact = _exact_records(self.session, self.community_id, sorted(differ))
        missing = [seq for seq, body in differ.values() if not body]
        bodies = _bodies(self.session, self.community_id, missing) if missing else {}
        for number, (seq, body) in differ.items():
            logged = body or bodies.get(seq, b"")
            rebuilt = exact.get(number)
            if rebuilt != logged:
                self.report.add(_changed(number, seq, rebuilt, logged), entry=number, seq=seq)

    def _missing(self, number: int) -> None:
        self.report.add(
            Problem(
                FindingKind.MISSING_FROM_LOG,
                "entry {number} has no record in the log",
                {"number": number},
            ),
            entry=number,
        )

    def _orphan(self, number: int, seq: int) -> None:
        self.report.add(
            Problem(
                FindingKind.NOT_IN_LEDGER,
                "log record {seq} is entry {number}, which the ledger does not hold",
                {"seq": seq, "number": number},
            ),
            entry=number,
            seq=seq,
        )


def _bodies(session: Session, community_id: int, seqs: list[int]) -> dict[int, bytes]:
    """The bodies of these log records, read fresh (not from the session's identity map)."""
    found: dict[int, bytes] = {}
    for start in range(0, len(seqs), _EXACT_CHUNK):
        chunk = seqs[start : start + _EXACT_CHUNK]
        found.update(transparency.record_bodies(session, community_id, chunk))
    return found


def _exact_records(session: Session, community_id: int, numbers: list[int]) -> dict[int, bytes]:
    """Canonical records of these entries, built by `rules.as_record` from fresh rows.

    Rows are read as values, not ORM objects, so an entry the session already holds is
    not served from its identity map. An entry whose rows no entry could have been posted
    with (a value of the wrong type) is left out: it is then reported as changed.
    """
    codes = _codes(session, community_id)
    found: dict[int, bytes] = {}
    for start in range(0, len(numbers), _EXACT_CHUNK):
        chunk = numbers[start : start + _EXACT_CHUNK]
        e, p = JournalEntry, Posting
        headers = session.execute(
            select(
                e.id, e.booked_on, e.period, e.narration, e.counterparty,
                e.counterparty_is_person, e.budget_line, e.reason, e.source, e.reverses_id,
            ).where(e.community_id == community_id, e.id.in_(chunk))
        ).all()  # fmt: skip
        legs: dict[int, list[rules.PostingDraft]] = defaultdict(list)
        rows = session.execute(
            select(p.entry_id, p.account_id, p.amount, p.memo)
            .where(p.community_id == community_id, p.entry_id.in_(chunk))
            .order_by(p.entry_id, p.line)
        )
        for entry_id, account_id, amount, memo in rows:
            legs[entry_id].append(rules.PostingDraft(codes.get(account_id, ""), amount, memo))
        vouchers = posted_with(session, community_id, chunk)
        for (
            number,
            day,
            period,
            narration,
            party,
            person,
            budget,
            reason,
            source,
            reverses,
        ) in headers:
            draft = rules.EntryDraft(
                booked_on=day,
                narration=narration,
                postings=tuple(legs[number]),
                period=period,
                counterparty=party,
                counterparty_is_person=person,
                budget_line=budget,
                reason=reason,
                vouchers=tuple(vouchers.get(number, ())),
            )
            try:
                record = rules.as_record(draft, number=number, source=source, reverses=reverses)
                found[number] = log_rules.canonical(record)
            except (AttributeError, TypeError, ValueError, SunshineError):
                continue
    return found


def _codes(session: Session, community_id: int) -> dict[int, str]:
    rows = session.execute(
        select(Account.id, Account.code).where(Account.community_id == community_id)
    ).all()
    return dict(rows)


def _changed(number: int, seq: int, rebuilt: bytes | None, logged: bytes) -> Problem:
    """Say how an entry differs from its record: which fields, e.g. "narration, postings"."""
    args: dict[str, object] = {"number": number, "seq": seq}
    if rebuilt is None:
        return Problem(
            FindingKind.CHANGED,
            "entry {number} no longer matches log record {seq}: its rows cannot be read"
            " as an entry (an unknown account or a bad amount)",
            args,
        )
    try:
        old = json.loads(logged)
    except ValueError:
        old = None
    if not isinstance(old, dict):
        return Problem(
            FindingKind.CHANGED,
            "entry {number} no longer matches log record {seq}, which is not a JSON object",
            args,
        )
    new = json.loads(rebuilt)
    args["fields"] = ", ".join(
        sorted(k for k in new.keys() | old.keys() if new.get(k) != old.get(k))
    )
    return Problem(
        FindingKind.CHANGED,
        "entry {number} no longer matches log record {seq}; it differs in {fields}",
        args,
    )


class _SideRecords:
    """Records of vouchers attached later, public copies and trust terms, against their rows.

    Held in memory: their number grows with vouchers attached after posting and with
    contract changes, not with entries (posting and bulk imports write none).
    """

    def __init__(self, session: Session, community_id: int, report: AuditReport) -> None:
        self.report = report
        self.expected: dict[tuple[str, str], Counter[bytes]] = {}
        for kind, ref, record in _side_rows(session, community_id):
            self.expected.setdefault((kind, ref), Counter())[log_rules.canonical(record)] += 1

    def match(self, seq: int, kind: str, ref: str, body: bytes) -> bool:
        """Pair a record of one of KINDS with its row; False for a kind not checked here."""
        if kind not in SIDE_KINDS:
            return False
        bodies = self.expected.get((kind, ref))
        if bodies and bodies[body] > 0:
            bodies[body] -= 1
            return True
        self.report.add(
            Problem(
                FindingKind.NOT_IN_LEDGER,
                "log record {seq} ({kind} {ref}) matches nothing in the ledger",
                {"seq": seq, "kind": kind, "ref": ref[:64]},
            ),
            entry=_number(kind, ref),
            seq=seq,
        )
        return True

    def finish(self) -> None:
        """Report every row whose record never came."""
        for (kind, ref), bodies in sorted(self.expected.items()):
            for _ in range(bodies.total()):
                self.report.add(
                    Problem(
                        FindingKind.MISSING_FROM_LOG,
                        "the ledger's {kind} {ref} has no record in the log",
                        {"kind": kind, "ref": ref},
                    ),
                    entry=_number(kind, ref),
                )


def _number(kind: str, ref: str) -> int | None:
    """The entry a voucher record is about."""
    return int(ref) if kind == VOUCHER_KIND and ref.isdecimal() and len(ref) <= 18 else None


def _side_rows(session: Session, community_id: int) -> Iterable[tuple[str, str, dict[str, object]]]:
    """(kind, ref, record) of every voucher link, public copy and terms row, as logged."""
    attached = session.execute(
        select(EntryVoucher.entry_id, EntryVoucher.sha256, Voucher.media_type)
        .join(
            Voucher,
            (Voucher.community_id == EntryVoucher.community_id)
            & (Voucher.sha256 == EntryVoucher.sha256),
        )
        .where(EntryVoucher.community_id == community_id, EntryVoucher.with_entry.is_(False))
    )
    for entry_id, sha, media_type in attached:
        yield (
            VOUCHER_KIND,
            str(entry_id),
            {"entry": entry_id, "sha256": sha, "media_type": media_type},
        )
    copies = session.execute(
        select(Voucher.sha256, Voucher.public_sha256).where(
            Voucher.community_id == community_id, Voucher.public_sha256.is_not(None)
        )
    )
    for sha, public in copies:
        yield PUBLIC_COPY_KIND, sha, {"sha256": sha, "public_sha256": public}
    for terms in list_trust_terms(session, community_id):
        yield TERMS_KIND, str(terms.effective_from), terms_record(terms)
