"""Collecting what is owed: receipts and their counter, the community's terms, reminders.

A receipt's number comes from the community's counter row, locked (SELECT … FOR UPDATE
on PostgreSQL; SQLite's one writer) in the payment's own transaction: two payments at
once take consecutive numbers, and a rolled-back payment gives its number back with its
transaction, so numbers never skip. A refund does not free a number: the receipt stays,
shown as refunded (its payment carries the refund's entry).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint
from sqlalchemy import ForeignKey
from sqlalchemy import ForeignKeyConstraint
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from sunshine.billing.rules.income import IncomeBasis
from sunshine.infra.db import Base
from sunshine.infra.db import TenantKeyed
from sunshine.infra.db import not_audited
from sunshine.infra.db import str_enum
from sunshine.kernel.money import Fen


class ReceiptCounter(Base):
    """The last receipt number a community has issued."""

    __tablename__ = "billing_receipt_counter"
    __audit__ = not_audited("a counter; each receipt's payment is logged as its ledger entry")

    community_id: Mapped[int] = mapped_column(ForeignKey("registry_community.id"), primary_key=True)
    last_no: Mapped[int]

    __table_args__ = (CheckConstraint("last_no >= 0", name="last_no"),)


class Receipt(Base):
    """The receipt of one payment: its number, what it ties to in the log, its check code."""

    __tablename__ = "billing_receipt"
    __audit__ = not_audited(
        "the receipt restates a payment whose ledger entry is logged (the check code ties"
        " the two); its payer is personal data and stays out of the log (LAW.md 3)"
    )

    community_id: Mapped[int] = mapped_column(ForeignKey("registry_community.id"), primary_key=True)
    number: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    payment_id: Mapped[int]
    entry_id: Mapped[int]
    amount_fen: Mapped[Fen]
    issued_at: Mapped[datetime]
    check_code: Mapped[str] = mapped_column(String(16))

    __table_args__ = (
        UniqueConstraint("community_id", "payment_id"),
        ForeignKeyConstraint(
            ["community_id", "payment_id"],
            ["billing_payment.community_id", "billing_payment.id"],
            name="fk_billing_receipt_payment",
        ),
        CheckConstraint("number > 0", name="number"),
    )


class Terms(Base):
    """A community's collection terms: its trust contract's late-fee clause, its publicity.

    No clause (`late_fee_bp` 0): late fees are 0. A clause is stored as written: a daily
    rate in basis points of what is owed (万分之), from which day past the due date, and a
    cap in basis points of what is owed, if the contract sets one. `income_on` says when
    billed money becomes income (rules.income): fixed once the community has bills.
    """

    __tablename__ = "billing_terms"
    __audit__ = not_audited(
        "a setting; late fees are computed for letters and pages, never booked, and the"
        " clause is quoted with its contract reference wherever a fee is shown"
    )

    community_id: Mapped[int] = mapped_column(ForeignKey("registry_community.id"), primary_key=True)
    late_fee_bp: Mapped[int] = mapped_column(default=0)  # per day, in 1/10,000 of what is owed
    late_fee_from_day: Mapped[int] = mapped_column(default=1)
    late_fee_cap_bp: Mapped[int | None]
    clause_ref: Mapped[str] = mapped_column(String(200), default="")
    # LAW.md 3: public figures name no room unless the community has decided they may.
    public_rooms: Mapped[bool] = mapped_column(default=False)
    income_on: Mapped[IncomeBasis] = mapped_column(
        str_enum(IncomeBasis), default=IncomeBasis.BILLED, server_default=IncomeBasis.BILLED.value
    )

    __table_args__ = (
        CheckConstraint("late_fee_bp BETWEEN 0 AND 10000", name="late_fee_bp"),
        CheckConstraint("late_fee_from_day >= 1", name="late_fee_from_day"),
        CheckConstraint("late_fee_cap_bp IS NULL OR late_fee_cap_bp >= 0", name="late_fee_cap"),
        CheckConstraint("income_on IN ('billed', 'collected')", name="income_on"),
    )


class Reminder(TenantKeyed, Base):
    """One reminder sent (by text message) or printed (a letter) for a unit's arrears."""

    __tablename__ = "billing_reminder"
    __audit__ = not_audited("who was reminded of what they owe is personal data (LAW.md 3)")

    unit_id: Mapped[int]
    party_id: Mapped[int | None]
    channel: Mapped[str] = mapped_column(String(8))  # "sms" or "letter"
    owed_fen: Mapped[Fen]
    sent_at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(80))

    __table_args__ = (
        ForeignKeyConstraint(
            ["community_id", "unit_id"],
            ["registry_unit.community_id", "registry_unit.id"],
            name="fk_billing_reminder_unit",
        ),
        Index("ix_billing_reminder_unit", "community_id", "unit_id", "sent_at"),
        CheckConstraint("channel IN ('sms', 'letter')", name="channel"),
    )
