"""The journal's side of the audit: entries rebuilt from the tables, records sorted by entry.

`BookScan` rebuilds each entry's log record from its rows, BATCH entry numbers per three
queries (headers, postings, vouchers posted with the entry), as canonical JSON bytes.
It writes them with `json.encoder.encode_basestring`, the C function the canonical
encoder uses for strings, rather than building a dict and encoding it, which costs
several times more at a million entries. The bytes equal `transparency.rules.canonical
(rules.as_record(...))`: every string goes through that encoder and every number is an
integer, so equal bytes mean equal values. Where they differ from the log, `audit.py`
rebuilds the entry from fresh rows through `rules.as_record` before calling it changed,
so a slip here could only slow the audit down, never invent a difference. On the way it
checks that each posting carries its entry's date. A value of an odd type (bytes for
text, a REAL amount) only makes the bytes differ, so the entry is rebuilt the exact way,
which names it; entry numbers far apart are skipped over, not counted through.

`EntryRecords` sorts the `ledger.entry` records where the log is read (in the child
process when it is read in parallel): by entry number, each once and in increasing order.
"""

from __future__ import annotations

from collections.abc import Iterator
from json.encoder import encode_basestring
from typing import Any

from sqlalchemy import BigInteger
from sqlalchemy import ColumnElement
from sqlalchemy import String
from sqlalchemy import bindparam
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import type_coerce
from sqlalchemy.orm import Session

from sunshine.infra.bulk import Statement
from sunshine.infra.bulk import driver_rows
from sunshine.kernel.errors import Problem
from sunshine.ledger.models import Account
from sunshine.ledger.models import EntryVoucher
from sunshine.ledger.models import JournalEntry
from sunshine.ledger.models import Posting
from sunshine.ledger.rules import public_counterparty
from sunshine.ledger.service.posting import ENTRY_KIND
from sunshine.transparency.service.audit_report import AuditReport
from sunshine.transparency.service.audit_report import FindingKind
from sunshine.transparency.service.audit_rows import LogRow
from sunshine.transparency.service.audit_rows import odd
from sunshine.transparency.service.audit_scan import RecordSorter

BATCH = 20_000  # entry numbers per query
_ENTRY = JournalEntry.__table__.c
_POSTING = Posting.__table__.c
_LINK = EntryVoucher.__table__.c
Logged = dict[int, tuple[int, bytes, bytes]]  # entry number → (seq, body or b"", leaf hash)
SortedEntries = tuple[Logged, int]  # entry records of a batch, the highest entry number so far
_MAX_DIGITS = 18  # an entry number longer than this would not fit a BIGINT
_EMPTY = encode_basestring("")
_ODD = '"\u0000odd"'  # in place of a value that is not text: the record then differs
_FLAGS = frozenset({0, 1})  # a boolean as either database returns it (True == 1)
_LOW = bindparam("low", 0, type_=BigInteger)  # the entry numbers of a batch
_HIGH = bindparam("high", 0, type_=BigInteger)


def month_of(dialect: str, column: ColumnElement[Any]) -> ColumnElement[str]:
    """A date column's month as 'YYYY-MM' text."""
    if dialect == "postgresql":
        return func.to_char(column, "YYYY-MM", type_=String)
    return func.substr(type_coerce(column, String), 1, 7, type_=String)


def text_day(dialect: str, column: ColumnElement[Any]) -> ColumnElement[str]:
    """A date column as 'YYYY-MM-DD' text (SQLite stores it so; PostgreSQL formats it)."""
    if dialect == "postgresql":
        return func.to_char(column, "YYYY-MM-DD", type_=String)
    return type_coerce(column, String)


