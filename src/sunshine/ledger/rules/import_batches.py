"""Preparing an import's batches away from the database: checks, log records, table rows.

`sunshine ledger import` runs `prepare` in a second process while the first one writes
(`service/bulk_booking.py`), so the per-transaction Python work (checking, building the
canonical record, hashing it) overlaps the database's inserts on the other core.

Preparing needs the entry number and log position each transaction will get. It assumes
that every good transaction is new and that nobody else books meanwhile; the writer
checks that assumption for every batch and renumbers the records (`renumbered`) when it
does not hold, or books the batch the ordinary way when an id was booked before.

Only what a plain import transaction can hold is prepared here: no counterparty, memo,
voucher or budget line. A transaction that fails any quick check (an account not open on
its day, a closed period, the trustee's remuneration, text that looks personal) marks
its batch `plain=False`, and the writer books that batch through `post_entries`, whose
checks then name every problem exactly as for any other entry.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from array import array
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from json.encoder import encode_basestring

from sunshine.kernel import merkle
from sunshine.kernel.masking import looks_personal
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import rules
from sunshine.ledger.rules.journal_csv import Txn
from sunshine.transparency.rules.records import canonical


@dataclass(frozen=True, slots=True)
class Books:
    """What preparing needs to know of a community's books, read once before the import."""

    accounts: Mapping[str, tuple[str, int]]  # the file's account name -> (code, account id)
    open_spans: Mapping[str, tuple[date, date | None]]  # code -> (opened on, closed on)
    closed_through: Period | None
    remuneration_codes: frozenset[str]
    source: str  # the entries' `source` ("import")
    stored_from: int  # the lowest level of subtree hashes the log stores
    booking_window: tuple[date, date]  # the days entries may be dated (rules.booking_window)


# The fields of the rows `prepare` sends, named by the ledger's columns: `bulk_booking`
# derives its inserts from these and the tables. Entry numbers count from 0 in a batch.
ENTRY_FIELDS = ("id", "booked_on", "period", "narration", "external_id")
POSTING_FIELDS = ("entry_id", "line", "account_id", "booked_on", "amount_fen")


@dataclass(frozen=True, slots=True)
class Prepared:
    """One batch, ready to write. Entries are counted from 0 within the batch."""

    first: int  # the entry number assumed for entry 0
    seq: int  # the log size assumed before entry 0
    entries: str  # JSON: a row per entry, of ENTRY_FIELDS
    postings: str  # JSON: a row per posting, of POSTING_FIELDS
    # Each entry's canonical log record, numbered from `first`, end to end, and where each
    # ends; and their leaf hashes, 32 bytes each. Flat, because the writer unpickles
    # every batch on its critical path (bench/import_parts.py times it).
    records: bytes
    ends: array[int]
    leaf_hashes: bytes
    totals: dict[tuple[int, str], tuple[int, int]]  # (account id, period) -> (debit, credit)
    frontier: list[bytes]  # the log's frontier hashes assumed before entry 0
    nodes: list[tuple[int, int, bytes]]  # the subtree hashes they complete: level, index
    next_frontier: list[bytes]  # the frontier after them: the next batch starts from it
    postings_count: int
    txn_ends: tuple[str, str]  # the first and the last transaction's id ("" if none)
    plain: bool  # every entry passed the quick checks
    books: Books  # as they were when the checks ran

    def __len__(self) -> int:
        return len(self.ends)

    @property
    def bodies(self) -> list[bytes]:
        starts = [0, *self.ends[:-1]]
        return [self.records[start:end] for start, end in zip(starts, self.ends, strict=True)]

    @property
    def leaves(self) -> list[bytes]:
        hashes = self.leaf_hashes
        return [hashes[at : at + 32] for at in range(0, len(hashes), 32)]


_SAMPLE_DAY = date(1999, 9, 9)
_SAMPLE_NARRATION = "@@narration@@"
_SAMPLE_CODE = "@@code@@"
_SAMPLE_AMOUNT = 987654321987
_SAMPLE_NUMBER = 123456789123


