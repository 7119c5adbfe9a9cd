"""Migration 0011: a community's public disclosure, up and down, on both databases.

A community that exists before the upgrade comes out public (the paper notice hangs in
the open); the column is as the model describes it; the downgrade removes it and the
upgrade runs again.
"""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine
from sqlalchemy import inspect
from sqlalchemy import text

from sunshine.entrypoints.tables import metadata
from sunshine.infra import migrate

BEFORE = "0010"


def _columns(engine: Engine) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns("registry_community")}


def test_communities_come_out_public_and_the_column_goes_and_comes_back(
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

    migrate.upgrade(fresh_engine)

    with fresh_engine.connect() as connection:
        public = connection.scalar(text("SELECT public_disclosure FROM registry_community"))
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []
    assert public in (True, 1)
    migrate.downgrade(fresh_engine, BEFORE)
    assert "public_disclosure" not in _columns(fresh_engine)
    migrate.upgrade(fresh_engine)
    assert "public_disclosure" in _columns(fresh_engine)