class BookScan:
    """Entries rebuilt as log records, in batches of BATCH entry numbers (see the module doc)."""

    def __init__(self, session: Session, community_id: int, report: AuditReport) -> None:
        self.connection = session.connection()
        self.community_id, self.report = community_id, report
        self.codes: dict[int, str] = dict(
            driver_rows(
                self.connection,
                select(Account.id, Account.code).where(Account.community_id == community_id),
            )
        )
        self.quoted_codes = {
            key: encode_basestring(code) if type(code) is str else _ODD
            for key, code in self.codes.items()
        }
        self.session = session
        self.sql = session.get_bind().dialect
        self.dialect = self.sql.name
        self.last = max(self._highest(number, owner) for number, owner in self._numbered())
        self.high = 0  # every entry number up to here has been read
        self.previous = 0  # the last entry number seen, to find gaps
        self.touched = False  # whether the last batch read any row
        self.entries = self.postings = 0  # rows read
        # Compiled once, run per batch (transparency.service.audit_scan.Statement says why).
        self.header_query: Statement | None = None
        self.posting_query: Statement | None = None
        self.voucher_query: Statement | None = None

    def _numbered(self) -> tuple[tuple[ColumnElement[int], ColumnElement[int]], ...]:
        return (
            (_ENTRY.id, _ENTRY.community_id),
            (_POSTING.entry_id, _POSTING.community_id),
            (_LINK.entry_id, _LINK.community_id),
        )

    def _highest(self, number: ColumnElement[int], owner: ColumnElement[int]) -> int:
        """The highest entry number in a table; one stored as another type is left to `_batch`."""
        where = owner == self.community_id
        last = self.session.scalar(select(func.max(number)).where(where))
        if last is not None and type(last) is not int:  # SQLite keeps what it was given
            last = self.session.scalar(
                select(func.max(number)).where(where, func.typeof(number) == "integer")
            )
        return last or 0

    def _following(self, after: int) -> int | None:
        """The lowest entry number above `after` in any of the tables (to skip a wide gap)."""
        found = [
            self.session.scalar(
                select(func.min(number)).where(owner == self.community_id, number > after)
            )
            for number, owner in self._numbered()
        ]
        numbers = [n for n in found if type(n) is int]
        return min(numbers, default=None)

    def batches(self) -> Iterator[dict[int, bytes]]:
        """{entry number: record bytes} per batch, in order; `high` is the batch's last number."""
        while self.high < self.last:
            low, self.high = self.high, min(self.high + BATCH, self.last)
            yield self._batch(low, self.high)
            if not self.touched:  # numbers far apart: go straight to the next one
                following = self._following(self.high)
                self.high = self.last if following is None else max(self.high, following - 1)
        if self.previous < self.last:
            self._gap(self.previous + 1, self.last)

    def _batch(self, low: int, high: int) -> dict[int, bytes]:
        """The records of entries low+1 … high, as bytes."""
        headers = self._headers(low, high)
        legs = self._postings(low, high, {row[0]: row[1] for row in headers})
        vouchers = self._vouchers(low, high)
        self.touched = bool(headers or legs or vouchers)
        out: dict[int, bytes] = {}
        for number, _day, head, tail in headers:
            if number != self.previous + 1:
                if type(number) is not int:
                    self._odd_number(number)
                    continue
                self._gap(self.previous + 1, number - 1)
            self.previous = number
            postings, posted_with = legs.pop(number, ()), vouchers.pop(number, ())
            out[number] = (
                f'{head},"postings":[{",".join(postings)}],{tail},'
                f'"vouchers":[{",".join(posted_with)}]}}'
            ).encode()
        self.entries += len(headers)
        self._stray(legs.keys() | vouchers.keys())
        return out

    def _headers(self, low: int, high: int) -> list[tuple[int, str, str, str]]:
        """(number, day, the record's text before "postings", between it and "vouchers")."""
        e = _ENTRY
        day = text_day(self.dialect, e.booked_on)
        # Usual values come back as NULL, for which the driver makes no string (see _rows);
        # the text is written as rules.as_record and the canonical encoder would write it.
        period = func.nullif(type_coerce(e.period, String), month_of(self.dialect, e.booked_on))
        party, reason = func.nullif(e.counterparty, ""), func.nullif(e.reason, "")
        if self.header_query is None:
            query = select(
                e.id, day, period, e.narration, party, e.counterparty_is_person, e.budget_line,
                reason, e.reverses_id, e.source,
            )  # fmt: skip
            in_range = (e.community_id == self.community_id) & e.id.between(_LOW, _HIGH)
            self.header_query = Statement(query.where(in_range).order_by(e.id), self.sql)
        rows = self.header_query.rows(self.connection, low=low + 1, high=high)
        q, out = encode_basestring, []
        for number, day, period, narration, party, person, budget, reason, reverses, source in rows:
            try:
                shown = "" if party is None else public_counterparty(party, is_person=person)
                month = q(day[:7] if period is None else period)
                line = "null" if budget is None else q(budget)
                head = (
                    f'{{"booked_on":{q(day)},"budget_line":{line},"counterparty":{q(shown)},'
                    f'"entry":{number},"narration":{q(narration)},"period":{month}'
                )
                tail = (
                    f'"reason":{_EMPTY if reason is None else q(reason)},'
                    f'"reverses":{"null" if reverses is None else reverses},"source":{q(source)}'
                )
            except (TypeError, AttributeError):  # a value of the wrong type, behind the app's
                head, tail = "", ""  # back: the entry is then rebuilt the exact way
            if person not in _FLAGS:  # any true value would mask the name as 1 does
                head, tail = "", ""
            out.append((number, day, head, tail))
        return out

    def _postings(self, low: int, high: int, days: dict[int, str]) -> dict[int, list[str]]:
        """Each entry's legs as JSON [code,fen,memo], in line order; checks their dates."""
        p = _POSTING
        if self.posting_query is None:
            day_text = text_day(self.dialect, p.booked_on)
            amount = type_coerce(p.amount_fen, BigInteger)
            query = select(p.entry_id, p.account_id, amount, func.nullif(p.memo, ""), day_text)
            in_range = (p.community_id == self.community_id) & p.entry_id.between(_LOW, _HIGH)
            self.posting_query = Statement(
                query.where(in_range).order_by(p.entry_id, p.line), self.sql
            )
        rows = self.posting_query.rows(self.connection, low=low + 1, high=high)
        legs: dict[int, list[str]] = {}
        codes, q = self.quoted_codes, encode_basestring
        current, lines, entry_day = 0, [], ""
        for entry_id, account_id, fen, memo, day in rows:
            try:
                leg = (
                    f"[{codes.get(account_id, 'null')},{fen},{_EMPTY if memo is None else q(memo)}]"
                )
            except TypeError:  # a memo that is not text: the entry is rebuilt the exact way
                leg = _ODD
            if entry_id == current:
                lines.append(leg)
            else:
                current, lines, entry_day = entry_id, [leg], days.get(entry_id, day)
                legs[entry_id] = lines
            if day != entry_day:
                self._dated_apart(entry_id, len(lines), day, entry_day)
        self.postings += len(rows)
        return legs

    def _vouchers(self, low: int, high: int) -> dict[int, list[str]]:
        """The vouchers each entry was posted with (its record names them), quoted, sorted."""
        if self.voucher_query is None:
            self.voucher_query = Statement(
                select(_LINK.entry_id, _LINK.sha256)
                .where(
                    _LINK.community_id == self.community_id,
                    _LINK.entry_id.between(_LOW, _HIGH),
                    _LINK.with_entry.is_(True),
                )
                .order_by(_LINK.entry_id, _LINK.sha256),
                self.sql,
            )
        rows = self.voucher_query.rows(self.connection, low=low + 1, high=high)
        found: dict[int, list[str]] = {}
        for entry_id, sha in rows:
            found.setdefault(entry_id, []).append(
                encode_basestring(sha) if type(sha) is str else _ODD
            )
        return found

    def _odd_number(self, number: object) -> None:
        self.report.add(
            Problem(
                FindingKind.STORAGE,
                "an entry's number is stored as {value}",
                {"value": odd(number).text},
            ),
            kind=ENTRY_KIND,
            key=odd(number).text,
            field="id",
        )

    def _dated_apart(self, number: int, line: int, day: str, entry_day: str) -> None:
        self.report.add(
            Problem(
                FindingKind.CHANGED,
                "entry {number}: posting {line} is dated {day}, the entry {entry_day}",
                {"number": number, "line": line, "day": str(day), "entry_day": str(entry_day)},
            ),
            entry=number,
            kind=ENTRY_KIND,
            key=str(number),
            field="booked_on",
        )

    def _gap(self, first: int, last: int) -> None:
        args = {"first": first, "last": last}
        if first == last:
            problem = Problem(FindingKind.GAP, "entry {first} is missing from the ledger", args)
        else:
            problem = Problem(
                FindingKind.GAP, "entries {first} to {last} are missing from the ledger", args
            )
        self.report.add(problem, entry=first, kind=ENTRY_KIND, key=str(first))

    def _stray(self, numbers: set[object]) -> None:
        for number in sorted(numbers, key=str):
            self.report.add(
                Problem(
                    FindingKind.STRAY_ROWS,
                    "entry {number} has postings or vouchers but no entry row",
                    {"number": number},
                ),
                entry=number if type(number) is int else None,
                kind=ENTRY_KIND,
                key=str(number),
            )


