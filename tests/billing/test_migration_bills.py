"""Migration 0014: billing's tables, up and down, on both databases, as the models say."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine
from sqlalchemy import inspect

from sunshine.entrypoints.tables import metadata
from sunshine.infra import migrate

BEFORE = "0012"
TABLES = {
    "billing_item", "billing_rate", "billing_parking_lease", "billing_run", "billing_bill",
    "billing_payment", "billing_allocation",
}  # fmt: skip


def test_the_billing_tables_come_and_go_and_come_back(fresh_engine: Engine) -> None:
    migrate.upgrade(fresh_engine)
    with fresh_engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []
    migrate.downgrade(fresh_engine, BEFORE)
    assert not TABLES & set(inspect(fresh_engine).get_table_names())
    migrate.upgrade(fresh_engine)
    assert set(inspect(fresh_engine).get_table_names()) >= TABLES