@dataclass(frozen=True, slots=True)
class RecordShape:
    """The canonical record of a plain import entry as a template, derived from `as_record`.

    `rules.as_record` and `canonical` stay the one definition of a record: this cuts the
    bytes they produce for a sample entry at its variable fields, and `record_shape`
    proves the template right on a second, awkward sample before anything uses it.
    """

    template: str  # printf-style: day, number, narration (JSON), period, postings
    posting: str  # printf-style: code (JSON), amount
    number_at: int  # where the entry number starts in every body

    def leg(self, code: str) -> tuple[str, str]:
        """A posting's text before and after its amount, for an account code."""
        before, after = self.posting.split("%d")
        return before % _json(code), after

    def body(self, number: int, day: str, narration: str, legs: Sequence[tuple[str, int]]) -> bytes:
        parts = [self.leg(code) for code, _ in legs]
        return self.text(
            number,
            day,
            _json(narration),
            [
                f"{before}{amount}{after}"
                for (before, after), (_, amount) in zip(parts, legs, strict=True)
            ],
        )

    def text(self, number: int, day: str, narration_json: str, postings: list[str]) -> bytes:
        return (self.template % (day, number, narration_json, day[:7], ",".join(postings))).encode(
            "utf-8"
        )


@cache
def record_shape(source: str) -> RecordShape:
    def record(number: int, day: date, narration: str, legs: list[tuple[str, int]]) -> str:
        draft = rules.EntryDraft(
            booked_on=day,
            narration=narration,
            postings=tuple(rules.PostingDraft(code, Fen(amount)) for code, amount in legs),
        )
        return canonical(rules.as_record(draft, number=number, source=source)).decode("utf-8")

    sample = record(
        _SAMPLE_NUMBER, _SAMPLE_DAY, _SAMPLE_NARRATION, [(_SAMPLE_CODE, _SAMPLE_AMOUNT)]
    )
    element = f'[{json.dumps(_SAMPLE_CODE)},{_SAMPLE_AMOUNT},""]'
    marks = [
        (f'"{_SAMPLE_DAY.isoformat()}"', '"%s"'),
        (str(_SAMPLE_NUMBER), "%d"),
        (json.dumps(_SAMPLE_NARRATION), "%s"),
        (f'"{_SAMPLE_DAY.isoformat()[:7]}"', '"%s"'),
        (element, "%s"),
    ]
    template = sample.replace("%", "%%")
    for mark, placeholder in marks:  # in the record's key order: booked_on, entry, narration, …
        if template.count(mark) != 1:
            raise AssertionError(f"the entry record changed shape: {mark} in {sample}")
        template = template.replace(mark, placeholder)
    posting = element.replace(json.dumps(_SAMPLE_CODE), "%s").replace(str(_SAMPLE_AMOUNT), "%d")
    shape = RecordShape(template, posting, sample.index(str(_SAMPLE_NUMBER)))
    awkward = ('「保洁」 "quoted" \\ 100%', [("1001", 12345), ("6.0-1_x", -12345)])
    if shape.body(42, "2024-10-05", awkward[0], awkward[1]) != record(
        42, date(2024, 10, 5), *awkward
    ).encode("utf-8"):
        raise AssertionError("the entry record template does not reproduce as_record")
    return shape


def _json(text: str) -> str:
    return encode_basestring(text)  # what json.dumps(text, ensure_ascii=False) returns


