"""Migration 0008: the bounds on postings and monthly totals, added to books that hold entries.

A fresh database at 0007 gets entries, then the upgrade: every row is as before, the
append-only triggers are back on the rebuilt tables (SQLite), and the database refuses
a posting or a total past its bound. The downgrade drops the bounds and keeps the rows;
the upgrade again restores them. On SQLite and on PostgreSQL.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from sunshine.infra import migrate
from sunshine.transparency.service import audit
from tests.ledger.builders import open_books
from tests.ledger.builders import pay

_TOO_MUCH_POSTED = (
    "INSERT INTO ledger_posting SELECT community_id, 99, 1, account_id, booked_on, "
    "100000000000001, memo FROM ledger_posting WHERE community_id = :c AND entry_id = 1 "
    "AND line = 1"
)
_TOO_MUCH_IN_A_MONTH = (
    "UPDATE ledger_account_total SET debit_fen = 1000000000000001 WHERE community_id = :c"
)


def _book(engine: Engine) -> int:
    with Session(engine) as session:
        books = open_books(session)
        pay(session, books, date(2024, 10, 8), "6604", "23.58", "水费")
        pay(session, books, date(2024, 10, 10), "6601", "5300.00", "工资")
        session.commit()
        return books.community_id


def _state(engine: Engine, community_id: int) -> tuple[object, ...]:
    with engine.connect() as connection:
        return tuple(
            tuple(
                connection.execute(
                    text(f"SELECT * FROM {table} WHERE community_id = :c ORDER BY 1, 2, 3"),
                    {"c": community_id},
                ).all()
            )
            for table in ("ledger_entry", "ledger_posting", "ledger_account_total")
        )


def _refuses(engine: Engine, community_id: int, statement: str) -> bool:
    with engine.connect() as connection:
        try:
            connection.execute(text(statement), {"c": community_id})
        except DBAPIError:
            return True
        finally:
            connection.rollback()
    return False


@pytest.mark.usefixtures("without_spending_gate")
def test_the_bounds_are_added_to_books_that_hold_entries_and_taken_off_again(
    fresh_engine: Engine,
) -> None:
    migrate.upgrade(fresh_engine, "0007")
    community_id = _book(fresh_engine)
    before = _state(fresh_engine, community_id)
    assert not _refuses(fresh_engine, community_id, _TOO_MUCH_IN_A_MONTH)

    migrate.upgrade(fresh_engine)

    assert _state(fresh_engine, community_id) == before
    assert _refuses(fresh_engine, community_id, _TOO_MUCH_POSTED)
    assert _refuses(fresh_engine, community_id, _TOO_MUCH_IN_A_MONTH)
    with fresh_engine.connect() as connection:  # the rebuilt tables kept their triggers
        with pytest.raises(DBAPIError, match="append-only"):
            connection.execute(text("UPDATE ledger_posting SET memo = 'x'"))
        connection.rollback()
    with Session(fresh_engine) as session:
        assert audit(session, community_id).clean

    migrate.downgrade(fresh_engine, "0007")
    assert _state(fresh_engine, community_id) == before
    assert not _refuses(fresh_engine, community_id, _TOO_MUCH_IN_A_MONTH)
    migrate.upgrade(fresh_engine)
    assert _state(fresh_engine, community_id) == before
    assert _refuses(fresh_engine, community_id, _TOO_MUCH_IN_A_MONTH)
