"""billing: receipts numbered per community, collection terms, reminders sent

Revision ID: 0017
Revises: 0014
Create Date: 2026-12-03 23:22:45

`billing_receipt_counter` holds each community's last receipt number; a payment bumps it
in its own transaction, so numbers have no gaps. `billing_receipt` keys on (community,
number), one per payment, with its check code. `billing_terms` holds the trust contract's
late-fee clause as data (0: none) and whether public figures may name rooms (off).
`billing_reminder` records who was reminded of arrears, when, and how.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "billing_receipt_counter",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("last_no", sa.Integer(), nullable=False),
        sa.CheckConstraint("last_no >= 0", name=op.f("ck_billing_receipt_counter_last_no")),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["registry_community.id"],
            name=op.f("fk_billing_receipt_counter_community_id_registry_community"),
        ),
        sa.PrimaryKeyConstraint("community_id", name=op.f("pk_billing_receipt_counter")),
    )
    op.create_table(
        "billing_terms",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("late_fee_bp", sa.Integer(), nullable=False),
        sa.Column("late_fee_from_day", sa.Integer(), nullable=False),
        sa.Column("late_fee_cap_bp", sa.Integer(), nullable=True),
        sa.Column("clause_ref", sa.String(length=200), nullable=False),
        sa.Column("public_rooms", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "late_fee_bp BETWEEN 0 AND 10000", name=op.f("ck_billing_terms_late_fee_bp")
        ),
        sa.CheckConstraint(
            "late_fee_cap_bp IS NULL OR late_fee_cap_bp >= 0",
            name=op.f("ck_billing_terms_late_fee_cap"),
        ),
        sa.CheckConstraint(
            "late_fee_from_day >= 1", name=op.f("ck_billing_terms_late_fee_from_day")
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["registry_community.id"],
            name=op.f("fk_billing_terms_community_id_registry_community"),
        ),
        sa.PrimaryKeyConstraint("community_id", name=op.f("pk_billing_terms")),
    )
    op.create_table(
        "billing_reminder",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("owed_fen", sa.BigInteger(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.CheckConstraint(
            "channel IN ('sms', 'letter')", name=op.f("ck_billing_reminder_channel")
        ),
        sa.ForeignKeyConstraint(
            ["community_id", "unit_id"],
            ["registry_unit.community_id", "registry_unit.id"],
            name="fk_billing_reminder_unit",
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["registry_community.id"],
            name=op.f("fk_billing_reminder_community_id_registry_community"),
        ),
        sa.PrimaryKeyConstraint("community_id", "id", name=op.f("pk_billing_reminder")),
    )
    with op.batch_alter_table("billing_reminder", schema=None) as batch_op:
        batch_op.create_index(
            "ix_billing_reminder_unit", ["community_id", "unit_id", "sent_at"], unique=False
        )

    op.create_table(
        "billing_receipt",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("check_code", sa.String(length=16), nullable=False),
        sa.CheckConstraint("number > 0", name=op.f("ck_billing_receipt_number")),
        sa.ForeignKeyConstraint(
            ["community_id", "payment_id"],
            ["billing_payment.community_id", "billing_payment.id"],
            name="fk_billing_receipt_payment",
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["registry_community.id"],
            name=op.f("fk_billing_receipt_community_id_registry_community"),
        ),
        sa.PrimaryKeyConstraint("community_id", "number", name=op.f("pk_billing_receipt")),
        sa.UniqueConstraint(
            "community_id", "payment_id", name=op.f("uq_billing_receipt_community_id_payment_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("billing_receipt")
    with op.batch_alter_table("billing_reminder", schema=None) as batch_op:
        batch_op.drop_index("ix_billing_reminder_unit")

    op.drop_table("billing_reminder")
    op.drop_table("billing_terms")
    op.drop_table("billing_receipt_counter")
