"""Spending approvals: the community's limits, its expenses, and each member's approval.

Every step (limits set, an expense proposed, approved or refused by a member, objected to,
answered, decided, paid) appends a `governance.expense` or `governance.spending_limits`
record to the community's log; members appear there by their member number, never by name.
"""

from __future__ import annotations

from datetime import date
from datetime import datetime

from sqlalchemy import CheckConstraint
from sqlalchemy import ForeignKey
from sqlalchemy import ForeignKeyConstraint
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from sunshine.governance.rules.spending import BudgetMark
from sunshine.governance.rules.spending import Choice
from sunshine.governance.rules.spending import Emergency
from sunshine.governance.rules.spending import ExpenseState
from sunshine.governance.rules.spending import Need
from sunshine.infra.db import Base
from sunshine.infra.db import TenantKeyed
from sunshine.infra.db import audited_by
from sunshine.infra.db import not_audited
from sunshine.infra.db import str_enum
from sunshine.infra.db import unlogged
from sunshine.kernel.money import Fen

LIMITS_CHECK = "governance.spending_limits"
EXPENSE_CHECK = "governance.expense"
_SEQ = unlogged("where the record sits in the log")
_WORDS = unlogged(
    "an objection's words and times stay with the committee and the trustee; each step's"
    " record says whether one is open or answered"
)


class SpendingLimits(TenantKeyed, Base):
    """The limits in force from a day on; a later row replaces an earlier one."""

    __tablename__ = "governance_spending_limits"
    __audit__ = audited_by(LIMITS_CHECK)

    committee_id: Mapped[int]  # the committee that approves
    committee_limit: Mapped[Fen] = mapped_column("committee_limit_fen")
    vote_limit: Mapped[Fen] = mapped_column("vote_limit_fen")
    approvals_needed: Mapped[int]
    vote_accounts: Mapped[str] = mapped_column(Text, default="")  # account codes, comma separated
    exempt_accounts: Mapped[str] = mapped_column(Text, default="")
    effective_from: Mapped[date]
    set_by: Mapped[int | None] = mapped_column(
        ForeignKey("identity_user.id"), info=unlogged("who set them: staff-only")
    )
    set_at: Mapped[datetime] = mapped_column(info=unlogged("the record says from which day"))
    body: Mapped[str] = mapped_column(Text, default="")  # its record, as logged
    log_seq: Mapped[int] = mapped_column(default=0, info=_SEQ)

    __table_args__ = (
        ForeignKeyConstraint(
            ["community_id", "committee_id"],
            ["governance_committee.community_id", "governance_committee.id"],
        ),
        CheckConstraint("committee_limit_fen >= 0", name="committee_limit"),
        CheckConstraint("vote_limit_fen >= committee_limit_fen", name="vote_limit"),
        CheckConstraint("approvals_needed BETWEEN 1 AND 30", name="approvals_needed"),
    )


class Expense(TenantKeyed, Base):
    """An expense the trustee proposes, the committee decides, and the ledger pays."""

    __tablename__ = "governance_expense"
    __audit__ = audited_by(EXPENSE_CHECK)

    title: Mapped[str] = mapped_column(String(200))
    amount: Mapped[Fen] = mapped_column("amount_fen")
    account: Mapped[str] = mapped_column(String(32))  # the ledger account it is paid from
    budget_line: Mapped[str | None] = mapped_column(String(200))
    budget_mark: Mapped[BudgetMark] = mapped_column(str_enum(BudgetMark))
    # Marked over: by how much the expense takes its line past the approved amount
    over_budget: Mapped[Fen | None] = mapped_column("over_budget_fen")
    payee: Mapped[str] = mapped_column(String(200))
    vouchers: Mapped[str] = mapped_column(Text, default="")  # SHA-256s, comma separated
    need: Mapped[Need] = mapped_column(str_enum(Need))
    state: Mapped[ExpenseState] = mapped_column(str_enum(ExpenseState))
    emergency: Mapped[Emergency | None] = mapped_column(str_enum(Emergency))
    emergency_reason: Mapped[str | None] = mapped_column(Text)
    vote_ref: Mapped[str | None] = mapped_column(String(32))  # vote:V/M
    decision_id: Mapped[int | None]
    objection: Mapped[str | None] = mapped_column(Text, info=_WORDS)
    objected_by: Mapped[int | None] = mapped_column(
        ForeignKey("identity_user.id"), info=unlogged("who objected: the log says one did")
    )
    objected_at: Mapped[datetime | None] = mapped_column(info=_WORDS)
    objection_answer: Mapped[str | None] = mapped_column(Text, info=_WORDS)
    answered_at: Mapped[datetime | None] = mapped_column(info=_WORDS)
    paid_entry: Mapped[int | None]  # the ledger entry that paid it
    paid_on: Mapped[date | None]
    proposed_on: Mapped[date]
    proposed_by: Mapped[int | None] = mapped_column(
        ForeignKey("identity_user.id"), info=unlogged("who proposed it: the trustee's staff")
    )
    created_at: Mapped[datetime] = mapped_column(info=unlogged("the record says the day"))
    body: Mapped[str] = mapped_column(Text, default="")  # its latest record, as logged
    log_seq: Mapped[int] = mapped_column(default=0, info=_SEQ)

    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="amount"),
        CheckConstraint("emergency IS NULL OR emergency_reason IS NOT NULL", name="emergency"),
        Index("ix_governance_expense_state", "community_id", "state"),
    )

    @property
    def frozen(self) -> bool:
        """An objection is open: nothing moves until it is answered."""
        return self.objection is not None and self.objection_answer is None

    @property
    def voucher_list(self) -> list[str]:
        return [v for v in self.vouchers.split(",") if v]


class ExpenseApproval(TenantKeyed, Base):
    """One member's approval or refusal of an expense, with a comment."""

    __tablename__ = "governance_expense_approval"
    __audit__ = not_audited(
        "who approved is logged by member number inside the expense's record; the comment"
        " and the login stay here"
    )

    expense_id: Mapped[int]
    member_id: Mapped[int]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("identity_user.id"))
    choice: Mapped[Choice] = mapped_column(str_enum(Choice))
    comment: Mapped[str] = mapped_column(Text, default="")
    answered_on: Mapped[date]  # the day it was given (a paper answer is entered later)
    at: Mapped[datetime]  # when it was entered

    __table_args__ = (
        ForeignKeyConstraint(
            ["community_id", "expense_id"],
            ["governance_expense.community_id", "governance_expense.id"],
        ),
        ForeignKeyConstraint(
            ["community_id", "member_id"],
            ["governance_member.community_id", "governance_member.id"],
        ),
        Index(
            "uq_governance_expense_approval_member",
            "community_id",
            "expense_id",
            "member_id",
            unique=True,
        ),
    )
