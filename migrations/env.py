"""Alembic environment: one metadata for every part; SQLite gets batch mode for ALTERs."""

from __future__ import annotations

from typing import Literal

from alembic import context
from sqlalchemy import Connection
from sqlalchemy.types import TypeDecorator

from sunshine.entrypoints.tables import metadata
from sunshine.infra.db import make_engine
from sunshine.infra.migrate import foreign_keys_deferred_to_the_end
from sunshine.infra.settings import get_settings

config = context.config


def _render_item(kind: str, obj: object, autogen_context: object) -> str | Literal[False]:
    """Write our column types as their plain SQL types, so migrations never import app code."""
    if kind == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl_instance!r}"
    return False


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run against the connection handed in by `sunshine db upgrade`, or a fresh engine."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or get_settings().database_url
    engine = make_engine(url)
    with engine.connect() as conn, foreign_keys_deferred_to_the_end(conn):
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    context.configure(url=get_settings().database_url, target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
