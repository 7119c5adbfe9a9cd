"""The audit of the journal: each `ledger.entry` record against the rows it stands for.

Each journal entry's record (ref = its number) is rebuilt from the entry row, its
postings in line order, the account codes and the vouchers posted with it, and compared
byte for byte with the log (`audit_scan.BookScan`). Also named: an entry with no record,
a record with no entry, a repeated or reordered record, a gap in the entry numbers,
postings or voucher links whose entry row is gone, a posting dated apart from its entry.

Speed: each table is read once, in key order, in batches, never one query per entry,
and entries meet their records as both arrive in entry order, so memory stays flat at
any length of history. Where a rebuilt record differs from the log, the entry is read
again from fresh rows as stored and rebuilt through `rules.as_record` and the log's
`canonical`, as `record_of` does, before anything is named: the fast path can only be
slow, never wrong. What then differs is named field by field, logged against stored; a
value stored with a type no entry holds (text for an amount, a REAL beyond 2^63) is
named as stored instead of being read into an entry.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.infra.bulk import driver_rows
from sunshine.kernel.errors import Problem
from sunshine.kernel.errors import SunshineError
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import rules
from sunshine.ledger.models import Account
from sunshine.ledger.models import EntryVoucher
from sunshine.ledger.models import JournalEntry
from sunshine.ledger.models import Posting
from sunshine.ledger.service.audit_scan import BookScan
from sunshine.ledger.service.audit_scan import Logged
from sunshine.ledger.service.audit_scan import SortedEntries
from sunshine.ledger.service.posting import ENTRY_KIND
from sunshine.transparency import service as transparency
from sunshine.transparency.rules import records as log_rules
from sunshine.transparency.service.audit_report import AuditReport
from sunshine.transparency.service.audit_report import FindingKind
from sunshine.transparency.service.audit_rows import Odd
from sunshine.transparency.service.audit_rows import compare
from sunshine.transparency.service.audit_rows import day
from sunshine.transparency.service.audit_rows import flag
from sunshine.transparency.service.audit_rows import month
from sunshine.transparency.service.audit_rows import odd
from sunshine.transparency.service.audit_rows import parse_body
from sunshine.transparency.service.audit_rows import text
from sunshine.transparency.service.audit_rows import text_or_none
from sunshine.transparency.service.audit_rows import whole
from sunshine.transparency.service.audit_rows import whole_or_none

_EXACT_CHUNK = 500  # entries rebuilt the exact way per query, where the fast path differs
_E, _P, _L = JournalEntry.__table__.c, Posting.__table__.c, EntryVoucher.__table__.c
_ACCOUNT = Account.__table__.c


class EntryAudit:
    """Meets rebuilt entries with their records; both arrive in entry order (module doc).

    A record arrives with its body, or (from a log read in another process) only with the
    leaf hash of its body, which is then compared with the leaf hash of the rebuilt one.
    Entries up to `settled` have been paired or named; rebuilt entries above it wait for
    their records, records above it for their entries.
    """

    def __init__(self, session: Session, community_id: int, report: AuditReport) -> None:
        self.session, self.community_id, self.report = session, community_id, report
        self.books = BookScan(session, community_id, report)
        self.batches: Iterator[dict[int, bytes]] = self.books.batches()
        self.books_done = False
        self.rebuilt: dict[int, bytes] = {}
        self.logged: Logged = {}

    def take(self, batch: SortedEntries) -> None:
        """Take a batch of records (all entries up to `high` have come): settle up to there."""
        entries, high = batch
        self.logged.update(entries)
        self._settle(high)

    def finish(self) -> None:
        """After the last record: settle every entry; count what was read."""
        self._settle(None)
        self.report.counts["entries"] += self.books.entries
        self.report.counts["postings"] += self.books.postings

    def _settle(self, upto: int | None) -> None:
        while not self.books_done and (upto is None or self.books.high < upto):
            batch = next(self.batches, None)
            if batch is None:
                self.books_done = True
            else:
                self.rebuilt.update(batch)
        through = self.books.high if upto is None else min(upto, self.books.high)
        differ: dict[int, tuple[int, bytes]] = {}
        sha256 = hashlib.sha256  # merkle.leaf_hash, without a call per entry
        for number in [n for n in self.rebuilt if upto is None or n <= through]:
            rebuilt = self.rebuilt.pop(number)
            found = self.logged.pop(number, None)
            if found is None:
                self._missing(number)
                continue
            seq, body, leaf = found
            if body != rebuilt if body else leaf != sha256(b"\x00" + rebuilt).digest():
                differ[number] = (seq, body)
        for number in sorted(n for n in self.logged if upto is None or n <= through):
            self._orphan(number, self.logged.pop(number)[0])
        if differ:
            self._recheck(differ)

    def _recheck(self, differ: dict[int, tuple[int, bytes]]) -> None:
        """Rebuild the differing entries from fresh rows the exact way; name real changes."""
        stored = _stored_records(self.session, self.community_id, sorted(differ))
        missing = [seq for seq, body in differ.values() if not body]
        bodies = _bodies(self.session, self.community_id, missing) if missing else {}
        for number, (seq, body) in sorted(differ.items()):
            logged = body or bodies.get(seq, b"")
            record = stored.get(number)
            if isinstance(record, bytes):
                if record == logged:
                    continue  # the fast path's slip: the entry is as logged
                record = parse_body(record)
            _named(self.report, number, seq, logged, record)

    def _missing(self, number: int) -> None:
        self.report.add(
            Problem(
                FindingKind.MISSING_FROM_LOG,
                "entry {number} has no record in the log",
                {"number": number},
            ),
            entry=number,
            kind=ENTRY_KIND,
            key=str(number),
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
            kind=ENTRY_KIND,
            key=str(number),
        )


def _named(report: AuditReport, number: int, seq: int, logged: bytes, stored: object) -> None:
    """Name each field in which the entry's rows differ from its record."""
    record = parse_body(logged)
    if record is None:
        report.add(
            Problem(
                FindingKind.CHANGED,
                "entry {number} no longer matches log record {seq}, which is not a JSON object",
                {"number": number, "seq": seq},
            ),
            entry=number,
            seq=seq,
            kind=ENTRY_KIND,
            key=str(number),
        )
        return
    if stored is None:  # its header is gone since it was read: the rows changed meanwhile
        stored = odd(None)
    if not compare(
        report,
        kind=ENTRY_KIND,
        key=str(number),
        seq=seq,
        logged=record,
        stored=stored,
        entry=number,
        message="entry {key}: {field} is {stored} in the database; log record {seq} says {logged}",
    ):
        report.add(
            Problem(
                FindingKind.CHANGED,
                "entry {number}: log record {seq} holds its values written otherwise",
                {"number": number, "seq": seq},
            ),
            entry=number,
            seq=seq,
            kind=ENTRY_KIND,
            key=str(number),
        )


