"""Attacks on the ledger's tables with raw SQL, bypassing Python (hordak style).

Each must be refused by the database itself, on SQLite and on PostgreSQL. On PostgreSQL
the balance check is deferred to COMMIT; `SET CONSTRAINTS ALL IMMEDIATE` runs it inside
the test's savepoint (and one test commits for real, to show COMMIT refuses too).
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from sunshine.infra import clock
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import rules
from sunshine.ledger import service
from tests.ledger.builders import Books
from tests.ledger.builders import check_deferred
from tests.ledger.builders import draft
from tests.ledger.builders import open_books
from tests.ledger.builders import pay
from tests.ledger.builders import post

SHA = "ab" * 32


def _account_id(session: Session, books: Books, code: str) -> int:
    return service.get_account(session, books.community_id, code).id


def _posting(
    session: Session,
    books: Books,
    entry: int,
    line: int,
    code: str,
    fen: int,
    day: str = "2024-10-15",
) -> None:
    session.execute(
        text(
            "INSERT INTO ledger_posting (community_id, entry_id, line, account_id, booked_on,"
            " amount_fen, memo) VALUES (:c, :e, :l, :a, :d, :f, '')"
        ),
        {
            "c": books.community_id,
            "e": entry,
            "l": line,
            "a": _account_id(session, books, code),
            "d": date.fromisoformat(day),
            "f": fen,
        },
    )


def _header(
    session: Session,
    books: Books,
    entry: int,
    day: str = "2024-10-15",
    *,
    period: str | None = None,
    reverses: int | None = None,
) -> None:
    session.execute(
        text(
            "INSERT INTO ledger_entry (community_id, id, booked_on, period, narration, counterparty,"
            " counterparty_is_person, reason, source, reverses_id, posted_at)"
            " VALUES (:c, :e, :d, :p, 'raw', '', false, '', 'manual', :r, :t)"
        ),
        {
            "c": books.community_id,
            "e": entry,
            "d": date.fromisoformat(day),
            "p": period or day[:7],
            "r": reverses,
            "t": clock.now(),
        },
    )


def _entry(
    session: Session,
    books: Books,
    entry: int,
    legs: list[tuple[str, int]],
    *,
    day: str = "2024-10-15",
    first_leg_day: str | None = None,
    period: str | None = None,
    reverses: int | None = None,
) -> None:
    """Postings first, then the header, then whatever a COMMIT would check."""
    for line, (code, fen) in enumerate(legs, start=1):
        _posting(
            session, books, entry, line, code, fen, day=(first_leg_day or day) if line == 1 else day
        )
    _header(session, books, entry, day, period=period, reverses=reverses)
    check_deferred(session)


def test_a_balanced_entry_written_in_the_right_order_is_accepted(session: Session) -> None:
    books = open_books(session)
    _entry(session, books, 1, [("6601", 530000), ("1001", -530000)])
    assert service.get_entry(session, books.community_id, 1).narration == "raw"


def test_the_database_refuses_an_unbalanced_entry(session: Session) -> None:
    books = open_books(session)
    with pytest.raises(DBAPIError, match="ledger_entry_balanced"), session.begin_nested():
        _entry(session, books, 1, [("6601", 10000), ("1001", -9999)])


def test_the_database_refuses_an_entry_with_one_posting_or_none(session: Session) -> None:
    books = open_books(session)
    with pytest.raises(DBAPIError, match="ledger_entry_balanced"), session.begin_nested():
        _entry(session, books, 1, [])
    with pytest.raises(DBAPIError, match="ledger_entry_balanced"), session.begin_nested():
        _entry(session, books, 1, [("6601", 10000)])


def test_the_database_refuses_a_zero_posting(session: Session) -> None:
    books = open_books(session)
    with pytest.raises(DBAPIError, match="nonzero"), session.begin_nested():
        _posting(session, books, 1, 1, "6601", 0)


def test_the_database_refuses_postings_added_to_a_posted_entry(session: Session) -> None:
    """Even a balanced pair: once its header is in, an entry is sealed."""
    books = open_books(session)
    entry = pay(session, books, date(2024, 10, 15), "6601", "5300.00", "工资")
    with pytest.raises(DBAPIError, match="ledger_posting_sealed"), session.begin_nested():
        _posting(session, books, entry.id, 3, "6603", 100)


def test_the_database_refuses_a_posting_dated_apart_from_its_entry(session: Session) -> None:
    books = open_books(session)
    with pytest.raises(DBAPIError, match="ledger_entry_same_day"), session.begin_nested():
        _entry(session, books, 1, [("6601", 100), ("1001", -100)], first_leg_day="2024-10-14")


@pytest.mark.parametrize(
    ("statement", "table"),
    [
        ("UPDATE ledger_posting SET amount_fen = 1 WHERE community_id = :c", "ledger_posting"),
        ("DELETE FROM ledger_posting WHERE community_id = :c", "ledger_posting"),
        ("UPDATE ledger_entry SET narration = 'edited' WHERE community_id = :c", "ledger_entry"),
        ("DELETE FROM ledger_entry WHERE community_id = :c", "ledger_entry"),
        ("DELETE FROM ledger_period_close WHERE community_id = :c", "ledger_period_close"),
        (
            "UPDATE ledger_entry_voucher SET sha256 = sha256 WHERE community_id = :c",
            "ledger_entry_voucher",
        ),
        ("DELETE FROM ledger_entry_voucher WHERE community_id = :c", "ledger_entry_voucher"),
        ("DELETE FROM ledger_trust_terms WHERE community_id = :c", "ledger_trust_terms"),
        ("DELETE FROM ledger_voucher_access WHERE community_id = :c", "ledger_voucher_access"),
    ],
)
def test_the_database_refuses_to_change_or_remove_booked_rows(
    session: Session, statement: str, table: str
) -> None:
    books = open_books(session)
    cid = books.community_id
    service.register_voucher(
        session,
        cid,
        sha256=SHA,
        media_type="image/png",
        size_bytes=10,
        original_name="a.png",
        actor_id=None,
    )
    post(
        session,
        books,
        draft(date(2024, 9, 30), "期初", ("1001", "100.00"), ("3001", "-100.00"), vouchers=(SHA,)),
    )
    service.close_period(session, cid, period=Period(2024, 9), actor_id=None)
    terms = rules.TrustTerms(
        effective_from=Period(2024, 9),
        kind=rules.RemunerationKind.FIXED,
        fixed=Fen(300000),
        contract_ref="合同第五条",
    )
    service.set_trust_terms(session, cid, terms, actor_id=None)
    service.record_voucher_access(session, cid, sha256=SHA, user_id=books.actor_id)
    with pytest.raises(DBAPIError, match=f"{table} is append-only"), session.begin_nested():
        session.execute(text(statement), {"c": cid})


def test_the_database_refuses_an_entry_in_a_closed_period(session: Session) -> None:
    books = open_books(session)
    service.close_period(session, books.community_id, period=Period(2024, 10), actor_id=None)
    for day in ("2024-10-15", "2024-09-03"):  # closing October closes September too
        with pytest.raises(DBAPIError, match="ledger_period_closed"), session.begin_nested():
            _entry(session, books, 1, [("6601", 100), ("1001", -100)], day=day)
    _entry(session, books, 1, [("6601", 100), ("1001", -100)], day="2024-11-01")


def test_the_database_refuses_a_period_other_than_the_month_booked(session: Session) -> None:
    books = open_books(session)
    with pytest.raises(DBAPIError, match="ledger_entry_period"), session.begin_nested():
        _entry(session, books, 1, [("6601", 100), ("1001", -100)], period="2024-09")


def test_the_database_refuses_reversing_twice_or_reversing_a_reversal(session: Session) -> None:
    books = open_books(session)
    original = pay(session, books, date(2024, 10, 15), "6601", "5300.00", "工资")
    reversal = service.reverse_entry(
        session,
        books.community_id,
        original.id,
        reason="重复",
        actor_id=None,
        booked_on=date(2024, 10, 16),
    )
    with pytest.raises(DBAPIError), session.begin_nested():  # unique (community_id, reverses_id)
        _entry(session, books, 3, [("6601", -530000), ("1001", 530000)], reverses=original.id)
    with pytest.raises(DBAPIError, match="ledger_entry_reverses_reversal"), session.begin_nested():
        _entry(session, books, 3, [("6601", 530000), ("1001", -530000)], reverses=reversal.id)


def test_a_voucher_keeps_its_facts_and_gets_one_public_copy(session: Session) -> None:
    books = open_books(session)
    cid = books.community_id
    service.register_voucher(
        session,
        cid,
        sha256=SHA,
        media_type="application/pdf",
        size_bytes=99,
        original_name="发票.pdf",
        actor_id=None,
    )
    with pytest.raises(DBAPIError, match="ledger_voucher is append-only"), session.begin_nested():
        session.execute(
            text("UPDATE ledger_voucher SET size_bytes = 1 WHERE community_id = :c"), {"c": cid}
        )
    with pytest.raises(DBAPIError, match="ledger_voucher is append-only"), session.begin_nested():
        session.execute(text("DELETE FROM ledger_voucher WHERE community_id = :c"), {"c": cid})
    session.execute(
        text("UPDATE ledger_voucher SET public_sha256 = :p WHERE community_id = :c"),
        {"p": "cd" * 32, "c": cid},
    )
    with pytest.raises(DBAPIError, match="ledger_voucher is append-only"), session.begin_nested():
        session.execute(
            text("UPDATE ledger_voucher SET public_sha256 = :p WHERE community_id = :c"),
            {"p": "ef" * 32, "c": cid},
        )


def test_commit_refuses_postings_whose_entry_never_comes(engine: Engine) -> None:
    """A real transaction, really committed: the deferred foreign key fires at COMMIT."""
    with Session(engine) as session:
        books = open_books(session)
        _posting(session, books, 1, 1, "6601", 100)
        _posting(session, books, 1, 2, "1001", -100)
        with pytest.raises(DBAPIError, match=r"(?i)foreign key"):
            session.commit()
        session.rollback()


def test_commit_refuses_an_unbalanced_entry(engine: Engine) -> None:
    """SQLite refuses the header at once; PostgreSQL's deferred trigger refuses the COMMIT."""
    with Session(engine) as session:
        books = open_books(session)
        _posting(session, books, 1, 1, "6601", 100)
        _posting(session, books, 1, 2, "1001", -99)
        with pytest.raises(DBAPIError, match="ledger_entry_balanced"):
            _header_and_commit(session, books)
        session.rollback()


def _header_and_commit(session: Session, books: Books) -> None:
    _header(session, books, 1)
    session.commit()
