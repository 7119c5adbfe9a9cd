"""The import's fast path and the ordinary path leave the same rows, for any journal.

A random journal (balanced and unbalanced transactions, several accounts, one opened
late, dates across four months, sometimes the first of them closed, awkward and personal
narrations, now and then an amount past the bound) is read by `journal_csv` and booked batch by batch into two communities:
set-wise (`import_batches.prepare` and `bulk_booking.book_prepared`, as `sunshine ledger
import` books) and the ordinary way (`importing.book_batch`, that is `post_entries`).
Every entry, posting, log record, subtree hash and total, and the log's root, must be
the same, and so must every refusal. Runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from hypothesis import HealthCheck
from hypothesis import event
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from sunshine.kernel.errors import Invalid
from sunshine.kernel.periods import Period
from sunshine.ledger import rules
from sunshine.ledger import service
from sunshine.ledger.rules import import_batches
from sunshine.ledger.rules import journal_csv
from sunshine.ledger.service import bulk_booking
from sunshine.ledger.service import importing
from sunshine.transparency import service as log
from tests.factories import make_community
from tests.factories import make_user
from tests.ledger.builders import assert_sound
from tests.ledger.builders import check_deferred
from tests.ledger.builders import close_month
from tests.ledger.builders import every_row

OPENED = date(2020, 1, 1)
LATE = ("Income:Advertising:Elevator", date(2020, 3, 1))  # opened later than the others
NAMES = (
    "Assets:Bank:Operating",
    "Assets:Clearing:WeChatPay",
    "Equity:Opening-Balances",
    "Income:Parking",
    "Expenses:Cleaning",
)
NARRATIONS = (
    "保洁费 2020",
    '"ads, elevator" 电梯广告',
    "100% \\ 月结",
    "payroll",
    "退款 13812345678",  # personal: the full checks refuse it, on either path
)


@dataclass(frozen=True)
class Txn:
    day: date
    narration: str
    legs: tuple[tuple[str, int], ...]


def _txn(
    day: date, narration: str, names: list[str], amounts: list[int], off: int, huge: bool
) -> Txn:
    """Legs on `names`; the last one balances the others, give or take `off` fen.

    A `huge` transaction's first leg is past the bound, which either path refuses.
    """
    if huge:
        amounts = [rules.MAX_AMOUNT.value + 1, *amounts[1:]]
    legs = list(zip(names[:-1], amounts, strict=False))
    return Txn(day, narration, (*legs, (names[-1], off - sum(fen for _, fen in legs))))


transactions = st.builds(
    _txn,
    day=st.dates(min_value=date(2020, 1, 25), max_value=date(2020, 4, 5)),
    narration=st.sampled_from(NARRATIONS[:4] * 12 + NARRATIONS[4:]),
    names=st.lists(st.sampled_from(NAMES * 16 + LATE[:1]), min_size=2, max_size=4),
    amounts=st.lists(st.integers(1, 10**9) | st.integers(-(10**9), -1), min_size=1, max_size=3),
    off=st.sampled_from([0] * 12 + [1, -100]),  # now and then an unbalanced one
    huge=st.sampled_from([False] * 40 + [True]),
).filter(lambda txn: all(fen for _, fen in txn.legs))


def _journal(txns: list[Txn]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(journal_csv.HEADER)
    for number, txn in enumerate(txns):
        for name, fen in txn.legs:
            sign = "-" if fen < 0 else ""
            yuan = f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"
            writer.writerow(
                [f"T{number:05d}", txn.day.isoformat(), name, yuan, "CNY", txn.narration]
            )
    return out.getvalue()


def _read(text: str) -> tuple[list[journal_csv.Txn], list[str]]:
    rows = journal_csv.reader(io.StringIO(text))
    assert journal_csv.read_header(rows) == []
    found = list(journal_csv.transactions(rows))
    good = [t for t in found if isinstance(t, journal_csv.Txn)]
    return good, [t.txn_id for t in found if isinstance(t, journal_csv.BadTxn)]


def _books(
    session: Session, closed: Period | None, closers: tuple[int, int]
) -> tuple[int, dict[str, str]]:
    cid = make_community(session).id
    codes = importing.open_accounts(session, cid, list(NAMES), on=OPENED)
    codes |= importing.open_accounts(session, cid, [LATE[0]], on=LATE[1])
    if closed is not None:
        close_month(session, cid, closed, closers)  # logged, by the same people on both paths
    return cid, codes


def _fast(session: Session, cid: int, codes: dict[str, str], txns: list[journal_csv.Txn]) -> None:
    books = bulk_booking.books_for_import(session, cid, codes)
    first = service.entry_count(session, cid) + 1
    seq = log.tree_size(session, cid)
    frontier = log.frontier(session, cid, seq)
    batch = import_batches.prepare(txns, books, first=first, seq=seq, frontier=frontier)
    event("a batch is plain (set-wise)" if batch.plain else "a batch needs the full checks")
    bulk_booking.book_prepared(session, cid, batch, actor_id=None)


def _slow(session: Session, cid: int, codes: dict[str, str], txns: list[journal_csv.Txn]) -> None:
    importing.book_batch(session, cid, txns, codes, actor_id=None)


Book = Callable[[Session, int, dict[str, str], list[journal_csv.Txn]], None]


def _import(
    session: Session,
    book: Book,
    closed: Period | None,
    txns: list[journal_csv.Txn],
    size: int,
    closers: tuple[int, int],
) -> tuple[int, list[tuple[str, str]]]:
    """Book `txns` in batches of `size` as the command does: each batch whole or not at all,
    and the first refused batch ends the import. Returns the community and the refusal."""
    cid, codes = _books(session, closed, closers)
    for start in range(0, len(txns), size):
        try:
            with session.begin_nested():  # the command's COMMIT, or its rollback
                book(session, cid, codes, txns[start : start + size])
                check_deferred(session)
        except Invalid as refused:
            return cid, [(p.code, p.where) for p in refused.problems]
    return cid, []


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    journal=st.lists(transactions, min_size=1, max_size=14),
    closed=st.sampled_from([None, None, Period(2020, 1)]),
    size=st.integers(1, 6),
)
def test_a_journal_leaves_the_same_rows_through_the_fast_path_and_the_ordinary_path(
    session: Session, journal: list[Txn], closed: Period | None, size: int
) -> None:
    txns, bad = _read(_journal(journal))
    assert bad == [f"T{n:05d}" for n, t in enumerate(journal) if sum(f for _, f in t.legs)]
    outer = session.begin_nested()  # each example leaves nothing behind
    closers = (make_user(session).id, make_user(session).id)
    fast, fast_refused = _import(session, _fast, closed, txns, size, closers)
    slow, slow_refused = _import(session, _slow, closed, txns, size, closers)
    assert fast_refused == slow_refused
    event("a batch was refused" if fast_refused else "every batch was booked")
    assert every_row(session, fast) == every_row(session, slow)
    assert log.root(session, fast) == log.root(session, slow)
    assert_sound(session, fast)
    outer.rollback()
