"""billing: income on billing or on collection; online orders pay chosen bills as payments

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 04:40:00

`billing_terms.income_on` says when a community's billed money becomes income: 'billed'
(as before, the default for every community) or 'collected' (收付实现制: the run books
2205 待实现收费收入, each payment moves what it paid into income). `billing_online_order`
gains `bill_ids` (the bills the payer chose, "12,15"; empty: oldest first) and
`payment_id`, the payment that booked it (with its allocations and receipt). Orders booked
before this were booked as prepayments without a payment; they keep their entry and no
payment.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("billing_terms") as batch:
        batch.add_column(
            sa.Column("income_on", sa.String(length=32), nullable=False, server_default="billed")
        )
        batch.create_check_constraint(
            op.f("ck_billing_terms_income_on"), "income_on IN ('billed', 'collected')"
        )
    with op.batch_alter_table("billing_online_order") as batch:
        batch.add_column(sa.Column("bill_ids", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("payment_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_billing_online_order_payment",
            "billing_payment",
            ["community_id", "payment_id"],
            ["community_id", "id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("billing_online_order") as batch:
        batch.drop_constraint("fk_billing_online_order_payment", type_="foreignkey")
        batch.drop_column("payment_id")
        batch.drop_column("bill_ids")
    with op.batch_alter_table("billing_terms") as batch:
        batch.drop_constraint(op.f("ck_billing_terms_income_on"), type_="check")
        batch.drop_column("income_on")
