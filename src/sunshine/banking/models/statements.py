"""Bank accounts, statement lines, matching steps and reconciliations. Keys lead with community_id.

A line is keyed by (account, date, bank reference): importing a statement again adds
nothing. A line points at most at one ledger entry, and an entry is matched by at most
one line (a partial unique index), so one payment is never counted twice.
"""

from __future__ import annotations

from datetime import date
from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import ForeignKeyConstraint
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy import text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from sunshine.infra.db import Base
from sunshine.infra.db import TenantKeyed
from sunshine.infra.db import audited_by
from sunshine.infra.db import not_audited
from sunshine.infra.db import unlogged
from sunshine.kernel.money import Fen

RECONCILIATION_CHECK = "banking.reconciliation"


class BankAccount(TenantKeyed, Base):
    """A community's bank account (its trust account), the ledger account it is booked as."""

    __tablename__ = "banking_account"
    __audit__ = not_audited(
        "a setting for staff: the reconciliations in the log name the account by id and its"
        " last four digits"
    )

    number: Mapped[str] = mapped_column(String(40))
    bank: Mapped[str] = mapped_column(String(16))  # a layout code: icbc, ccb, abc, boc, jsb
    name: Mapped[str] = mapped_column(String(120), default="")
    ledger_code: Mapped[str] = mapped_column(String(32), default="1001")
    window_days: Mapped[int] = mapped_column(default=3)

    __table_args__ = (UniqueConstraint("community_id", "number"),)


class BankLine(TenantKeyed, Base):
    """One line of a bank statement: money in positive, the balance after it."""

    __tablename__ = "banking_line"
    __audit__ = not_audited(
        "the bank's own record, kept for staff; its sums reach the log in each reconciliation"
    )

    account_id: Mapped[int]
    booked_on: Mapped[date]
    time: Mapped[str] = mapped_column(String(8), default="")
    amount: Mapped[Fen] = mapped_column("amount_fen")
    balance: Mapped[Fen] = mapped_column("balance_fen")
    counterparty: Mapped[str] = mapped_column(String(200), default="")
    counterparty_account: Mapped[str] = mapped_column(String(64), default="")
    summary: Mapped[str] = mapped_column(String(200), default="")
    reference: Mapped[str] = mapped_column(String(64))
    position: Mapped[int]  # order within its day, as the bank listed it
    entry_id: Mapped[int | None]
    matched: Mapped[str] = mapped_column(
        String(8), default=""
    )  # "", auto, manual; held: unmatched by staff
    reason: Mapped[str] = mapped_column(String(200), default="")  # explained without an entry
    imported_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("community_id", "account_id", "booked_on", "reference"),
        ForeignKeyConstraint(
            ["community_id", "account_id"], ["banking_account.community_id", "banking_account.id"]
        ),
        Index(
            "uq_banking_line_entry_id",
            "community_id",
            "entry_id",
            unique=True,
            sqlite_where=text("entry_id IS NOT NULL"),
            postgresql_where=text("entry_id IS NOT NULL"),
        ),
        Index("ix_banking_line_account_day", "community_id", "account_id", "booked_on"),
    )


class MatchStep(TenantKeyed, Base):
    """A staff member's match, unmatch or explanation of a line: who, when, what."""

    __tablename__ = "banking_match_step"
    __audit__ = not_audited("staff's working log; the reconciliation it leads to is logged")

    line_id: Mapped[int]
    action: Mapped[str] = mapped_column(String(16))  # match, unmatch, explain
    entry_id: Mapped[int | None]
    reason: Mapped[str] = mapped_column(String(200), default="")
    actor_id: Mapped[int | None]
    at: Mapped[datetime]


class Reconciliation(Base):
    """A balanced reconciliation of an account for a date, as last appended to the log (`body`)."""

    __tablename__ = "banking_reconciliation"
    __audit__ = audited_by(RECONCILIATION_CHECK)

    community_id: Mapped[int] = mapped_column(ForeignKey("registry_community.id"), primary_key=True)
    account_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    as_of: Mapped[date] = mapped_column(primary_key=True)
    body: Mapped[str] = mapped_column(Text)  # canonical JSON, as logged
    log_seq: Mapped[int] = mapped_column(info=unlogged("where the record sits in the log"))
    made_by: Mapped[int | None] = mapped_column(info=unlogged("who reconciled: staff-only"))
    made_at: Mapped[datetime] = mapped_column(info=unlogged("the record's own time stands"))

    __table_args__ = (
        ForeignKeyConstraint(
            ["community_id", "account_id"], ["banking_account.community_id", "banking_account.id"]
        ),
    )