def _bodies(session: Session, community_id: int, seqs: list[int]) -> dict[int, bytes]:
    """The bodies of these log records, read fresh (not from the session's identity map)."""
    found: dict[int, bytes] = {}
    for start in range(0, len(seqs), _EXACT_CHUNK):
        chunk = seqs[start : start + _EXACT_CHUNK]
        found.update(transparency.record_bodies(session, community_id, chunk))
    return found


def _stored_records(
    session: Session, community_id: int, numbers: list[int]
) -> dict[int, bytes | dict[str, object]]:
    """Each entry as stored: the canonical bytes if its values are sane, else the record.

    Sane values go through `rules.as_record` and the log's `canonical`; otherwise the
    record is laid out with each odd value in place (`audit_rows.Odd`), to be named.
    Rows are read as the driver returns them, not as ORM objects, so an entry the
    session already holds is not served from its identity map, and no column type
    converts (or chokes on) a value of the wrong type.
    """
    connection = session.connection()
    codes = dict(
        driver_rows(
            connection,
            select(_ACCOUNT.id, _ACCOUNT.code).where(_ACCOUNT.community_id == community_id),
        )
    )
    found: dict[int, bytes | dict[str, object]] = {}
    for start in range(0, len(numbers), _EXACT_CHUNK):
        chunk = numbers[start : start + _EXACT_CHUNK]
        legs: dict[int, list[list[object]]] = defaultdict(list)
        for entry_id, account_id, amount, memo in driver_rows(
            connection,
            select(_P.entry_id, _P.account_id, _P.amount_fen, _P.memo)
            .where(_P.community_id == community_id, _P.entry_id.in_(chunk))
            .order_by(_P.entry_id, _P.line),
        ):
            code = codes.get(account_id)
            shown = text(code) if code is not None else Odd(f"account_id {account_id}")
            legs[entry_id].append([shown, whole(amount), text(memo)])
        vouchers: dict[int, list[object]] = defaultdict(list)
        for entry_id, sha in driver_rows(
            connection,
            select(_L.entry_id, _L.sha256)
            .where(_L.community_id == community_id, _L.entry_id.in_(chunk), _L.with_entry)
            .order_by(_L.entry_id, _L.sha256),
        ):
            vouchers[entry_id].append(text(sha))
        for header in driver_rows(connection, _header_query(community_id, chunk)):
            number = header[0]
            record = _stored_record(header, legs[number], vouchers[number])
            found[number] = _exact(record) or record
    return found


