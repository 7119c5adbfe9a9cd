"""The budget in force, for the ledger's port (installed by the app and the root CLI).

The names of its lines, for the booking form; and a spending line's figures (its amount
for the year, spent so far), for governance's expenses.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from sunshine.disclosure.rules.budget import LineKind
from sunshine.disclosure.service.budget_actuals import compare_budget
from sunshine.disclosure.service.budgets import find_budget_for
from sunshine.disclosure.service.budgets import lines_of
from sunshine.kernel.periods import Period
from sunshine.ledger.service import LineFigures


def line_names(session: Session, community_id: int, period: Period) -> list[str]:
    """The names of the lines of the approved budget in force in `period` (none: none)."""
    budget = find_budget_for(session, community_id, period)
    if budget is None:
        return []
    return [line.name_zh for line in lines_of(session, community_id, budget.id)]


def line_figures(
    session: Session, community_id: int, period: Period, line: str
) -> LineFigures | None:
    """The spending line `line` of the budget in force in `period`, with its figures.

    Its approved amount for the year and the actual spending on its accounts from the
    year's first month to `period` (budget vs actual's year to date). None: no budget in
    force, or no spending line of that name.
    """
    budget = find_budget_for(session, community_id, period)
    if budget is None:
        return None
    comparison = compare_budget(session, budget, first=period)
    for number, drafted in enumerate(lines_of(session, community_id, budget.id), start=1):
        if drafted.name_zh != line or drafted.kind is not LineKind.SPENDING:
            continue
        row = next(r for r in comparison.rows if r.number == number)
        return LineFigures(line=line, approved=drafted.amount, spent=row.actual_ytd)
    return None