class EntryRecords(RecordSorter):
    """Sorts `ledger.entry` records by entry number, where the log is read (see module doc).

    Entry records must name an entry number, each once and in increasing order (an
    entry's record is appended as it is posted); others are named here.
    """

    def __init__(self, report: AuditReport) -> None:
        self.report = report
        self.high = 0  # the highest entry number read from entry records

    def sort(self, rows: list[LogRow]) -> SortedEntries:
        entries: Logged = {}
        for seq, _kind, ref, body, digest in rows:
            if type(ref) is str and ref.isdecimal() and len(ref) <= _MAX_DIGITS:
                number = int(ref)
                if number > self.high:
                    self.high = number
                    entries[number] = (seq, body, digest)
                    continue
            self._misplaced(seq, ref)
        return entries, self.high

    def _misplaced(self, seq: int, ref: object) -> None:
        if type(ref) is not str or not ref.isdecimal() or len(ref) > _MAX_DIGITS:
            shown = ref[:40] if type(ref) is str else odd(ref).text
            self.report.add(
                Problem(
                    FindingKind.NOT_IN_LEDGER,
                    "log record {seq} names entry {ref}, which is not an entry number",
                    {"seq": seq, "ref": shown},
                ),
                seq=seq,
                kind=ENTRY_KIND,
                key=shown,
                field="ref",
            )
            return
        self.report.add(
            Problem(
                FindingKind.ORDER,
                "log record {seq} repeats entry {number} or comes out of order",
                {"seq": seq, "number": int(ref)},
            ),
            entry=int(ref),
            seq=seq,
            kind=ENTRY_KIND,
            key=ref,
        )
