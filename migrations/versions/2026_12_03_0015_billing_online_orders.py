"""billing: online orders and the payment notifications refused

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 23:50:00

An order belongs to a community (key community_id, id) and one unit; its number is unique
in the community (which the number itself names), and a channel's transaction id pays at
most one order. Refused notifications keep the reason and a hash of the body, no personal
data; they need not name a community we know, so they have an id of their own.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

STATUS = ("created", "paid", "closed", "expired")
REFUSAL = (
    "malformed",
    "bad_signature",
    "unknown_key",
    "stale",
    "not_paid",
    "unknown_order",
    "wrong_channel",
    "amount_mismatch",
    "other_transaction",
    "duplicate",
)


def upgrade() -> None:
    op.create_table(
        "billing_online_order",
        sa.Column("order_no", sa.String(length=32), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("description", sa.String(length=128), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column(
            "status",
            sa.Enum(*STATUS, name="orderstatus", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("transaction_id", sa.String(length=64), nullable=True),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("flag", sa.String(length=32), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id", "unit_id"],
            ["registry_unit.community_id", "registry_unit.id"],
            name=op.f("fk_billing_online_order_community_id_unit_id_registry_unit"),
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["registry_community.id"],
            name=op.f("fk_billing_online_order_community_id_registry_community"),
        ),
        sa.PrimaryKeyConstraint("community_id", "id", name=op.f("pk_billing_online_order")),
        sa.UniqueConstraint(
            "community_id", "order_no", name=op.f("uq_billing_online_order_community_id_order_no")
        ),
        sa.UniqueConstraint(
            "community_id",
            "channel",
            "transaction_id",
            name=op.f("uq_billing_online_order_community_id_channel_transaction_id"),
        ),
    )
    op.create_index(
        op.f("ix_billing_online_order_community_id_status_expires_at"),
        "billing_online_order",
        ["community_id", "status", "expires_at"],
    )
    op.create_table(
        "billing_refused_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column(
            "reason",
            sa.Enum(*REFUSAL, name="refusal", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("order_no", sa.String(length=32), nullable=False),
        sa.Column("transaction_id", sa.String(length=64), nullable=False),
        sa.Column("body_sha256", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_refused_notice")),
    )
    op.create_index(
        op.f("ix_billing_refused_notice_received_at"), "billing_refused_notice", ["received_at"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_billing_refused_notice_received_at"), "billing_refused_notice")
    op.drop_table("billing_refused_notice")
    op.drop_index(
        op.f("ix_billing_online_order_community_id_status_expires_at"), "billing_online_order"
    )
    op.drop_table("billing_online_order")
