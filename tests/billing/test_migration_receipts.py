"""Migration 0017: receipts, terms and reminders, up and down on both databases."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy import inspect

from sunshine.infra import migrate

BEFORE = "0016"
TABLES = {"billing_receipt_counter", "billing_receipt", "billing_terms", "billing_reminder"}


def test_the_collecting_tables_come_and_go_and_come_back(fresh_engine: Engine) -> None:
    migrate.upgrade(fresh_engine)
    assert set(inspect(fresh_engine).get_table_names()) >= TABLES
    migrate.downgrade(fresh_engine, BEFORE)
    names = set(inspect(fresh_engine).get_table_names())
    assert not TABLES & names
    assert "billing_payment" in names  # billing's own tables stay
    migrate.upgrade(fresh_engine)
    assert set(inspect(fresh_engine).get_table_names()) >= TABLES
