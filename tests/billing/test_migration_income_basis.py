"""Migration 0018 (income basis, orders' chosen bills and payment) up and down, both databases."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy import text

from sunshine.entrypoints.tables import metadata
from sunshine.infra import migrate

if TYPE_CHECKING:
    from sqlalchemy import Engine


def _columns(engine: Engine, table: str) -> set[str]:
    return {column["name"] for column in inspect(engine).get_columns(table)}


@pytest.mark.db
def test_the_income_basis_and_the_orders_payment_come_and_go(fresh_engine: Engine) -> None:
    migrate.upgrade(fresh_engine, "0017")
    with fresh_engine.begin() as connection:  # terms recorded before: they stay on billing
        connection.execute(
            text(
                "INSERT INTO registry_community (id, code, name, name_en, city, district, street,"
                " neighbourhood, address, trustee_company, committee_kind, created_at) VALUES"
                " (1, 'jc', '荆川', '', '常州', '天宁', '茶山', '东园', '', '', 'owners_committee',"
                " '2024-09-01 00:00:00+00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO billing_terms (community_id, late_fee_bp, late_fee_from_day,"
                " clause_ref, public_rooms) VALUES (1, 0, 1, '', false)"
            )
        )
    migrate.upgrade(fresh_engine)
    with fresh_engine.connect() as connection:  # the migration makes what the models say
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []
        assert connection.scalar(text("SELECT income_on FROM billing_terms")) == "billed"
    assert {"bill_ids", "payment_id"} <= _columns(fresh_engine, "billing_online_order")

    migrate.downgrade(fresh_engine, "0017")
    assert "income_on" not in _columns(fresh_engine, "billing_terms")
    assert not {"bill_ids", "payment_id"} & _columns(fresh_engine, "billing_online_order")
    migrate.upgrade(fresh_engine)
    assert "income_on" in _columns(fresh_engine, "billing_terms")
