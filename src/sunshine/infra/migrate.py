"""Run Alembic migrations from code (`sunshine db upgrade`, `./run.sh`, the test fixtures)."""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection
from sqlalchemy import Engine

from sunshine.infra.settings import ROOT


def alembic_config() -> Config:
    """The repository's alembic.ini."""
    return Config(str(ROOT / "alembic.ini"))


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database behind `engine` to `revision`."""
    _migrate(engine, lambda config: command.upgrade(config, revision))


def downgrade(engine: Engine, revision: str) -> None:
    """Take the database behind `engine` back to `revision`."""
    _migrate(engine, lambda config: command.downgrade(config, revision))


def _migrate(engine: Engine, run: Callable[[Config], None]) -> None:
    config = alembic_config()
    with engine.connect() as connection, foreign_keys_deferred_to_the_end(connection):
        config.attributes["connection"] = connection
        run(config)


@contextmanager
def foreign_keys_deferred_to_the_end(connection: Connection) -> Iterator[None]:
    """One transaction for the migrations; on SQLite, foreign keys checked once at its end.

    SQLite changes a table's constraints only by building the table anew and dropping the
    old one, which its own documentation does with foreign keys off (else the drop deletes
    every row first, and references to them fail). That switch works only outside a
    transaction, so it is made before BEGIN; `PRAGMA foreign_key_check` then stands in
    for the checks before COMMIT, and a violation rolls everything back.
    """
    sqlite = connection.dialect.name == "sqlite"
    driver = connection.connection.driver_connection
    if sqlite:
        driver.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
    try:
        with connection.begin():
            yield
            if sqlite and (found := connection.exec_driver_sql("PRAGMA foreign_key_check").all()):
                raise RuntimeError(f"the migration broke foreign keys: {found[:5]}")
    finally:
        if sqlite:
            driver.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]


def rebuild_sqlite_table(connection: Connection, table: str, edit: Callable[[str], str]) -> None:
    """Build `table` anew from its CREATE statement as `edit` changes it, rows and all.

    SQLite's way to change a constraint (its documented twelve steps, foreign keys off:
    `foreign_keys_deferred_to_the_end`). The table's indexes and triggers are made again
    from the text the database holds; triggers of other tables that name it still do.
    """
    if connection.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError(f"rebuilding {table} needs foreign keys off (infra.migrate)")
    created = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).scalar_one()
    dependents = (
        connection.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') "
            "AND sql IS NOT NULL ORDER BY type, name",
            (table,),
        )
        .scalars()
        .all()
    )
    # A renamed table's statement names it in quotes: CREATE TABLE "name" (
    head = re.match(rf'CREATE TABLE\s+"?{re.escape(table)}"?\s*\(', changed := edit(created))
    if head is None:
        raise RuntimeError(f"unexpected CREATE statement for {table}: {created[:80]}")
    interim = f"{table}_rebuilt"
    connection.exec_driver_sql(f"CREATE TABLE {interim} ({changed[head.end() :]}")
    connection.exec_driver_sql(f"INSERT INTO {interim} SELECT * FROM {table}")  # noqa: S608 - names from migrations
    connection.exec_driver_sql(f"DROP TABLE {table}")
    # Other tables' triggers name `table`, which does not exist until the rename is
    # done: the legacy rename does not re-check them (they are right again after it).
    connection.exec_driver_sql("PRAGMA legacy_alter_table=ON")
    connection.exec_driver_sql(f"ALTER TABLE {interim} RENAME TO {table}")
    connection.exec_driver_sql("PRAGMA legacy_alter_table=OFF")
    for statement in dependents:
        connection.exec_driver_sql(statement)


def append_only_statements(table: str, dialect: str) -> list[str]:
    """SQL that makes `table` refuse UPDATE and DELETE, on SQLite and on PostgreSQL.

    Used by migrations of append-only tables (ledger postings, log records): a mistake is
    corrected by a new row, never by changing an old one, even through direct SQL.
    """
    message = f"{table} is append-only; post a correcting entry instead"
    if dialect == "sqlite":
        return [
            f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            for verb in ("UPDATE", "DELETE")
        ]
    function = (
        f"CREATE OR REPLACE FUNCTION {table}_refuse_change() RETURNS trigger "
        f"LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{message}' "
        "USING ERRCODE = 'restrict_violation'; END $$"
    )
    trigger = (
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_refuse_change()"
    )
    return [function, trigger]


def drop_append_only_statements(table: str, dialect: str) -> list[str]:
    """The reverse of `append_only_statements`."""
    if dialect == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {table}_no_{verb}" for verb in ("update", "delete")]
    return [
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
        f"DROP FUNCTION IF EXISTS {table}_refuse_change()",
    ]
