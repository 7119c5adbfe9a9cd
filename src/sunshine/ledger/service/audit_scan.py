"""The audit's two readers: the ledger's tables and the log's records, each in key order.

`BookScan` rebuilds each entry's log record from its rows, BATCH entry numbers per three
queries (headers, postings, vouchers posted with the entry), as canonical JSON bytes.
It writes them with `json.encoder.encode_basestring`, the C function the canonical
encoder uses for strings, rather than building a dict and encoding it, which costs
several times more at a million entries. The bytes equal `transparency.rules.canonical
(rules.as_record(...))`: every string goes through that encoder and every number is an
integer, so equal bytes mean equal values. Where they differ from the log, `audit.py`
rebuilds the entry from fresh rows through `rules.as_record` before calling it changed,
so a slip here could only slow the audit down, never invent a difference. On the way it
checks that each posting carries its entry's date.

`LogScan` reads the records in seq order, checks each leaf hash, folds the leaves into
the RFC 9162 tree one at a time (a frontier of log2(n) hashes), noting the root at the
latest checkpoint's size, and sorts out the entry records by entry number.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from collections.abc import Sequence
from json.encoder import encode_basestring
from typing import Any

from sqlalchemy import BigInteger
from sqlalchemy import ColumnElement
from sqlalchemy import String
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import type_coerce
from sqlalchemy.orm import Session

from sunshine.infra.bulk import driver_rows
from sunshine.kernel import merkle
from sunshine.kernel.errors import NotFound
from sunshine.kernel.errors import Problem
from sunshine.ledger.models import Account
from sunshine.ledger.models import EntryVoucher
from sunshine.ledger.models import JournalEntry
from sunshine.ledger.models import Posting
from sunshine.ledger.rules import public_counterparty
from sunshine.ledger.service.audit_report import AuditReport
from sunshine.ledger.service.audit_report import FindingKind
from sunshine.transparency import service as transparency

BATCH = 20_000  # entry numbers, or log records, per query
_ENTRY = JournalEntry.__table__.c
_POSTING = Posting.__table__.c
_LINK = EntryVoucher.__table__.c
LogRow = tuple[int, str, str, bytes, bytes]  # seq, kind, ref, body, leaf hash of the body
Logged = dict[int, tuple[int, bytes, bytes]]  # entry number → (seq, body or b"", leaf hash)
LogBatch = tuple[Logged, list[LogRow], int]  # entry records, other rows, highest entry so far
_MAX_DIGITS = 18  # an entry number longer than this would not fit a BIGINT
_EMPTY = encode_basestring("")


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
        self.quoted_codes = {key: encode_basestring(code) for key, code in self.codes.items()}
        self.last = max(
            session.scalar(select(func.max(number)).where(owner == community_id)) or 0
            for number, owner in (
                (_ENTRY.id, _ENTRY.community_id),
                (_POSTING.entry_id, _POSTING.community_id),
                (_LINK.entry_id, _LINK.community_id),
            )
        )
        self.high = 0  # every entry number up to here has been read
        self.previous = 0  # the last entry number seen, to find gaps
        self.dialect = session.get_bind().dialect.name

    def batches(self) -> Iterator[dict[int, bytes]]:
        """{entry number: record bytes} per batch, in order; `high` is the batch's last number."""
        while self.high < self.last:
            low, self.high = self.high, min(self.high + BATCH, self.last)
            yield self._batch(low, self.high)
        if self.previous < self.last:
            self._gap(self.previous + 1, self.last)

    def _batch(self, low: int, high: int) -> dict[int, bytes]:
        """The records of entries low+1 … high, as bytes."""
        headers = self._headers(low, high)
        legs = self._postings(low, high, {row[0]: row[1] for row in headers})
        vouchers = self._vouchers(low, high)
        out: dict[int, bytes] = {}
        for number, _day, head, tail in headers:
            if number != self.previous + 1:
                self._gap(self.previous + 1, number - 1)
            self.previous = number
            postings, posted_with = legs.pop(number, ()), vouchers.pop(number, ())
            out[number] = (
                f'{head},"postings":[{",".join(postings)}],{tail},'
                f'"vouchers":[{",".join(posted_with)}]}}'
            ).encode()
        self.report.entries += len(headers)
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
        query = select(
            e.id, day, period, e.narration, party, e.counterparty_is_person, e.budget_line,
            reason, e.reverses_id, e.source,
        )  # fmt: skip
        in_range = (e.community_id == self.community_id) & e.id.between(low + 1, high)
        rows = driver_rows(self.connection, query.where(in_range).order_by(e.id))
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
            out.append((number, day, head, tail))
        return out

    def _postings(self, low: int, high: int, days: dict[int, str]) -> dict[int, list[str]]:
        """Each entry's legs as JSON [code,fen,memo], in line order; checks their dates."""
        p = _POSTING
        day_text = text_day(self.dialect, p.booked_on)
        amount = type_coerce(p.amount_fen, BigInteger)
        query = select(p.entry_id, p.account_id, amount, func.nullif(p.memo, ""), day_text)
        in_range = (p.community_id == self.community_id) & p.entry_id.between(low + 1, high)
        rows = driver_rows(self.connection, query.where(in_range).order_by(p.entry_id, p.line))
        legs: dict[int, list[str]] = {}
        codes, q = self.quoted_codes, encode_basestring
        current, lines, entry_day = 0, [], ""
        for entry_id, account_id, fen, memo, day in rows:
            leg = f"[{codes.get(account_id, 'null')},{fen},{_EMPTY if memo is None else q(memo)}]"
            if entry_id == current:
                lines.append(leg)
            else:
                current, lines, entry_day = entry_id, [leg], days.get(entry_id, day)
                legs[entry_id] = lines
            if day != entry_day:
                self._dated_apart(entry_id, len(lines), day, entry_day)
        self.report.postings += len(rows)
        return legs

    def _vouchers(self, low: int, high: int) -> dict[int, list[str]]:
        """The vouchers each entry was posted with (its record names them), quoted, sorted."""
        rows = driver_rows(
            self.connection,
            select(_LINK.entry_id, _LINK.sha256)
            .where(
                _LINK.community_id == self.community_id,
                _LINK.entry_id.between(low + 1, high),
                _LINK.with_entry.is_(True),
            )
            .order_by(_LINK.entry_id, _LINK.sha256),
        )
        found: dict[int, list[str]] = {}
        for entry_id, sha in rows:
            found.setdefault(entry_id, []).append(encode_basestring(sha))
        return found

    def _dated_apart(self, number: int, line: int, day: str, entry_day: str) -> None:
        self.report.add(
            Problem(
                FindingKind.CHANGED,
                "entry {number}: posting {line} is dated {day}, the entry {entry_day}",
                {"number": number, "line": line, "day": day, "entry_day": entry_day},
            ),
            entry=number,
        )

    def _gap(self, first: int, last: int) -> None:
        args = {"first": first, "last": last}
        if first == last:
            problem = Problem(FindingKind.GAP, "entry {first} is missing from the ledger", args)
        else:
            problem = Problem(
                FindingKind.GAP, "entries {first} to {last} are missing from the ledger", args
            )
        self.report.add(problem, entry=first)

    def _stray(self, numbers: set[int]) -> None:
        for number in sorted(numbers):
            self.report.add(
                Problem(
                    FindingKind.STRAY_ROWS,
                    "entry {number} has postings or vouchers but no entry row",
                    {"number": number},
                ),
                entry=number,
            )


