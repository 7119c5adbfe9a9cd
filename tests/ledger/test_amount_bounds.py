"""Amounts and per-account totals stay exact integers: bounds in Python and in the database.

Issue 11: 935 entries of the largest postings took a month's total past BIGINT, which
SQLite kept as a float; the trial balance then said unbalanced and the audit crashed.
Now a posting is at most `rules.MAX_AMOUNT`, an account's debits or credits in a month
at most `rules.MAX_PERIOD_TOTAL`; a booking that would pass one is refused (422) with
nothing written, whichever path it takes, and the database refuses the rows too.
Runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sunshine.kernel.errors import Invalid
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import rules
from sunshine.ledger import service
from sunshine.ledger.models import AccountTotal
from sunshine.ledger.models import JournalEntry
from sunshine.ledger.rules import import_batches
from sunshine.ledger.rules import journal_csv
from sunshine.ledger.service import bulk_booking
from sunshine.ledger.service import importing
from sunshine.transparency import service as log
from tests.factories import log_in
from tests.ledger.books_support import community_with_books
from tests.ledger.builders import draft

DAY = date(2024, 10, 15)
BIG = rules.MAX_AMOUNT.plain()  # "1000000000000.00"
# Ten postings of the largest amount each way: the month's totals exactly at the bound.
TO_THE_BOUND = [("6601", BIG)] * 10 + [("1001", f"-{BIG}")] * 10


def test_the_bounds_keep_every_sum_of_a_centurys_totals_inside_bigint() -> None:
    months = 12 * 100
    assert rules.MAX_PERIOD_TOTAL.value * months < 2**63
    assert rules.MAX_AMOUNT <= rules.MAX_PERIOD_TOTAL


def test_a_booking_that_would_pass_a_months_total_is_refused_and_leaves_nothing(
    session: Session,
) -> None:
    setting = community_with_books(session)
    books = setting.books
    service.post_entry(
        session, books.community_id, draft(DAY, "上限", *TO_THE_BOUND), actor_id=None
    )
    before = session.scalar(select(func.count()).select_from(JournalEntry))
    seq = log.tree_size(session, books.community_id)

    with pytest.raises(Invalid) as refused:
        service.post_entry(
            session,
            books.community_id,
            draft(DAY, "一分", ("6601", "0.01"), ("1001", "-0.01")),
            actor_id=None,
        )

    assert [p.code for p in refused.value.problems] == ["total_too_large", "total_too_large"]
    assert {p.args["code"] for p in refused.value.problems} == {"6601", "1001"}
    assert session.scalar(select(func.count()).select_from(JournalEntry)) == before
    assert log.tree_size(session, books.community_id) == seq
    # Another month has its own total; the books stay balanced and exact.
    service.post_entry(
        session,
        books.community_id,
        draft(date(2024, 11, 1), "下月", ("6601", "0.01"), ("1001", "-0.01")),
        actor_id=None,
    )
    balance = service.trial_balance(session, books.community_id, upto_period=Period(2024, 11))
    assert balance.balanced
    assert balance.debit_total.value == rules.MAX_PERIOD_TOTAL.value + 1
    assert service.mismatches(session, books.community_id) == []


def test_the_api_answers_422_naming_the_account(client: TestClient, session: Session) -> None:
    setting = community_with_books(session)
    log_in(client, session, setting.staff)
    url = f"/api/v1/communities/{setting.code}/ledger/entries"
    body = {
        "booked_on": DAY.isoformat(),
        "narration": "上限",
        "postings": [{"account": a, "amount": x} for a, x in TO_THE_BOUND],
    }
    assert client.post(url, json=body).status_code == 201

    again = client.post(url, json=body)

    assert again.status_code == 422, again.text
    problems = again.json()["error"]["problems"]
    assert {p["code"] for p in problems} == {"total_too_large"}


@pytest.mark.parametrize("amount", [rules.MAX_AMOUNT.value + 1, -rules.MAX_AMOUNT.value - 1, 2**62])
def test_the_database_refuses_a_posting_past_the_maximum(session: Session, amount: int) -> None:
    setting = community_with_books(session)
    service.post_entry(
        session,
        setting.books.community_id,
        draft(DAY, "x", ("6601", "1.00"), ("1001", "-1.00")),
        actor_id=None,
    )
    with (
        pytest.raises(IntegrityError, match=r"(?i)ck_ledger_posting_bounded|check"),
        session.begin_nested(),
    ):
        session.execute(
            text(
                "INSERT INTO ledger_posting SELECT community_id, 99, 1, account_id, "
                "booked_on, :amount, memo FROM ledger_posting WHERE community_id = :c "
                "AND entry_id = 1 AND line = 1"
            ),
            {"amount": amount, "c": setting.books.community_id},
        )


@pytest.mark.parametrize("column", ["debit_fen", "credit_fen"])
def test_the_database_refuses_a_total_past_the_bound(session: Session, column: str) -> None:
    setting = community_with_books(session)
    cid = setting.books.community_id
    service.post_entry(
        session, cid, draft(DAY, "x", ("6601", "1.00"), ("1001", "-1.00")), actor_id=None
    )
    with (
        pytest.raises(IntegrityError, match=r"(?i)ck_ledger_account_total_bounded|check"),
        session.begin_nested(),
    ):
        session.execute(
            text(f"UPDATE ledger_account_total SET {column} = :v WHERE community_id = :c"),
            {"v": rules.MAX_PERIOD_TOTAL.value + 1, "c": cid},
        )
    totals = session.scalars(select(AccountTotal).where(AccountTotal.community_id == cid)).all()
    assert all(isinstance(t.debit, Fen) and t.debit.value <= 100 for t in totals)


def _book_import(session: Session, cid: int, rows: list[tuple[str, str, str]]) -> None:
    """Book `rows` (txn id, account name, yuan) as an import batch, through the fast path."""
    lines = [",".join(journal_csv.HEADER)]
    lines += [f"{txn},{DAY.isoformat()},{name},{yuan},CNY,大额" for txn, name, yuan in rows]
    reader = journal_csv.reader(iter(line + "\n" for line in lines))
    assert journal_csv.read_header(reader) == []
    txns = [t for t in journal_csv.transactions(reader) if isinstance(t, journal_csv.Txn)]
    names = ["Assets:Bank", "Expenses:Big"]
    codes = importing.open_accounts(session, cid, names, on=date(2020, 1, 1))
    books = bulk_booking.books_for_import(session, cid, codes)
    seq = log.tree_size(session, cid)
    batch = import_batches.prepare(
        txns,
        books,
        first=service.entry_count(session, cid) + 1,
        seq=seq,
        frontier=log.frontier(session, cid, seq),
    )
    assert batch.plain  # the set-wise path, not the ordinary one
    bulk_booking.book_prepared(session, cid, batch, actor_id=None)


def test_an_imports_fast_path_is_held_to_the_same_bound(session: Session) -> None:
    setting = community_with_books(session)
    cid = setting.books.community_id
    rows = []
    for n in range(11):  # eleven of the largest: one past the month's bound
        rows += [(f"T{n}", "Expenses:Big", BIG), (f"T{n}", "Assets:Bank", f"-{BIG}")]

    with pytest.raises(Invalid) as refused:
        _book_import(session, cid, rows)

    assert {p.code for p in refused.value.problems} == {"total_too_large"}
