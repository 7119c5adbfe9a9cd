"""Database plumbing: the declarative base, column types, engines and sessions.

Money is stored as BIGINT fen (`FenType`), areas as BIGINT hundredths of a square
metre (`AreaType`, exact), instants as UTC (`UTCDateTime`, aware in Python on every
database). Tables that belong to a community mix in `TenantKeyed`: their primary key
is (community_id, id) and `id` counts up per community, assigned at flush.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any
from typing import ClassVar

from sqlalchemy import BigInteger
from sqlalchemy import DateTime
from sqlalchemy import Dialect
from sqlalchemy import Engine
from sqlalchemy import Enum
from sqlalchemy import ForeignKey
from sqlalchemy import MetaData
from sqlalchemy import String
from sqlalchemy import create_engine
from sqlalchemy import event
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import Session
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import sessionmaker
from sqlalchemy.types import TypeDecorator

from sunshine.infra import catalogue
from sunshine.infra import work as units
from sunshine.infra.settings import get_settings
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period

NAMING = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

_HUNDRED = Decimal(100)
_CENTS = Decimal("0.01")


class PeriodType(TypeDecorator[Period]):
    """`Period` in Python, 'YYYY-MM' text in SQL (text order is time order)."""

    impl = String(7)
    cache_ok = True

    def process_bind_param(self, value: Period | None, dialect: Dialect) -> str | None:
        return None if value is None else str(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Period | None:
        return None if value is None else Period.parse(value)


class FenType(TypeDecorator[Fen]):
    """`Fen` in Python, BIGINT in SQL."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Fen | None, dialect: Dialect) -> int | None:
        return None if value is None else value.value

    def process_result_value(self, value: int | None, dialect: Dialect) -> Fen | None:
        return None if value is None else Fen(int(value))


