"""Migration 0006: the reversal key made partial on books that already hold entries.

Each database gets a fresh file or database at revision 0005, entries and a reversal
booked there, then the upgrade: every row, trigger and rule is as before, and the key
now holds reversals only. The downgrade and the upgrade again keep the books too.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine
from sqlalchemy import inspect
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from sunshine.infra import migrate
from sunshine.kernel.errors import Conflict
from sunshine.ledger import service
from sunshine.transparency.service import audit
from tests.ledger.builders import open_books
from tests.ledger.builders import pay

_INDEX = "uq_ledger_entry_reverses_id"


def _book(engine: Engine) -> tuple[int, int]:
    """Three entries, the second reversed; returns the community and the reversed entry."""
    with Session(engine) as session:
        books = open_books(session)
        pay(session, books, date(2024, 10, 8), "6604", "23.58", "水费")
        wrong = pay(session, books, date(2024, 10, 9), "6605", "195.00", "电费")
        pay(session, books, date(2024, 10, 10), "6601", "5300.00", "工资")
        service.reverse_entry(
            session,
            books.community_id,
            wrong.id,
            reason="记错科目",
            actor_id=books.actor_id,
            booked_on=date(2024, 10, 11),
        )
        session.commit()
        return books.community_id, wrong.id


def _state(engine: Engine, community_id: int) -> tuple[object, ...]:
    with engine.connect() as connection:
        entries = connection.execute(
            text("SELECT * FROM ledger_entry WHERE community_id = :c ORDER BY id"),
            {"c": community_id},
        ).all()
        postings = connection.execute(
            text("SELECT * FROM ledger_posting WHERE community_id = :c ORDER BY entry_id, line"),
            {"c": community_id},
        ).all()
    return tuple(entries), tuple(postings)


@pytest.mark.usefixtures("without_spending_gate")
def test_the_reversal_key_covers_reversals_only_and_the_books_stay_as_they_were(
    fresh_engine: Engine,
) -> None:
    migrate.upgrade(fresh_engine, "0005")
    community_id, reversed_id = _book(fresh_engine)
    before = _state(fresh_engine, community_id)

    migrate.upgrade(fresh_engine)

    assert _state(fresh_engine, community_id) == before
    indexes = {i["name"]: i for i in inspect(fresh_engine).get_indexes("ledger_entry")}
    assert indexes[_INDEX]["unique"]
    assert "uq_ledger_entry_community_id_reverses_id" not in {
        c["name"] for c in inspect(fresh_engine).get_unique_constraints("ledger_entry")
    }
    with Session(fresh_engine) as session:
        assert audit(session, community_id).clean
        with pytest.raises(Conflict):  # the service's own check
            service.reverse_entry(
                session,
                community_id,
                reversed_id,
                reason="again",
                actor_id=None,
                booked_on=date(2024, 10, 12),
            )
    with fresh_engine.connect() as connection:
        # The database's own rule: a second reversal of the same entry, by direct SQL,
        # its postings first (as the ledger's triggers want them), then its header.
        connection.execute(
            text(
                "INSERT INTO ledger_posting SELECT community_id, 99, line, account_id, "
                "booked_on, amount_fen, memo FROM ledger_posting WHERE community_id = :c "
                "AND entry_id = (SELECT id FROM ledger_entry WHERE community_id = :c "
                "AND reverses_id IS NOT NULL)"
            ),
            {"c": community_id},
        )
        with pytest.raises(DBAPIError, match=r"(?i)unique|duplicate"):
            connection.execute(
                text(
                    "INSERT INTO ledger_entry SELECT community_id, 99, booked_on, period, "
                    "narration, counterparty, counterparty_is_person, budget_line, "
                    "reverses_id, reason, source, NULL, posted_by, posted_at "
                    "FROM ledger_entry WHERE community_id = :c AND reverses_id IS NOT NULL"
                ),
                {"c": community_id},
            )
        connection.rollback()
        # The append-only triggers came back with the rebuilt table (SQLite).
        with pytest.raises(DBAPIError, match="append-only"):
            connection.execute(text("UPDATE ledger_entry SET narration = 'x'"))
        connection.rollback()

    migrate.downgrade(fresh_engine, "0005")
    assert _state(fresh_engine, community_id) == before
    assert _INDEX not in {i["name"] for i in inspect(fresh_engine).get_indexes("ledger_entry")}
    migrate.upgrade(fresh_engine)
    assert _state(fresh_engine, community_id) == before
    with Session(fresh_engine) as session:
        assert audit(session, community_id).clean
