"""ledger: the key that lets an entry be reversed once covers reversals only

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 08:00:00

`UNIQUE (community_id, reverses_id)` indexed every entry, though all but the reversals
hold NULL there: one more B-tree written for each entry booked, about an eighth of what
SQLite needs to insert an import's rows (bench/import_parts.py). A unique index with
`WHERE reverses_id IS NOT NULL` keeps the rule (an entry is reversed at most once) and
indexes only reversals. SQLite changes a table's constraints only by building the table
anew (`infra.migrate.rebuild_sqlite_table`); PostgreSQL drops the constraint.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

from sunshine.infra.migrate import rebuild_sqlite_table

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_TABLE = "ledger_entry"
_OLD = "uq_ledger_entry_community_id_reverses_id"
_NEW = "uq_ledger_entry_reverses_id"
_COLUMNS = ["community_id", "reverses_id"]
_CONSTRAINT = f"CONSTRAINT {_OLD} UNIQUE (community_id, reverses_id)"
_ONLY_REVERSALS = sa.text("reverses_id IS NOT NULL")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        rebuild_sqlite_table(op.get_bind(), _TABLE, _without_constraint)
    else:
        op.drop_constraint(_OLD, _TABLE, type_="unique")
    op.create_index(
        _NEW,
        _TABLE,
        _COLUMNS,
        unique=True,
        sqlite_where=_ONLY_REVERSALS,
        postgresql_where=_ONLY_REVERSALS,
    )


def downgrade() -> None:
    op.drop_index(_NEW, _TABLE)
    if op.get_bind().dialect.name == "sqlite":
        rebuild_sqlite_table(op.get_bind(), _TABLE, _with_constraint)
    else:
        op.create_unique_constraint(_OLD, _TABLE, _COLUMNS)


def _without_constraint(created: str) -> str:
    changed, count = re.subn(rf",\s*{re.escape(_CONSTRAINT)}", "", created)
    if count != 1:
        raise RuntimeError(f"{_OLD} not found once in {_TABLE}'s CREATE statement")
    return changed


def _with_constraint(created: str) -> str:
    body = created.rstrip().removesuffix(")").rstrip()
    return f"{body}, \n\t{_CONSTRAINT}\n)"
