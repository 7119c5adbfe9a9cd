"""Migration 0027 adds the day an answer on an expense was given, as the model declares it."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine
from sqlalchemy import inspect

from sunshine.entrypoints.tables import metadata
from sunshine.infra import migrate


def _columns(engine: Engine) -> dict[str, bool]:
    found = inspect(engine).get_columns("governance_expense_approval")
    return {c["name"]: c["nullable"] for c in found}


def test_upgrade_matches_the_models_and_downgrade_drops_the_column(fresh_engine: Engine) -> None:
    migrate.upgrade(fresh_engine)
    assert _columns(fresh_engine)["answered_on"] is False
    with fresh_engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []
    migrate.downgrade(fresh_engine, "0026")
    assert "answered_on" not in _columns(fresh_engine)
    migrate.upgrade(fresh_engine)
    assert "answered_on" in _columns(fresh_engine)
