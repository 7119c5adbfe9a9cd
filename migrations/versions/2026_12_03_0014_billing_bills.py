"""billing: charge items and rates, parking leases, billing runs, bills, payments, allocations

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-03 23:10:00

Bills key on (community, item, period, unit, lease) so a billing run is idempotent; a
bill keeps the rate, quantity, payer and due date it was issued with, and `paid_fen`
(the sum of its allocations) may never pass its amount. Payments and runs point at their
ledger entries; a payment's `receipt_no` is filled by the receipts work, unique per
community. `billing_parking_lease` stands in for the parking part's leases.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "billing_item",
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "per_area_month",
                "per_space_month",
                "per_household_year",
                "one_off",
                name="chargekind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("account_code", sa.String(length=16), nullable=False),
        sa.Column(
            "liable",
            sa.Enum("owner", "resident", name="liable", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("first_month", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.CheckConstraint(
            "first_month BETWEEN 1 AND 12", name=op.f("ck_billing_item_first_month")
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["registry_community.id"],
            name=op.f("fk_billing_item_community_id_registry_community"),
        ),
        sa.PrimaryKeyConstraint("community_id", "id", name=op.f("pk_billing_item")),
        sa.UniqueConstraint("community_id", "code", name=op.f("uq_billing_item_community_id_code")),
    )
    op.create_table(
        "billing_rate",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("rate_fen", sa.BigInteger(), nullable=False),
        sa.Column("set_by", sa.String(length=80), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.CheckConstraint("rate_fen >= 0", name=op.f("ck_billing_rate_non_negative")),
        sa.ForeignKeyConstraint(
            ["community_id", "item_id"],
            ["billing_item.community_id", "billing_item.id"],
            name="fk_billing_rate_item",
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["registry_community.id"],
            name=op.f("fk_billing_rate_community_id_registry_community"),
        ),
        sa.PrimaryKeyConstraint("community_id", "id", name=op.f("pk_billing_rate")),
        sa.UniqueConstraint(
            "community_id",
            "item_id",
            "effective_from",
            name=op.f("uq_billing_rate_community_id_item_id_effective_from"),
        ),
    )
    op.create_table(
        "billing_run",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("bills", sa.Integer(), nullable=False),
        sa.Column("total_fen", sa.BigInteger(), nullable=False),
        sa.Column("prepaid_fen", sa.BigInteger(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("run_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id", "entry_id"],
            ["ledger_entry.community_id", "ledger_entry.id"],
            name="fk_billing_run_entry",
        ),
        sa.ForeignKeyConstraint(
            ["community_id", "item_id"],
            ["billing_item.community_id", "billing_item.id"],
            name="fk_billing_run_item",
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["registry_community.id"],
            name=op.f("fk_billing_run_community_id_registry_community"),
        ),
        sa.PrimaryKeyConstraint("community_id", "id", name=op.f("pk_billing_run")),
    )
    with op.batch_alter_table("billing_run", schema=None) as batch_op:
        batch_op.create_index(
            "ix_billing_run_item", ["community_id", "item_id", "period"], unique=False
        )

    op.create_table(
        "billing_bill",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("lease_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("rate_fen", sa.BigInteger(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("paid_fen", sa.BigInteger(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("payer_party_id", sa.Integer(), nullable=True),
        sa.Column("payer_name", sa.String(length=80), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.CheckConstraint("amount_fen >= 0", name=op.f("ck_billing_bill_amount")),
        sa.CheckConstraint(
            "paid_fen >= 0 AND paid_fen <= amount_fen", name=op.f("ck_billing_bill_paid")
        ),
        sa.ForeignKeyConstraint(
            ["community_id", "run_id"],
            ["billing_run.community_id", "billing_run.id"],
            name="fk_billing_bill_run",
        ),
        sa.ForeignKeyConstraint(
            ["community_id", "unit_id"],
            ["registry_unit.community_id", "registry_unit.id"],
            name="fk_billing_bill_unit",
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["registry_community.id"],
            name=op.f("fk_billing_bill_community_id_registry_community"),
        ),
        sa.PrimaryKeyConstraint("community_id", "id", name=op.f("pk_billing_bill")),
        sa.UniqueConstraint(
            "community_id",
            "item_id",
            "period",
            "unit_id",
            "lease_id",
            name=op.f("uq_billing_bill_community_id_item_id_period_unit_id_lease_id"),
        ),
    )
    with op.batch_alter_table("billing_bill", schema=None) as batch_op:
        batch_op.create_index(
            "ix_billing_bill_unit", ["community_id", "unit_id", "period"], unique=False
        )

    op.create_table(
        "billing_parking_lease",
        sa.Column("space", sa.String(length=16), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.CheckConstraint(
            "ends_on IS NULL OR ends_on >= starts_on", name=op.f("ck_billing_parking_lease_dates")
        ),
        sa.ForeignKeyConstraint(
            ["community_id", "unit_id"],
            ["registry_unit.community_id", "registry_unit.id"],
            name="fk_billing_parking_lease_unit",
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["registry_community.id"],
            name=op.f("fk_billing_parking_lease_community_id_registry_community"),
        ),
        sa.PrimaryKeyConstraint("community_id", "id", name=op.f("pk_billing_parking_lease")),
    )
    op.create_table(
        "billing_payment",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("receipt_no", sa.Integer(), nullable=True),
        sa.Column("request_key", sa.String(length=64), nullable=True),
        sa.Column("refund_entry_id", sa.Integer(), nullable=True),
        sa.Column("refund_reason", sa.String(length=200), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_billing_payment_amount")),
        sa.ForeignKeyConstraint(
            ["community_id", "entry_id"],
            ["ledger_entry.community_id", "ledger_entry.id"],
            name="fk_billing_payment_entry",
        ),
        sa.ForeignKeyConstraint(
            ["community_id", "refund_entry_id"],
            ["ledger_entry.community_id", "ledger_entry.id"],
            name="fk_billing_payment_refund",
        ),
        sa.ForeignKeyConstraint(
            ["community_id", "unit_id"],
            ["registry_unit.community_id", "registry_unit.id"],
            name="fk_billing_payment_unit",
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["registry_community.id"],
            name=op.f("fk_billing_payment_community_id_registry_community"),
        ),
        sa.PrimaryKeyConstraint("community_id", "id", name=op.f("pk_billing_payment")),
        sa.UniqueConstraint(
            "community_id", "receipt_no", name=op.f("uq_billing_payment_community_id_receipt_no")
        ),
        sa.UniqueConstraint(
            "community_id", "request_key", name=op.f("uq_billing_payment_community_id_request_key")
        ),
    )
    with op.batch_alter_table("billing_payment", schema=None) as batch_op:
        batch_op.create_index("ix_billing_payment_unit", ["community_id", "unit_id"], unique=False)

    op.create_table(
        "billing_allocation",
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("bill_id", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_billing_allocation_amount")),
        sa.ForeignKeyConstraint(
            ["community_id", "bill_id"],
            ["billing_bill.community_id", "billing_bill.id"],
            name="fk_billing_allocation_bill",
        ),
        sa.ForeignKeyConstraint(
            ["community_id", "payment_id"],
            ["billing_payment.community_id", "billing_payment.id"],
            name="fk_billing_allocation_payment",
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["registry_community.id"],
            name=op.f("fk_billing_allocation_community_id_registry_community"),
        ),
        sa.PrimaryKeyConstraint("community_id", "id", name=op.f("pk_billing_allocation")),
    )
    with op.batch_alter_table("billing_allocation", schema=None) as batch_op:
        batch_op.create_index(
            "ix_billing_allocation_bill", ["community_id", "bill_id"], unique=False
        )
        batch_op.create_index(
            "ix_billing_allocation_payment", ["community_id", "payment_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("billing_allocation", schema=None) as batch_op:
        batch_op.drop_index("ix_billing_allocation_payment")
        batch_op.drop_index("ix_billing_allocation_bill")

    op.drop_table("billing_allocation")
    with op.batch_alter_table("billing_payment", schema=None) as batch_op:
        batch_op.drop_index("ix_billing_payment_unit")

    op.drop_table("billing_payment")
    op.drop_table("billing_parking_lease")
    with op.batch_alter_table("billing_bill", schema=None) as batch_op:
        batch_op.drop_index("ix_billing_bill_unit")

    op.drop_table("billing_bill")
    with op.batch_alter_table("billing_run", schema=None) as batch_op:
        batch_op.drop_index("ix_billing_run_item")

    op.drop_table("billing_run")
    op.drop_table("billing_rate")
    op.drop_table("billing_item")
