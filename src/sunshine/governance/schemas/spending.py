"""API shapes of spending approvals: an expense as the community reads it, and its inputs."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel
from pydantic import Field

from sunshine.governance.models import Expense
from sunshine.governance.models import ExpenseApproval
from sunshine.governance.models import SpendingLimits
from sunshine.governance.rules.spending import Choice
from sunshine.governance.rules.spending import Emergency
from sunshine.infra.inputs import RowId

Text200 = Annotated[str, Field(max_length=200)]
Text1000 = Annotated[str, Field(max_length=1000)]
Yuan = Annotated[str, Field(max_length=20, examples=["4100.00"])]


class AnswerRead(BaseModel):
    member: int  # the member's number, as the log names members
    choice: str
    comment: str
    answered_on: date  # the day it was given
    entered_at: datetime  # when it was entered (later, for an answer given on paper)

    @classmethod
    def from_model(cls, row: ExpenseApproval) -> AnswerRead:
        return cls(
            member=row.member_id,
            choice=row.choice.value,
            comment=row.comment,
            answered_on=row.answered_on,
            entered_at=row.at,
        )


class ExpenseRead(BaseModel):
    id: int
    title: str
    amount: str  # yuan, as "4,100.00"
    amount_fen: int
    account: str
    budget_line: str | None
    budget: str  # within, over, outside, no_budget
    over_budget_fen: int | None  # marked over: by how much it passes its line's amount
    payee: str
    vouchers: list[str]
    need: str  # none, committee, vote
    state: str  # proposed, approved, refused
    frozen: bool
    objection: str | None
    objection_answer: str | None
    emergency: str | None
    emergency_reason: str | None
    vote: str | None
    decision: int | None
    paid_entry: int | None
    paid_on: date | None
    proposed_on: date
    log_seq: int
    answers: list[AnswerRead]

    @classmethod
    def from_model(cls, row: Expense, answers: list[ExpenseApproval]) -> ExpenseRead:
        return cls(
            id=row.id, title=row.title, amount=str(row.amount), amount_fen=row.amount.value,
            account=row.account, budget_line=row.budget_line, budget=row.budget_mark.value,
            over_budget_fen=None if row.over_budget is None else row.over_budget.value,
            payee=row.payee, vouchers=row.voucher_list, need=row.need.value,
            state=row.state.value, frozen=row.frozen, objection=row.objection,
            objection_answer=row.objection_answer,
            emergency=None if row.emergency is None else row.emergency.value,
            emergency_reason=row.emergency_reason, vote=row.vote_ref, decision=row.decision_id,
            paid_entry=row.paid_entry, paid_on=row.paid_on, proposed_on=row.proposed_on,
            log_seq=row.log_seq, answers=[AnswerRead.from_model(a) for a in answers],
        )  # fmt: skip


class ExpenseIn(BaseModel):
    title: Text200
    amount: Yuan
    account: Annotated[str, Field(max_length=32)]
    payee: Text200
    proposed_on: date | None = None
    budget_line: Text200 | None = None
    vouchers: list[Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]] = Field(
        default_factory=list, max_length=20
    )
    emergency: Emergency | None = None
    emergency_reason: Text1000 = ""
    vote: Annotated[str, Field(max_length=32)] | None = None


class AnswerIn(BaseModel):
    choice: Choice
    comment: Text1000 = ""


class TextIn(BaseModel):
    text: Text1000


class VoteIn(BaseModel):
    vote: Annotated[str, Field(max_length=32, examples=["vote:3/1"])]


class PayIn(BaseModel):
    booked_on: date | None = None


class LimitsRead(BaseModel):
    id: int
    committee: int
    committee_limit: str
    vote_limit: str
    approvals_needed: int
    vote_accounts: list[str]
    exempt_accounts: list[str]
    effective_from: date

    @classmethod
    def from_model(cls, row: SpendingLimits) -> LimitsRead:
        return cls(
            id=row.id, committee=row.committee_id, committee_limit=str(row.committee_limit),
            vote_limit=str(row.vote_limit), approvals_needed=row.approvals_needed,
            vote_accounts=[c for c in row.vote_accounts.split(",") if c],
            exempt_accounts=[c for c in row.exempt_accounts.split(",") if c],
            effective_from=row.effective_from,
        )  # fmt: skip


class LimitsIn(BaseModel):
    committee: RowId
    committee_limit: Yuan
    vote_limit: Yuan
    approvals_needed: Annotated[int, Field(ge=1, le=30)]
    vote_accounts: list[Annotated[str, Field(max_length=32)]] = Field(default_factory=list)
    exempt_accounts: list[Annotated[str, Field(max_length=32)]] = Field(default_factory=list)
    effective_from: date | None = None
