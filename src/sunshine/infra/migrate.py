"""Run Alembic migrations from code (`sunshine db upgrade`, `./run.sh`, the test fixtures)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from sunshine.infra.settings import ROOT


def alembic_config() -> Config:
    """The repository's alembic.ini."""
    return Config(str(ROOT / "alembic.ini"))


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database behind `engine` to `revision`."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


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
