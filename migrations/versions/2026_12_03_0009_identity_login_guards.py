"""identity: guards per account and address, and the one-time codes asked for

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 12:00:00

Failed logins used to lock an account for everyone after five failures from anywhere.
`identity_login_guard` keeps, per account and client address, the run of failures and
the pause it earned, and when that address last logged in (identity/service/throttle.py has the
rules). `identity_code_request` counts the one-time codes asked for, per phone number and
per address. Codes already stored were hashed without the server's secret: they expire
within ten minutes, so the upgrade drops them rather than keep codes no check can match.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "identity_login_guard",
        sa.Column("subject", sa.String(length=80), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("subject", "client", name=op.f("pk_identity_login_guard")),
    )
    op.create_table(
        "identity_code_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_code_request")),
    )
    op.create_index(
        "ix_identity_code_request_phone_at", "identity_code_request", ["phone", "requested_at"]
    )
    op.create_index(
        "ix_identity_code_request_client_at", "identity_code_request", ["client", "requested_at"]
    )
    op.execute("DELETE FROM identity_login_code WHERE used_at IS NULL")


def downgrade() -> None:
    op.drop_index("ix_identity_code_request_client_at", "identity_code_request")
    op.drop_index("ix_identity_code_request_phone_at", "identity_code_request")
    op.drop_table("identity_code_request")
    op.drop_table("identity_login_guard")
    op.execute("DELETE FROM identity_login_code WHERE used_at IS NULL")
