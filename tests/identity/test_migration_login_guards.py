"""Migration 0009: the login guards and code requests, up and down, on both databases.

A database at revision 0008 holding a user and two codes, one used and one not: the
upgrade adds the two tables as the models describe them and drops the unused code (it
was hashed without the server's secret, so it could never be checked again); the
downgrade removes the tables; the upgrade runs again.
"""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine
from sqlalchemy import inspect
from sqlalchemy import text

from sunshine.entrypoints.tables import metadata
from sunshine.infra import migrate

NEW_TABLES = {"identity_login_guard", "identity_code_request"}


def _codes(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.scalars(text("SELECT code_hash FROM identity_login_code")))


def test_the_guards_come_and_go_and_unusable_codes_are_dropped(fresh_engine: Engine) -> None:
    migrate.upgrade(fresh_engine, "0008")
    with fresh_engine.begin() as connection:
        for code_hash, used in (("unused", None), ("used", "2024-10-08 06:00:00+00")):
            connection.execute(
                text(
                    "INSERT INTO identity_login_code (phone, code_hash, created_at, expires_at, "
                    "used_at, tries) VALUES ('13800000001', :hash, '2024-10-08 05:55:00+00', "
                    "'2024-10-08 06:05:00+00', :used, 1)"
                ),
                {"hash": code_hash, "used": used},
            )

    migrate.upgrade(fresh_engine)

    assert set(inspect(fresh_engine).get_table_names()) >= NEW_TABLES
    assert _codes(fresh_engine) == ["used"]
    with fresh_engine.connect() as connection:  # the tables are as the models describe them
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []
    migrate.downgrade(fresh_engine, "0008")
    assert not NEW_TABLES & set(inspect(fresh_engine).get_table_names())
    migrate.upgrade(fresh_engine)
    assert set(inspect(fresh_engine).get_table_names()) >= NEW_TABLES
