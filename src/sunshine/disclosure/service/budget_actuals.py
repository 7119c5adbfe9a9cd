"""Budget vs actual from the ledger, the projected year-end result, the notice's section.

By line, for a month (or a span) and for the year to date.

Actual figures come from `ledger.service.income_and_spending` (income and expense
accounts' movements, on their normal side); the arithmetic is in `rules.budget`. The
lines compared are the version in force (or the draft's, for a budget not yet approved).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from sunshine.disclosure.models.budgets import Budget
from sunshine.disclosure.rules import budget as rules
from sunshine.disclosure.rules import budget_figures as figures
from sunshine.disclosure.service.budgets import find_budget_for
from sunshine.disclosure.service.budgets import lines_of
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.kernel.sections import CellKind
from sunshine.kernel.sections import Column
from sunshine.kernel.sections import Section
from sunshine.ledger import rules as ledger_rules
from sunshine.ledger import service as ledger

SECTION_KEY = "budget"
_STATE_ZH = {
    rules.BudgetState.DRAFT: "草案",
    rules.BudgetState.OPEN: "征求意见中",
    rules.BudgetState.APPROVED: "已批准",
    rules.BudgetState.REVISED: "已调整",
}


def actuals(
    session: Session, community_id: int, *, first: Period, last: Period
) -> list[figures.AccountActual]:
    """Each income and expense account's movement in months first..last."""
    report = ledger.income_and_spending(session, community_id, first=first, last=last)
    return [
        figures.AccountActual(
            code=row.account.code,
            name_zh=row.account.name_zh,
            name_en=row.account.name_en,
            kind=(
                rules.LineKind.INCOME
                if row.account.kind is ledger_rules.AccountKind.INCOME
                else rules.LineKind.SPENDING
            ),
            amount=row.natural,
        )
        for row in (*report.income, *report.spending)
    ]


def compare_budget(
    session: Session, budget: Budget, *, first: Period, last: Period | None = None
) -> figures.Comparison:
    """Budget vs actual by line for months first..last (default: one month) and the year to last."""
    last = last or first
    cid = budget.community_id
    year_end = min(last, rules.last_period(budget.first))
    return figures.compare(
        lines_of(session, cid, budget.id),
        year_first=budget.first,
        span=(first, last),
        actual=actuals(session, cid, first=first, last=last),
        actual_ytd=actuals(session, cid, first=budget.first, last=year_end),
    )


def project_budget(session: Session, budget: Budget, *, today: date) -> figures.Projection:
    """The year's projected result as of the end of the last complete month before `today`.

    The method is `rules.budget.project_line`'s: recurring income at the average of the
    months elapsed, recurring spending at the budget's monthly rate, once-a-year lines at
    the larger of budget and actual, and a year that has ended at its actual figures.
    """
    elapsed = rules.elapsed_months(budget.first, today)
    to_date = (
        actuals(
            session, budget.community_id, first=budget.first, last=budget.first.shift(elapsed - 1)
        )
        if elapsed
        else []
    )
    return figures.project(
        lines_of(session, budget.community_id, budget.id),
        first=budget.first,
        elapsed=elapsed,
        actual_to_date=to_date,
    )


def budget_section(
    session: Session, community_id: int, first: Period, last: Period
) -> Section | None:
    """The notice's budget-vs-actual table for months first..last, or None without a budget.

    Only a budget in force (approved or revised) whose year holds `last` is shown; the
    year-to-date columns run from the budget's first month to `last`. Money cells are
    integer fen; the table names no person.
    """
    budget = find_budget_for(session, community_id, last)
    if budget is None:
        return None
    comparison = compare_budget(session, budget, first=max(first, budget.first), last=last)
    rows: list[tuple[str | int, ...]] = []
    for kind in (rules.LineKind.INCOME, rules.LineKind.SPENDING):
        rows.extend(_cells(row) for row in comparison.of(kind))
        rows.append(_cells(comparison.total(kind)))
    return Section(
        key=SECTION_KEY,
        title_zh="预算执行情况",
        title_en="Budget vs actual",
        columns=(
            Column("line", "预算项目", "Budget line", lang="zh"),
            Column("budget", "本期预算", "Budget for the period", CellKind.FEN),
            Column("actual", "本期实际", "Actual", CellKind.FEN),
            Column("budget_ytd", "年度累计预算", "Budget, year to date", CellKind.FEN),
            Column("actual_ytd", "年度累计实际", "Actual, year to date", CellKind.FEN),
            Column("line_en", "预算项目", "Budget line", lang="en"),
        ),
        rows=tuple(rows),
        note_zh=(
            f"{budget.title}：{budget.first} 至 {rules.last_period(budget.first)}，"
            f"第 {budget.version} 版（{_STATE_ZH[budget.state]}）；年度累计自 {budget.first} 起。"
        ),
        note_en=(
            f"{budget.title}: {budget.first} to {rules.last_period(budget.first)}, "
            f"version {budget.version} ({budget.state}); year to date from {budget.first}."
        ),
    )


def _cells(row: figures.Row) -> tuple[str | int, ...]:
    fens = (_fen(v) for v in (row.budget, row.actual, row.budget_ytd, row.actual_ytd))
    return (row.name_zh, *fens, row.name_en or row.name_zh)


def _fen(amount: Fen) -> int:
    return amount.value