class AreaType(TypeDecorator[Decimal]):
    """An area in m² with two exact decimals, stored as whole hundredths (dm²)."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        scaled = Decimal(value) * _HUNDRED
        if scaled != scaled.to_integral_value():
            raise ValueError(f"area {value} has more than two decimals")
        return int(scaled)

    def process_result_value(self, value: int | None, dialect: Dialect) -> Decimal | None:
        return None if value is None else (Decimal(int(value)) / _HUNDRED).quantize(_CENTS)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every database (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: use infra.clock.now()")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def str_enum(kind: type[StrEnum]) -> Enum:
    """A VARCHAR column that stores an enum's values ('owner'), not its names."""
    return Enum(
        kind,
        native_enum=False,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


@dataclass(frozen=True, slots=True)
class Audit:
    """Whether `sunshine audit` re-derives a table's rows: each model says so as `__audit__`.

    `checks` names the audit checks (registered with `transparency.service.audit`) that
    re-derive the rows from the log records standing for them; none, with the `reason`,
    when no log record stands for the rows. A test holds every table to its declaration
    and every check to its tables, and edits each column of an audited table (except
    those marked `unlogged`) to see the audit name it; it also removes a row and adds
    one, unless `rows_unlogged` says why the audit cannot tell (what a row holds is
    checked, but no record says which rows there are).
    """

    checks: tuple[str, ...]
    reason: str = ""
    rows_unlogged: str = ""


def audited_by(*checks: str, rows_unlogged: str = "") -> Audit:
    """Declare rows that these audit checks re-derive from the log records standing for them."""
    return Audit(checks, rows_unlogged=rows_unlogged)


def not_audited(reason: str) -> Audit:
    """Declare rows that no log record stands for, and say why."""
    return Audit((), reason)


def unlogged(reason: str) -> dict[str, str]:
    """`info` of a column of an audited table that no log record holds (who, when): why not."""
    return {"unlogged": reason}


class Base(DeclarativeBase):
    """Declarative base with the naming convention and our column types."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: dict[Any, Any] = {Fen: FenType, datetime: UTCDateTime, Decimal: AreaType}
    __audit__: ClassVar[Audit | None] = None  # every model says (see Audit)


class TenantKeyed:
    """Mixin for rows that belong to one community: primary key (community_id, id).

    INVARIANT: every query of such a table filters on community_id; ids count up per
    community (assigned in `_assign_tenant_ids`), so a city-wide deployment can shard
    by community without renumbering.
    """

    community_id: Mapped[int] = mapped_column(ForeignKey("registry_community.id"), primary_key=True)
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)


@event.listens_for(Session, "before_flush")
def _assign_tenant_ids(session: Session, _context: object, _instances: object) -> None:
    """Give new tenant rows the next id in their community, one query per table and community."""
    counters: dict[tuple[str, int], int] = session.info.setdefault("tenant_ids", {})
    for obj in session.new:
        if not isinstance(obj, TenantKeyed) or obj.id is not None:
            continue
        table = obj.__table__
        key = (table.name, obj.community_id)
        if key not in counters:
            _lock_tenant_counter(session, table.name, obj.community_id)
            current = session.scalar(
                select(func.max(table.c.id)).where(table.c.community_id == obj.community_id)
            )
            counters[key] = current or 0
        counters[key] += 1
        obj.id = counters[key]


def _lock_tenant_counter(session: Session, table: str, community_id: int) -> None:
    # SQLite has one writer at a time already; PostgreSQL needs the lock so two
    # transactions cannot both read the same max(id).
    if session.get_bind().dialect.name == "postgresql":
        key = (zlib.crc32(table.encode()) << 20) ^ community_id
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


@event.listens_for(Session, "after_transaction_end")
def _forget_tenant_ids(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop("tenant_ids", None)


SQLITE_PAGE_SIZE = 16384
# Connections per engine: kept plus opened when busy. No more requests use a session at
# once than this (infra.web.DbSession), so no worker thread ever waits for a connection.
# Most are kept: on PostgreSQL a connection opened for a busy moment and closed after it
# costs a server process's fork and start each time, and under a burst of payment
# notifications that churn took the cores the answers needed (bench/RESULTS.md).
POOL_SIZE = 12
POOL_OVERFLOW = 3


def make_engine(url: str | None = None) -> Engine:
    """An engine for `url` (default: settings), with SQLite set up for integrity and concurrency.

    SQLite: a writer waits up to `db_busy_seconds` for the write lock, which it takes when
    its transaction begins (`_sqlite_begin`).
    """
    settings = get_settings()
    url = url or settings.database_url
    if url.startswith("sqlite"):
        connect_args = {"check_same_thread": False, "timeout": settings.db_busy_seconds}
        engine = create_engine(url, connect_args=connect_args, **_pool(url))
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, **_pool(url))


def _pool(url: str) -> dict[str, int]:
    parsed = make_url(url)
    in_memory = parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:")
    return {} if in_memory else {"pool_size": POOL_SIZE, "max_overflow": POOL_OVERFLOW}


def connection_capacity() -> int:
    """How many connections the process-wide engine hands out at once."""
    return POOL_SIZE + POOL_OVERFLOW


def single_writer() -> bool:
    """Whether the process-wide database takes one writer at a time (SQLite)."""
    bind = session_factory().kw.get("bind")
    return isinstance(bind, Engine) and bind.dialect.name == "sqlite"


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINTs; SQLAlchemy's documented
    # recipe turns it off and emits BEGIN itself (see _sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # Takes effect only when the file is new (before WAL fixes it): 16 KiB pages make the
    # B-trees of a million-entry ledger shallower and its import's inserts quicker than
    # the default 4 KiB (bench/import_parts.py, "4 KiB pages").
    cursor.execute(f"PRAGMA page_size={SQLITE_PAGE_SIZE}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    if not _commits_checkpoint[0]:
        cursor.execute("PRAGMA wal_autocheckpoint=0")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # A unit of work that writes takes the write lock now, waiting its turn under the busy
    # timeout. Deferred, it would read first and then fail at its first write whenever
    # another writer committed meanwhile (SQLITE_BUSY_SNAPSHOT, which no timeout waits out).
    # Readers stay deferred, so under WAL they never queue behind writers.
    work = units.current()
    immediate = work is not None and work.locks_up_front()
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@event.listens_for(Session, "after_commit")
def _count_commit(_session: Session) -> None:
    # A request that committed must never be run again (infra.replay would book twice).
    work = units.current()
    if work is not None:
        work.commits += 1


_factory: sessionmaker[Session] | None = None


def session_factory() -> sessionmaker[Session]:
    """The process-wide session factory, made on first use (after loading every table)."""
    global _factory  # noqa: PLW0603 - one engine per process, created lazily
    if _factory is None:
        catalogue.load()
        _factory = sessionmaker(bind=make_engine(), expire_on_commit=False)
    return _factory


def use_engine(engine: Engine) -> None:
    """Point the process-wide factory at `engine` (tests, `serve --database`)."""
    global _factory  # noqa: PLW0603
    catalogue.load()
    _factory = sessionmaker(bind=engine, expire_on_commit=False)


# Whether this process's commits copy SQLite's log back into the database (SQLite's rule,
# past 1,000 pages) or leave it to the server's checkpointer (infra.checkpoints).
_commits_checkpoint = [True]


def leave_checkpoints_to_the_server() -> None:
    """From now on this process's SQLite connections never checkpoint inside a commit."""
    _commits_checkpoint[0] = False
    close_idle_connections()  # the pool's connections were set up before


def commits_checkpoint() -> bool:
    return _commits_checkpoint[0]


def close_idle_connections() -> None:
    """Close the pooled connections, e.g. before a fork: no SQLite connection may cross one."""
    if _factory is not None and isinstance(engine := _factory.kw.get("bind"), Engine):
        engine.dispose()


@contextmanager
def open_session(*, writes: bool = False) -> Iterator[Session]:
    """A session that is closed (rolling back anything uncommitted) when the block ends.

    A command that writes says so: each of its transactions then takes the write lock
    when it begins (SQLite), so that a web server writing beside it cannot make it fail.
    """
    with units.unit_of_work(units.Work(writes=writes)), session_factory()() as session:
        yield session
