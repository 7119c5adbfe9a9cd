"""The insert triggers' rules are written once (`ledger.service.insert_rules`), and the fast
path of an import keeps to them and to its caller's transaction.

The SQLite triggers in a migrated database are, word for word, what the list makes, and
PostgreSQL's trigger functions raise exactly the list's refusals; a trigger whose text is
not the list's is left to check every row; and a batch is undone alone, in a savepoint,
whatever its caller has done before in the same transaction.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from sunshine.ledger import service
from sunshine.ledger.service import bulk_booking
from sunshine.ledger.service import importing
from sunshine.ledger.service.insert_rules import CHECKED
from sunshine.ledger.service.insert_rules import TRIGGERS
from sunshine.ledger.service.insert_rules import same_statement
from tests.ledger.builders import assert_sound
from tests.ledger.builders import every_row
from tests.ledger.test_bulk_booking import OPENED
from tests.ledger.test_bulk_booking import _book
from tests.ledger.test_bulk_booking import _break
from tests.ledger.test_bulk_booking import _community
from tests.ledger.test_bulk_booking import _journal
from tests.ledger.test_bulk_booking import _prepare
from tests.ledger.test_bulk_booking import _txns

_INSERT_TRIGGERS = """
    SELECT name, sql FROM sqlite_master
     WHERE type = 'trigger' AND tbl_name IN ('ledger_entry', 'ledger_posting')
       AND sql LIKE '%BEFORE INSERT%'"""


def _held(session: Session) -> dict[str, str]:
    """SQLite's BEFORE INSERT triggers on entries and postings: name -> CREATE statement."""
    return {row.name: row.sql for row in session.execute(text(_INSERT_TRIGGERS))}


def _on(session: Session) -> str:
    return session.get_bind().dialect.name


def test_the_databases_insert_triggers_are_the_lists(session: Session) -> None:
    """A migration that changes an insert trigger must change the list, and the other way."""
    messages = {rule.message for trigger in TRIGGERS for rule in trigger.rules}
    if _on(session) == "sqlite":
        held = _held(session)
        assert sorted(held) == sorted(trigger.name for trigger in TRIGGERS)
        for trigger in TRIGGERS:
            assert same_statement(held[trigger.name], trigger.create), trigger.name
        return
    functions = session.scalars(
        text("SELECT prosrc FROM pg_proc WHERE proname LIKE 'ledger_%'")
    ).all()
    raised = {
        f"{name}: {says}"
        for source in functions
        for name, says in re.findall(r"RAISE EXCEPTION '(ledger_entry\w*|ledger_posting\w*|"
                                     r"ledger_period_closed): ([^'(]*?) ?(?:\(|')", source)
    }  # fmt: skip
    assert raised == messages


def test_a_trigger_that_is_not_the_lists_is_left_to_check_every_row(session: Session) -> None:
    if _on(session) != "sqlite":
        pytest.skip("the insert triggers are dropped for a batch on SQLite only")
    other = CHECKED.create.replace(" END", " SELECT RAISE(ABORT, 'never') WHERE 0; END")
    session.execute(text(f"DROP TRIGGER {CHECKED.name}"))
    session.execute(text(other))
    cid, codes = _community(session)
    _book(session, cid, _prepare(session, cid, codes, _txns(_journal(3))))
    held = _held(session)
    assert held[CHECKED.name] == other
    before = every_row(session, cid)
    with pytest.raises(DBAPIError, match="ledger_entry_balanced"):
        bulk_booking.book_prepared(
            session, cid, _break(session, cid, codes, "unbalanced"), actor_id=None
        )
    session.rollback()
    assert every_row(session, cid) == before
    assert_sound(session, cid)


# --- the caller's transaction --------------------------------------------------------


def _open_an_account(session: Session, cid: int) -> None:
    """The caller's own work, in the batch's transaction and not committed."""
    importing.open_accounts(session, cid, ["Expenses:Security"], on=OPENED)


def _account_open(session: Session, cid: int) -> bool:
    return importing.match_accounts(session, cid, ["Expenses:Security"]).missing == []


def test_a_batch_that_repeats_a_booked_transaction_is_undone_alone(session: Session) -> None:
    # Its first and last transactions are new, so it is tried set-wise; the database
    # refuses it on the booked ones, and it is booked the ordinary way instead.
    cid, codes = _community(session)
    txns = _txns(_journal(10))
    importing.book_batch(session, cid, txns[3:6], codes, actor_id=None)
    session.commit()
    _open_an_account(session, cid)
    result = bulk_booking.book_prepared(
        session, cid, _prepare(session, cid, codes, txns), actor_id=None
    )
    assert (result.booked, result.already, result.last_number) == (7, 3, 10)
    assert _account_open(session, cid)
    session.commit()
    assert _account_open(session, cid)
    assert service.entry_count(session, cid) == 10
    assert_sound(session, cid)


def test_a_batch_the_database_refuses_is_undone_alone(session: Session) -> None:
    cid, codes = _community(session)
    _book(session, cid, _prepare(session, cid, codes, _txns(_journal(3))))
    _open_an_account(session, cid)  # logged: the batch must leave its record too
    before = every_row(session, cid)
    broken = _break(session, cid, codes, "a booked entry extended")
    driver = session.get_bind().dialect.dbapi
    assert driver is not None
    with pytest.raises((bulk_booking.BatchRefused, driver.Error), match="ledger_posting_sealed"):
        bulk_booking.book_prepared(session, cid, broken, actor_id=None)
    assert _account_open(session, cid)
    assert every_row(session, cid) == before
    session.commit()  # the transaction is sound: the caller may go on
    assert _account_open(session, cid)
    if _on(session) == "sqlite":
        held = _held(session)
        assert sorted(held) == sorted(bulk_booking.INSERT_TRIGGERS)
    assert_sound(session, cid)
