"""JSON shapes the budget's API answers with: a budget and its versions, comments, figures.

Money is a yuan string with two decimals next to the same amount in integer fen
(`*_fen`), never a float. A comment's author is never part of any shape here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from datetime import datetime

from pydantic import BaseModel

from sunshine.disclosure.models.budgets import Budget
from sunshine.disclosure.models.budgets import BudgetDecision
from sunshine.disclosure.rules import budget as rules
from sunshine.disclosure.rules import budget_figures as figures
from sunshine.disclosure.rules import levers as lever_rules
from sunshine.disclosure.service.budgets import PublicComment

# --- JSON out --------------------------------------------------------------------------


class LineRead(BaseModel):
    number: int
    name_zh: str
    name_en: str
    kind: rules.LineKind
    amount: str
    amount_fen: int
    accounts: list[str]
    recurring: bool
    note: str

    @classmethod
    def from_line(cls, number: int, line: rules.LineDraft) -> LineRead:
        return cls(
            number=number,
            name_zh=line.name_zh,
            name_en=line.name_en,
            kind=line.kind,
            amount=line.amount.plain(),
            amount_fen=line.amount.value,
            accounts=list(line.accounts),
            recurring=line.recurring,
            note=line.note,
        )


class DecisionRead(BaseModel):
    version: int
    reason: str
    decision_sha256: str | None
    decided_at: datetime
    decided_by: int | None  # a committee member acting in office, not a private opinion

    @classmethod
    def from_model(cls, decision: BudgetDecision) -> DecisionRead:
        return cls(
            version=decision.version,
            reason=decision.reason,
            decision_sha256=decision.decision_sha256,
            decided_at=decision.decided_at,
            decided_by=decision.decided_by,
        )


class CommentRead(BaseModel):
    """A comment as published: no author (LAW.md 3)."""

    id: int
    version: int
    line: int
    body: str
    posted_on: date
    mine: bool

    @classmethod
    def from_comment(cls, comment: PublicComment) -> CommentRead:
        return cls(
            id=comment.id,
            version=comment.version,
            line=comment.line_number,
            body=comment.body,
            posted_on=comment.posted_on,
            mine=comment.mine,
        )


class BudgetRead(BaseModel):
    id: int
    first: str
    last: str
    title: str
    state: rules.BudgetState
    version: int
    lines: list[LineRead]
    decisions: list[DecisionRead]

    @classmethod
    def from_model(
        cls,
        budget: Budget,
        lines: Sequence[rules.LineDraft],
        decisions: Sequence[BudgetDecision],
    ) -> BudgetRead:
        return cls(
            id=budget.id,
            first=str(budget.first),
            last=str(rules.last_period(budget.first)),
            title=budget.title,
            state=budget.state,
            version=budget.version,
            lines=[LineRead.from_line(n, line) for n, line in enumerate(lines, start=1)],
            decisions=[DecisionRead.from_model(d) for d in decisions],
        )


class RowRead(BaseModel):
    line: int | None
    name_zh: str
    name_en: str
    kind: rules.LineKind
    budget_fen: int
    actual_fen: int
    budget_ytd_fen: int
    actual_ytd_fen: int

    @classmethod
    def from_row(cls, row: figures.Row) -> RowRead:
        return cls(
            line=row.number,
            name_zh=row.name_zh,
            name_en=row.name_en,
            kind=row.kind,
            budget_fen=row.budget.value,
            actual_fen=row.actual.value,
            budget_ytd_fen=row.budget_ytd.value,
            actual_ytd_fen=row.actual_ytd.value,
        )


class ComparisonRead(BaseModel):
    first: str
    last: str
    year_first: str
    rows: list[RowRead]

    @classmethod
    def from_comparison(cls, comparison: figures.Comparison) -> ComparisonRead:
        return cls(
            first=str(comparison.first),
            last=str(comparison.last),
            year_first=str(comparison.year_first),
            rows=[RowRead.from_row(r) for r in comparison.rows],
        )


class ProjectedRead(BaseModel):
    line: int | None
    name_zh: str
    name_en: str
    kind: rules.LineKind
    budget_fen: int
    actual_fen: int
    projected_fen: int


class ProjectionRead(BaseModel):
    first: str
    elapsed_months: int
    through: str | None
    rows: list[ProjectedRead]
    income_budget_fen: int
    spending_budget_fen: int
    income_projected_fen: int
    spending_projected_fen: int
    budget_result_fen: int
    projected_result_fen: int

    @classmethod
    def from_projection(cls, p: figures.Projection) -> ProjectionRead:
        income, spending = rules.LineKind.INCOME, rules.LineKind.SPENDING
        return cls(
            first=str(p.first),
            elapsed_months=p.elapsed,
            through=str(p.through) if p.through else None,
            rows=[
                ProjectedRead(
                    line=r.number,
                    name_zh=r.name_zh,
                    name_en=r.name_en,
                    kind=r.kind,
                    budget_fen=r.budget.value,
                    actual_fen=r.actual.value,
                    projected_fen=r.projected.value,
                )
                for r in p.rows
            ],
            income_budget_fen=p.budget_total(income).value,
            spending_budget_fen=p.budget_total(spending).value,
            income_projected_fen=p.projected_total(income).value,
            spending_projected_fen=p.projected_total(spending).value,
            budget_result_fen=p.budget_result.value,
            projected_result_fen=p.projected_result.value,
        )


class EffectRead(BaseModel):
    lever: lever_rules.Lever
    name_zh: str
    name_en: str
    yearly_fen: int
    vote_item: int | None  # Civil Code art. 278 item; None: no owners' vote needed
    threshold_en: str | None


class GapRead(BaseModel):
    before_fen: int
    after_fen: int
    effects: list[EffectRead]
    vote_items: list[int]

    @classmethod
    def from_gap(cls, gap: lever_rules.Gap) -> GapRead:
        return cls(
            before_fen=gap.before.value,
            after_fen=gap.after.value,
            effects=[
                EffectRead(
                    lever=e.lever,
                    name_zh=e.name_zh,
                    name_en=e.name_en,
                    yearly_fen=e.yearly.value,
                    vote_item=e.vote.item if e.vote else None,
                    threshold_en=e.vote.threshold_en if e.vote else None,
                )
                for e in gap.effects
            ],
            vote_items=[v.item for v in gap.votes],
        )
