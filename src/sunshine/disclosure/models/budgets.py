"""Tables of the year's budget: the budget, its lines per version, decisions and comments.

Every key and index leads with community_id. Decisions (an approval or a revision, with
who, when and the decision document) and owners' comments are append-only, and the
lines of a decided version never change: the migration adds the triggers
(migrations/versions/2026_11_28_0005_disclosure_budgets.py). A draft's lines
(version 1, before approval) are replaced while the draft is edited.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint
from sqlalchemy import ForeignKey
from sqlalchemy import ForeignKeyConstraint
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from sunshine.disclosure.rules.budget import BudgetState
from sunshine.disclosure.rules.budget import LineKind
from sunshine.infra.db import Base
from sunshine.infra.db import PeriodType
from sunshine.infra.db import TenantKeyed
from sunshine.infra.db import audited_by
from sunshine.infra.db import not_audited
from sunshine.infra.db import str_enum
from sunshine.infra.db import unlogged
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period


class Budget(TenantKeyed, Base):
    """A year's budget: 12 months from `first`; `version` is the lines' version in force."""

    __tablename__ = "disclosure_budget"
    __audit__ = audited_by("disclosure.budget")

    first: Mapped[Period] = mapped_column(PeriodType)
    title: Mapped[str] = mapped_column(String(80))
    state: Mapped[BudgetState] = mapped_column(str_enum(BudgetState))
    version: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(info=unlogged("a draft is not logged"))
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("identity_user.id"), info=unlogged("who: staff-only")
    )
    opened_at: Mapped[datetime | None] = mapped_column(info=unlogged("opening is not logged"))
    opened_by: Mapped[int | None] = mapped_column(
        ForeignKey("identity_user.id"), info=unlogged("who: staff-only")
    )

    __table_args__ = (UniqueConstraint("community_id", "first"),)


class BudgetLine(Base):
    """One line of one version: a yearly amount and the account codes it covers."""

    __tablename__ = "disclosure_budget_line"
    __audit__ = audited_by("disclosure.budget")  # of the versions put in force

    community_id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    number: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name_zh: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80), default="")
    kind: Mapped[LineKind] = mapped_column(str_enum(LineKind))
    amount: Mapped[Fen] = mapped_column("amount_fen")
    accounts: Mapped[str] = mapped_column(String(200))  # codes, comma-separated
    recurring: Mapped[bool] = mapped_column(default=True)
    note: Mapped[str] = mapped_column(String(200), default="")

    __table_args__ = (
        CheckConstraint("amount_fen >= 0", name="non_negative"),
        # Named by hand: the convention's names pass PostgreSQL's 63-character limit.
        ForeignKeyConstraint(
            ["community_id", "budget_id"],
            ["disclosure_budget.community_id", "disclosure_budget.id"],
            name="fk_disclosure_budget_line_budget",
        ),
    )


class BudgetDecision(Base):
    """Who made a version binding, when, why and on what document. Append-only.

    Version 1's decision is the approval; every later version's is a revision with its
    reason. `decision_sha256` names a ledger voucher (the signed decision document); a
    later issue links the decision to the owners' vote.
    """

    __tablename__ = "disclosure_budget_decision"
    __audit__ = audited_by("disclosure.budget")

    community_id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    reason: Mapped[str] = mapped_column(Text, default="")
    decision_sha256: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime] = mapped_column(info=unlogged("the record's own time stands"))
    decided_by: Mapped[int | None] = mapped_column(
        ForeignKey("identity_user.id"), info=unlogged("who: staff-only")
    )

    __table_args__ = (
        ForeignKeyConstraint(
            ["community_id", "budget_id"],
            ["disclosure_budget.community_id", "disclosure_budget.id"],
            name="fk_disclosure_budget_decision_budget",
        ),
        ForeignKeyConstraint(
            ["community_id", "decision_sha256"],
            ["ledger_voucher.community_id", "ledger_voucher.sha256"],
            name="fk_disclosure_budget_decision_voucher",
        ),
    )


class BudgetComment(TenantKeyed, Base):
    """An owner's comment on a line. Append-only; published without the author (LAW.md 3).

    `author_id` is kept so that abuse can be traced and an author can see their own
    comments; no public page or API returns it.
    """

    __tablename__ = "disclosure_budget_comment"
    __audit__ = not_audited("owners' comments are kept append-only, not logged")

    budget_id: Mapped[int]
    version: Mapped[int]
    line_number: Mapped[int]
    author_id: Mapped[int] = mapped_column(ForeignKey("identity_user.id"))
    body: Mapped[str] = mapped_column(Text)
    posted_at: Mapped[datetime]

    __table_args__ = (
        ForeignKeyConstraint(
            ["community_id", "budget_id", "version", "line_number"],
            [
                "disclosure_budget_line.community_id",
                "disclosure_budget_line.budget_id",
                "disclosure_budget_line.version",
                "disclosure_budget_line.number",
            ],
            name="fk_disclosure_budget_comment_line",
        ),
        Index("ix_disclosure_budget_comment_budget", "community_id", "budget_id", "posted_at"),
    )
