"""governance: the day a member's answer on an expense was given, beside when it was entered

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-04 21:00:00

An answer collected on paper or at a meeting is entered later: `answered_on` is the day it
was given (the day the committee's serving members are taken on, and the approving
decision's day), `at` stays the moment it was entered. Answers already stored were given
the day they were entered.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("governance_expense_approval", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answered_on", sa.Date(), nullable=True))
    if op.get_bind().dialect.name == "sqlite":  # a text column there: CAST would take the year
        op.execute("UPDATE governance_expense_approval SET answered_on = date(at)")
    else:
        op.execute("UPDATE governance_expense_approval SET answered_on = CAST(at AS DATE)")
    with op.batch_alter_table("governance_expense_approval", schema=None) as batch_op:
        batch_op.alter_column("answered_on", existing_type=sa.Date(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("governance_expense_approval", schema=None) as batch_op:
        batch_op.drop_column("answered_on")