def _header_query(community_id: int, chunk: Sequence[int]) -> Select[Any]:
    return select(
        _E.id, _E.booked_on, _E.period, _E.narration, _E.counterparty,
        _E.counterparty_is_person, _E.budget_line, _E.reverses_id, _E.reason, _E.source,
    ).where(_E.community_id == community_id, _E.id.in_(chunk))  # fmt: skip


def _stored_record(
    header: Sequence[object], legs: list[list[object]], vouchers: list[object]
) -> dict[str, object]:
    """The entry's record as its rows stand, laid out as `rules.as_record` lays it out.

    INVARIANT: for sane values this equals `rules.as_record` (a test pins the two).
    """
    number, booked_on, period, narration, party, person, budget, reverses, reason, source = header
    shown_party: object = text(party)
    is_person = flag(person)
    if isinstance(shown_party, str) and isinstance(is_person, bool):
        shown_party = rules.public_counterparty(shown_party, is_person=is_person)
    elif isinstance(is_person, Odd):
        shown_party = is_person
    return {
        "entry": number,
        "booked_on": day(booked_on),
        "period": month(period),
        "narration": text(narration),
        "counterparty": shown_party,
        "budget_line": text_or_none(budget),
        "reverses": whole_or_none(reverses),
        "reason": text(reason),
        "source": text(source),
        "postings": legs,
        "vouchers": sorted(vouchers, key=str),
    }


def _exact(record: dict[str, object]) -> bytes | None:
    """The canonical record through `rules.as_record`, or None if a value is odd."""
    legs: Any = record["postings"]
    vouchers: Any = record["vouchers"]
    values = [v for k, v in record.items() if k not in {"postings", "vouchers"}]
    values += [value for leg in legs for value in leg] + list(vouchers)
    if any(isinstance(value, Odd) for value in values):
        return None
    fields: Any = record
    try:
        draft = rules.EntryDraft(
            booked_on=date.fromisoformat(fields["booked_on"]),
            narration=fields["narration"],
            postings=tuple(rules.PostingDraft(code, Fen(fen), memo) for code, fen, memo in legs),
            period=Period.parse(fields["period"]),
            counterparty=fields["counterparty"],
            budget_line=fields["budget_line"],
            reason=fields["reason"],
            vouchers=tuple(vouchers),
        )
        exact = rules.as_record(
            draft, number=fields["entry"], source=fields["source"], reverses=fields["reverses"]
        )
        return log_rules.canonical(exact)
    except (TypeError, ValueError, SunshineError):
        return None
