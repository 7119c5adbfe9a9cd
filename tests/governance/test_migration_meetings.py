"""Migration 0025 creates the joint meeting's tables as the models declare them, and drops them."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine
from sqlalchemy import inspect

from sunshine.entrypoints.tables import metadata
from sunshine.infra import migrate

TABLES = {"governance_meeting", "governance_meeting_action", "governance_minutes"}


def test_upgrade_matches_the_models_and_downgrade_removes_the_tables(fresh_engine: Engine) -> None:
    migrate.upgrade(fresh_engine)
    assert set(inspect(fresh_engine).get_table_names()) >= TABLES
    with fresh_engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []
    migrate.downgrade(fresh_engine, "0020")
    names = set(inspect(fresh_engine).get_table_names())
    assert not TABLES & names
    assert "governance_vote" in names
    migrate.upgrade(fresh_engine)
    assert set(inspect(fresh_engine).get_table_names()) >= TABLES
