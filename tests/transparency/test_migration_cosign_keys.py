"""Migration 0012: committee keys get their member and confirmation; communities a threshold.

On both databases: a database at 0010 with a committee key registered by the operator;
the upgrade takes that key as confirmed (when it was added) and gives the community a
threshold of one; the tables are then as the models describe them; the downgrade
removes the columns, and the upgrade runs again.
"""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine
from sqlalchemy import inspect
from sqlalchemy import text

from sunshine.entrypoints.tables import metadata
from sunshine.infra import migrate

NEW_KEY_COLUMNS = {"member_id", "device", "confirmed_at", "confirmed_by"}


def _columns(engine: Engine, table: str) -> set[str]:
    return {column["name"] for column in inspect(engine).get_columns(table)}


def test_keys_registered_before_count_as_confirmed_and_the_threshold_is_one(
    fresh_engine: Engine,
) -> None:
    migrate.upgrade(fresh_engine, "0011")
    with fresh_engine.begin() as connection:
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
                "INSERT INTO transparency_key (community_id, name, role, public_key, added_at)"
                " VALUES (1, 'jc-committee-zhou', 'committee', :key, '2024-10-08 06:00:00+00')"
            ),
            {"key": bytes(32)},
        )

    migrate.upgrade(fresh_engine)

    with fresh_engine.connect() as connection:
        row = connection.execute(
            text("SELECT added_at, confirmed_at, member_id, device FROM transparency_key")
        ).one()
        assert row.confirmed_at == row.added_at
        assert (row.member_id, row.device) == (None, "")
        assert connection.scalar(text("SELECT cosign_threshold FROM registry_community")) == 1
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []
    migrate.downgrade(fresh_engine, "0011")
    assert not NEW_KEY_COLUMNS & _columns(fresh_engine, "transparency_key")
    assert "cosign_threshold" not in _columns(fresh_engine, "registry_community")
    migrate.upgrade(fresh_engine)
    assert _columns(fresh_engine, "transparency_key") >= NEW_KEY_COLUMNS
