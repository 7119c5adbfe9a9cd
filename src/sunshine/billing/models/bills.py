"""Billing runs, the bills they issue, the payments taken and how they were allocated.

A bill keeps what it was issued with (rate, quantity, amount, payer, due date), so later
rate or ownership changes never alter it. Its unique key, (community, item, period, unit,
lease), makes a run idempotent: billing the same period again finds every bill there.
`paid_fen` is the sum of the bill's allocations, kept on the row so a run or a desk
payment reads what is owed without summing (both hold the books' lock while they write).
A payment will get its receipt number (gapless per community) from the receipts work.
"""

from __future__ import annotations

from datetime import date
from datetime import datetime

from sqlalchemy import CheckConstraint
from sqlalchemy import ForeignKeyConstraint
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from sunshine.infra.db import Base
from sunshine.infra.db import PeriodType
from sunshine.infra.db import TenantKeyed
from sunshine.infra.db import not_audited
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period

# LAW.md 3: the public log carries one entry per run and per payment, with totals and a
# masked payer; a room's bills are not published, so no record stands for these rows.
_DETAIL = (
    "the detail behind ledger entries: the log holds each run's and payment's entry (totals,"
    " masked payer), not room-level amounts (LAW.md 3)"
)


def _unit_key(name: str) -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["community_id", "unit_id"], ["registry_unit.community_id", "registry_unit.id"], name=name
    )


def _entry_key(column: str, name: str) -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["community_id", column], ["ledger_entry.community_id", "ledger_entry.id"], name=name
    )


class Run(TenantKeyed, Base):
    """One posting of a charge item's bills for a period, with its ledger entry."""

    __tablename__ = "billing_run"
    __audit__ = not_audited(_DETAIL)

    item_id: Mapped[int]
    period: Mapped[Period] = mapped_column(PeriodType)
    issued_on: Mapped[date]
    bills: Mapped[int]
    total_fen: Mapped[Fen]
    prepaid_fen: Mapped[Fen]  # of the total, paid at once from the units' prepayments
    entry_id: Mapped[int]
    actor: Mapped[str] = mapped_column(String(80))
    run_at: Mapped[datetime]

    __table_args__ = (
        ForeignKeyConstraint(
            ["community_id", "item_id"],
            ["billing_item.community_id", "billing_item.id"],
            name="fk_billing_run_item",
        ),
        _entry_key("entry_id", "fk_billing_run_entry"),
        Index("ix_billing_run_item", "community_id", "item_id", "period"),
    )


class Bill(TenantKeyed, Base):
    """What one unit (or one lease) owes for one charge item and period."""

    __tablename__ = "billing_bill"
    __audit__ = not_audited(_DETAIL)

    item_id: Mapped[int]
    period: Mapped[Period] = mapped_column(PeriodType)
    unit_id: Mapped[int]
    lease_id: Mapped[int]  # 0: billed per unit (0, not NULL, so the unique key holds)
    run_id: Mapped[int]
    quantity: Mapped[int]  # area in hundredths of a m², or 1
    rate_fen: Mapped[Fen]
    amount_fen: Mapped[Fen]
    paid_fen: Mapped[Fen]
    issued_on: Mapped[date]
    due_on: Mapped[date]
    payer_party_id: Mapped[int | None]
    payer_name: Mapped[str] = mapped_column(String(80))

    __table_args__ = (
        UniqueConstraint("community_id", "item_id", "period", "unit_id", "lease_id"),
        ForeignKeyConstraint(
            ["community_id", "run_id"],
            ["billing_run.community_id", "billing_run.id"],
            name="fk_billing_bill_run",
        ),
        _unit_key("fk_billing_bill_unit"),
        Index("ix_billing_bill_unit", "community_id", "unit_id", "period"),
        CheckConstraint("amount_fen >= 0", name="amount"),
        CheckConstraint("paid_fen >= 0 AND paid_fen <= amount_fen", name="paid"),
    )


class Payment(TenantKeyed, Base):
    """Money received for a unit, with its ledger entry; a refund reverses that entry."""

    __tablename__ = "billing_payment"
    __audit__ = not_audited(_DETAIL)

    unit_id: Mapped[int]
    amount_fen: Mapped[Fen]
    method: Mapped[str] = mapped_column(String(16))
    reference: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime]
    entry_id: Mapped[int]
    actor: Mapped[str] = mapped_column(String(80))
    receipt_no: Mapped[int | None]  # numbered without gaps by the receipts work
    # The desk form's one-time key: a second press of "take the payment" finds the first.
    request_key: Mapped[str | None] = mapped_column(String(64))
    refund_entry_id: Mapped[int | None]
    refund_reason: Mapped[str] = mapped_column(String(200), default="")

    __table_args__ = (
        _unit_key("fk_billing_payment_unit"),
        _entry_key("entry_id", "fk_billing_payment_entry"),
        _entry_key("refund_entry_id", "fk_billing_payment_refund"),
        Index("ix_billing_payment_unit", "community_id", "unit_id"),
        UniqueConstraint("community_id", "receipt_no"),
        UniqueConstraint("community_id", "request_key"),
        CheckConstraint("amount_fen > 0", name="amount"),
    )


class Allocation(TenantKeyed, Base):
    """Part of a payment applied to a bill: at the desk (run_id NULL) or by a later run."""

    __tablename__ = "billing_allocation"
    __audit__ = not_audited(_DETAIL)

    payment_id: Mapped[int]
    bill_id: Mapped[int]
    amount_fen: Mapped[Fen]
    run_id: Mapped[int | None]  # the run that used the payment's prepayment

    __table_args__ = (
        ForeignKeyConstraint(
            ["community_id", "payment_id"],
            ["billing_payment.community_id", "billing_payment.id"],
            name="fk_billing_allocation_payment",
        ),
        ForeignKeyConstraint(
            ["community_id", "bill_id"],
            ["billing_bill.community_id", "billing_bill.id"],
            name="fk_billing_allocation_bill",
        ),
        Index("ix_billing_allocation_payment", "community_id", "payment_id"),
        Index("ix_billing_allocation_bill", "community_id", "bill_id"),
        CheckConstraint("amount_fen > 0", name="amount"),
    )
