"""governance: an expense marked over its budget line, and by how much

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-04 18:10:00

An expense on a line of the budget in force whose amount, with the line's spending so far,
passes the line's approved amount for the year is marked `over` (budget_mark, a VARCHAR
without a constraint, takes the new value as it is); `over_budget_fen` keeps by how much.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("governance_expense", schema=None) as batch_op:
        batch_op.add_column(sa.Column("over_budget_fen", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("governance_expense", schema=None) as batch_op:
        batch_op.drop_column("over_budget_fen")
