"""Writers take SQLite's write lock when they begin; the drivers' transient failures are named.

Why the lock must be taken up front: a deferred transaction that has read and then
writes after another writer committed fails at once with SQLITE_BUSY_SNAPSHOT, which no
busy timeout waits out. That was issue 11's "database is locked".
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Connection
from sqlalchemy import Engine
from sqlalchemy import create_engine
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from sunshine.infra import db
from sunshine.infra import work as units
from sunshine.infra.db import make_engine
from sunshine.infra.work import Transient
from sunshine.infra.work import transient


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'lock.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (k INTEGER PRIMARY KEY, v INTEGER CHECK (v > 0))"))
        connection.execute(text("INSERT INTO t VALUES (1, 1)"))
    yield engine
    engine.dispose()


@contextmanager
def _impatient(engine: Engine) -> Iterator[Engine]:
    """A second engine on the same file that gives up at once when the file is locked."""
    other = create_engine(engine.url, connect_args={"timeout": 0}, isolation_level=None)
    try:
        yield other
    finally:
        other.dispose()


def _may_take_the_write_lock(engine: Engine) -> bool:
    with _impatient(engine) as other, other.connect() as connection:
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except OperationalError as error:
            if transient(error) is not Transient.BUSY:
                raise
            return False
        connection.exec_driver_sql("ROLLBACK")
        return True


def test_a_writing_unit_holds_the_write_lock_from_its_first_read(sqlite_file: Engine) -> None:
    with units.unit_of_work(units.Work(writes=True)), Session(sqlite_file) as session:
        session.execute(text("SELECT v FROM t"))
        assert not _may_take_the_write_lock(sqlite_file)
    assert _may_take_the_write_lock(sqlite_file)


def test_readers_take_no_write_lock(sqlite_file: Engine) -> None:
    with Session(sqlite_file) as session:
        session.execute(text("SELECT v FROM t"))
        assert _may_take_the_write_lock(sqlite_file)


def test_a_request_reads_after_its_commit_without_the_lock(sqlite_file: Engine) -> None:
    work = units.Work(writes=True, sticky=False)
    with units.unit_of_work(work), Session(sqlite_file) as session:
        session.execute(text("UPDATE t SET v = 2"))
        session.commit()
        session.execute(text("SELECT v FROM t"))
        assert _may_take_the_write_lock(sqlite_file)
    assert work.commits == 1


def test_a_command_that_writes_keeps_taking_the_lock(
    sqlite_file: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "_factory", None)
    db.use_engine(sqlite_file)
    with db.open_session(writes=True) as session:
        session.execute(text("UPDATE t SET v = 2"))
        session.commit()
        session.execute(text("SELECT v FROM t"))
        assert not _may_take_the_write_lock(sqlite_file)


def test_a_deferred_reader_that_writes_after_another_commit_fails_busy(
    sqlite_file: Engine,
) -> None:
    with Session(sqlite_file) as session:
        session.execute(text("SELECT v FROM t"))
        with _impatient(sqlite_file) as other, other.begin() as connection:
            connection.execute(text("UPDATE t SET v = 3"))
        with pytest.raises(OperationalError) as raised:
            session.execute(text("UPDATE t SET v = 4"))
    assert transient(raised.value) is Transient.BUSY  # SQLITE_BUSY_SNAPSHOT (517)


def _violation(connection: Connection, statement: str) -> DBAPIError:
    with pytest.raises(DBAPIError) as raised, connection.begin_nested():
        connection.execute(text(statement))
    return raised.value


def test_a_lost_unique_key_race_is_transient_and_a_broken_rule_is_not(engine: Engine) -> None:
    with engine.connect() as connection, connection.begin():
        connection.execute(
            text("CREATE TABLE race (k INTEGER PRIMARY KEY, v INTEGER CHECK (v > 0))")
        )
        connection.execute(text("INSERT INTO race VALUES (1, 1)"))
        duplicate = _violation(connection, "INSERT INTO race VALUES (1, 1)")
        negative = _violation(connection, "INSERT INTO race VALUES (2, -1)")
        connection.rollback()
    assert transient(duplicate) is Transient.CONFLICT
    assert transient(negative) is None


def test_a_postgresql_deadlock_is_transient(engine: Engine) -> None:
    """Two transactions each wait for the other's lock: PostgreSQL ends one (after 1 s)."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite takes one writer at a time: its writers cannot deadlock")
    both_hold_one = threading.Barrier(2)
    failures: list[DBAPIError] = []

    def lock(first: int, second: int) -> None:
        with engine.connect() as connection:
            transaction = connection.begin()
            connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": first})
            both_hold_one.wait()
            try:
                connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": second})
            except DBAPIError as error:
                failures.append(error)
            transaction.rollback()

    threads = [threading.Thread(target=lock, args=pair) for pair in [(91, 92), (92, 91)]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [transient(failure) for failure in failures] == [Transient.CONFLICT]


class _PostgresError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("sqlstate", "expected"),
    [
        ("40001", Transient.CONFLICT),  # serialization_failure
        ("55P03", Transient.BUSY),  # lock_not_available
        ("23503", None),  # foreign_key_violation: a bug, not a race
        ("42P01", None),  # undefined_table
    ],
)
def test_postgresql_failures_are_named_by_their_sqlstate(
    sqlstate: str, expected: Transient | None
) -> None:
    error = OperationalError("UPDATE …", {}, _PostgresError(sqlstate))
    assert transient(error) is expected


def test_anything_but_a_database_error_is_not_transient() -> None:
    assert transient(ValueError("database is locked")) is None


def test_the_time_to_run_again_counts_from_the_first_failure_not_from_arrival() -> None:
    failing_now = units.Work(writes=True, attempts=4, retry_seconds=20)
    failed_long_ago = units.Work(
        writes=True, attempts=4, retry_seconds=20, first_failure=time.monotonic() - 21
    )
    committed = units.Work(writes=True, attempts=4, retry_seconds=20, commits=1)
    last_attempt = units.Work(writes=True, attempts=4, retry_seconds=20, attempt=4)

    assert failing_now.may_run_again()
    assert not failed_long_ago.may_run_again()
    assert not committed.may_run_again()
    assert not last_attempt.may_run_again()
