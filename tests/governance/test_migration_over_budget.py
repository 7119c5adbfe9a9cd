"""Migration 0026 adds an expense's amount over its budget line, as the model declares it."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine
from sqlalchemy import inspect

from sunshine.entrypoints.tables import metadata
from sunshine.infra import migrate


def _columns(engine: Engine) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns("governance_expense")}


def test_upgrade_matches_the_models_and_downgrade_drops_the_column(fresh_engine: Engine) -> None:
    migrate.upgrade(fresh_engine)
    assert "over_budget_fen" in _columns(fresh_engine)
    with fresh_engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []
    migrate.downgrade(fresh_engine, "0025")
    assert "over_budget_fen" not in _columns(fresh_engine)
    assert "budget_mark" in _columns(fresh_engine)
    migrate.upgrade(fresh_engine)
    assert "over_budget_fen" in _columns(fresh_engine)
