"""Migration 0015 (online orders, refused notices) goes up and down on both databases."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from sunshine.entrypoints.tables import metadata
from sunshine.infra import migrate

if TYPE_CHECKING:
    from sqlalchemy import Engine

TABLES = {"billing_online_order", "billing_refused_notice"}


@pytest.mark.db
def test_online_orders_migrate_up_and_down(fresh_engine: Engine) -> None:
    migrate.upgrade(fresh_engine)
    assert set(inspect(fresh_engine).get_table_names()) >= TABLES
    with fresh_engine.connect() as connection:  # the migration makes what the models say
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []
    uniques = {
        tuple(u["column_names"])
        for u in inspect(fresh_engine).get_unique_constraints("billing_online_order")
    }
    assert ("community_id", "channel", "transaction_id") in uniques
    assert ("community_id", "order_no") in uniques

    migrate.downgrade(fresh_engine, "0014")
    assert not TABLES & set(inspect(fresh_engine).get_table_names())

    migrate.upgrade(fresh_engine, "0015")
    assert set(inspect(fresh_engine).get_table_names()) >= TABLES