class LogScan:
    """The log's records in seq order: leaf hashes checked, the tree folded (see module doc).

    `size` and `checkpoint` (tree size, root) come from the caller's snapshot, so that a
    reader in another transaction checks the same records: the log only grows.
    """

    def __init__(
        self,
        session: Session,
        community_id: int,
        report: AuditReport,
        *,
        size: int,
        checkpoint: tuple[int, bytes] | None,
        entry_kind: str,
        bodies: bool = True,
    ) -> None:
        self.session, self.community_id, self.report = session, community_id, report
        self.entry_kind, self.bodies = entry_kind, bodies
        self.high = 0  # the highest entry number read from entry records
        self.size = size
        self.read = 0  # records read (and folded into the tree)
        self.frontier: list[bytes] = []  # of the records read, largest subtree first
        self.checkpoint: int | None = None if checkpoint is None else checkpoint[0]
        self.signed_root: bytes | None = None if checkpoint is None else checkpoint[1]
        self.root_at_checkpoint = merkle.EMPTY_ROOT if self.checkpoint == 0 else None
        report.checkpoint_size = self.checkpoint

    def batches(self) -> Iterator[LogBatch]:
        """Per BATCH records: (entry records by number, other rows, highest entry number)."""
        for start in range(0, self.size, BATCH):
            end = min(start + BATCH, self.size)
            rows = transparency.record_rows(self.session, self.community_id, start=start, end=end)
            yield self._fold(rows, start, end)

    def _fold(
        self, rows: Sequence[tuple[int, str, str, bytes, bytes]], start: int, end: int
    ) -> LogBatch:
        """Check each leaf hash, add the body's leaf to the tree (RFC 9162), sort the records.

        Entry records must name an entry number, each once and in increasing order (an
        entry's record is appended as it is posted); others are reported here.
        """
        sha256, frontier, entry_kind = hashlib.sha256, self.frontier, self.entry_kind
        count, checkpoint, expected = self.read, self.checkpoint, start
        entries: Logged = {}
        others: list[LogRow] = []
        for seq, kind, ref, body, leaf in rows:
            if seq != expected:
                self._lost(expected, seq - 1)
            expected = seq + 1
            digest = sha256(b"\x00" + body).digest()
            if digest != leaf:
                self._wrong_leaf(seq)
            frontier.append(digest)
            carry = count
            while carry & 1:  # each trailing one bit: a subtree this leaf completes
                right = frontier.pop()
                frontier[-1] = sha256(b"\x01" + frontier[-1] + right).digest()
                carry >>= 1
            count += 1
            if count == checkpoint:
                self.root_at_checkpoint = merkle.root_from_frontier(frontier, count)
            if kind != entry_kind:
                others.append((seq, kind, ref, body, digest))
            elif ref.isdecimal() and len(ref) <= _MAX_DIGITS and int(ref) > self.high:
                self.high = int(ref)
                entries[self.high] = (seq, body if self.bodies else b"", digest)
            else:
                self._misplaced(seq, ref)
        if expected < end:
            self._lost(expected, end - 1)
        self.read = count
        return entries, others, self.high

    def _misplaced(self, seq: int, ref: str) -> None:
        if not ref.isdecimal() or len(ref) > _MAX_DIGITS:
            self.report.add(
                Problem(
                    FindingKind.NOT_IN_LEDGER,
                    "log record {seq} names entry {ref}, which is not an entry number",
                    {"seq": seq, "ref": ref[:40]},
                ),
                seq=seq,
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
        )

    def _lost(self, first: int, last: int) -> None:
        self.report.add(
            Problem(
                FindingKind.MISSING_FROM_LOG,
                "log records {first} to {last} are gone",
                {"first": first, "last": last},
            ),
            seq=first,
        )

    def _wrong_leaf(self, seq: int) -> None:
        self.report.add(
            Problem(
                FindingKind.LEAF_HASH,
                "log record {seq} has a leaf hash that is not the hash of its body",
                {"seq": seq},
            ),
            seq=seq,
        )

    def check_root(self) -> None:
        """Compare the refolded root with the stored subtree hashes and the signed checkpoint."""
        report = self.report
        report.records = self.read
        report.root = merkle.root_from_frontier(self.frontier, self.read)
        try:
            stored = transparency.root(self.session, self.community_id, self.size).hex()
        except NotFound:
            stored = "—"
        if stored != report.root.hex():
            report.add(
                Problem(
                    FindingKind.ROOT,
                    "the root of the log's {size} records is {root}; its stored subtree"
                    " hashes give {stored}",
                    {"size": self.size, "root": report.root.hex(), "stored": stored},
                )
            )
        if self.checkpoint is None or self.root_at_checkpoint == self.signed_root:
            return
        signed = "—" if self.signed_root is None else self.signed_root.hex()
        if self.root_at_checkpoint is None:
            problem = Problem(
                FindingKind.ROOT,
                "the signed checkpoint covers {size} records; the log holds {records}",
                {"size": self.checkpoint, "records": self.read},
            )
        else:
            problem = Problem(
                FindingKind.ROOT,
                "the root of the first {size} records is {root}; the signed checkpoint says"
                " {signed}",
                {"size": self.checkpoint, "root": self.root_at_checkpoint.hex(), "signed": signed},
            )
        report.add(problem)