def prepare(
    txns: list[Txn], books: Books, *, first: int, seq: int, frontier: list[bytes]
) -> Prepared:
    """Check and build one batch of good transactions, numbered from `first`.

    `seq` and `frontier` are the log's size and frontier hashes before the batch; the next
    batch starts from `seq + len(batch)` and the batch's `next_frontier`.
    """
    shape = record_shape(books.source)
    sha256 = hashlib.sha256
    # Per account name: (code, account id, the posting's text around its amount).
    legs_of = {
        name: (code, account_id, *shape.leg(code))
        for name, (code, account_id) in books.accounts.items()
    }
    # Per day: its text, its period, the accounts open on it, whether its period is closed.
    days: dict[date, tuple[str, str, frozenset[str], bool]] = {}
    narrations: dict[str, tuple[str, bool]] = {}  # text -> (as JSON, passes the checks)
    closed = books.closed_through
    first_day, last_day = books.booking_window
    entries: list[list[object]] = []
    postings: list[list[object]] = []
    bodies: list[bytes] = []
    leaves: list[bytes] = []
    totals: dict[tuple[int, str], list[int]] = {}
    plain = True
    limit = rules.MAX_AMOUNT.value
    for index, txn in enumerate(txns):
        day = txn.booked_on
        known_day = days.get(day)
        if known_day is None:
            day_text = day.isoformat()
            known_day = days[day] = (
                day_text,
                day_text[:7],
                _open_codes(books, day),
                # A day outside the window (whose month may not exist) or in a closed
                # period: the ordinary path says so.
                not first_day <= day <= last_day
                or (closed is not None and Period.of(day) <= closed),
            )
        day_text, period, codes, in_closed = known_day
        narration = txn.narration
        known = narrations.get(narration)
        if known is None:
            fine = (
                0 < len(narration.strip()) <= len(narration) <= rules.NARRATION_LENGTH
                and "\x00" not in narration  # NUL: SQLite's JSON text would end there
            )
            known = narrations[narration] = (
                _json(narration),
                fine and not looks_personal(narration),
            )
        if in_closed or not known[1]:
            plain = False
        entries.append([index, day_text, period, narration, txn.txn_id])
        texts = []
        for line, (name, amount) in enumerate(txn.legs, start=1):
            code, account_id, before, after = legs_of[name]
            value = amount.value
            if code not in codes or code in books.remuneration_codes or abs(value) > limit:
                plain = False
            postings.append([index, line, account_id, day_text, value])
            texts.append(f"{before}{value}{after}")
            sums = totals.get((account_id, period))
            if sums is None:
                sums = totals[account_id, period] = [0, 0]
            if value > 0:
                sums[0] += value
            else:
                sums[1] -= value
        body = shape.text(first + index, day_text, known[0], texts)
        bodies.append(body)
        leaves.append(sha256(b"\x00" + body).digest())
    grown, nodes = merkle.append_leaves(frontier, seq, leaves, from_level=books.stored_from)
    ends = array("Q", itertools.accumulate(map(len, bodies)))
    return Prepared(
        first=first,
        seq=seq,
        entries=json.dumps(entries, ensure_ascii=False),
        postings=json.dumps(postings),
        records=b"".join(bodies),
        ends=ends,
        leaf_hashes=b"".join(leaves),
        totals={key: (debit, credit) for key, (debit, credit) in totals.items()},
        frontier=frontier,
        nodes=[(node.level, node.index, node.hash) for node in nodes],
        next_frontier=grown,
        postings_count=len(postings),
        txn_ends=(txns[0].txn_id, txns[-1].txn_id) if txns else ("", ""),
        plain=plain,
        books=books,
    )


def _open_codes(books: Books, day: date) -> frozenset[str]:
    return frozenset(
        code
        for code, (opened, closed) in books.open_spans.items()
        if opened <= day and (closed is None or day < closed)
    )


def renumbered(batch: Prepared, source: str, *, first: int) -> tuple[list[bytes], list[bytes]]:
    """The batch's records and leaf hashes as if its entry 0 were number `first`."""
    if first == batch.first:
        return batch.bodies, batch.leaves
    at = record_shape(source).number_at
    bodies = []
    for index, body in enumerate(batch.bodies):
        old = str(batch.first + index).encode()
        bodies.append(body[:at] + str(first + index).encode() + body[at + len(old) :])
    return bodies, [hashlib.sha256(b"\x00" + body).digest() for body in bodies]
