"""registry: a community's public disclosure (公开披露), on by default

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 19:30:00

When it is on, anyone may read the community's public notices, board, approved budgets
and public voucher copies without logging in (identity's policy, Action.READ_PUBLIC);
when it is off, only its members may. Every community so far is on: the paper notice
hangs in the open, so its web twin is open too.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("registry_community") as batch:
        batch.add_column(
            sa.Column("public_disclosure", sa.Boolean(), nullable=False, server_default=sa.true())
        )


def downgrade() -> None:
    with op.batch_alter_table("registry_community") as batch:
        batch.drop_column("public_disclosure")
