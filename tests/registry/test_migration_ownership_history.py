"""Migration 0013: transfers, past owners and residents, remarks; up and down, both databases.

A unit and a person that exist before the upgrade come out with an empty remark; the
schema is as the models describe it; the downgrade removes the tables and columns and
the upgrade runs again.
"""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine
from sqlalchemy import inspect
from sqlalchemy import text

from sunshine.entrypoints.tables import metadata
from sunshine.infra import migrate

BEFORE = "0012"
NEW_TABLES = {"registry_transfer", "registry_past_ownership", "registry_past_residency"}


def _schema(engine: Engine) -> tuple[set[str], set[str]]:
    inspector = inspect(engine)
    tables = set(inspector.get_table_names()) & NEW_TABLES
    return tables, {c["name"] for c in inspector.get_columns("registry_party")}


def test_people_come_out_with_no_remark_and_the_tables_go_and_come_back(
    fresh_engine: Engine,
) -> None:
    migrate.upgrade(fresh_engine, BEFORE)
    with fresh_engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO registry_community (code, name, name_en, city, district, street, "
                "neighbourhood, address, trustee_company, committee_kind, created_at) VALUES "
                "('old', '老小区', '', '常州市', '钟楼区', '永红街道', '锦阳苑社区', '', '', "
                "'property_committee', '2024-10-08 06:00:00+00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO registry_party (community_id, id, kind, name, phone, id_number, "
                "is_developer) SELECT id, 1, 'person', '张三', '', '', false "
                "FROM registry_community"
            )
        )

    migrate.upgrade(fresh_engine)

    with fresh_engine.connect() as connection:
        note = connection.scalar(text("SELECT note FROM registry_party"))
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []
    assert note == ""
    assert _schema(fresh_engine)[0] == NEW_TABLES
    migrate.downgrade(fresh_engine, BEFORE)
    tables, columns = _schema(fresh_engine)
    assert tables == set()
    assert "note" not in columns
    migrate.upgrade(fresh_engine)
    assert _schema(fresh_engine)[0] == NEW_TABLES
