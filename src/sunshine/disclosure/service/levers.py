"""The "close the gap" use case: the projected year's result with the committee's levers applied.

The arithmetic and the art. 278 item each lever needs are in `rules.levers`; this module
reads what they need from the books and the registry: the projection, the visitor
parking income it holds, the budget's spending lines and the number of households.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from sunshine.disclosure.models.budgets import Budget
from sunshine.disclosure.rules import budget as budget_rules
from sunshine.disclosure.rules import budget_figures as figures
from sunshine.disclosure.rules import levers as rules
from sunshine.disclosure.service.budget_actuals import actuals
from sunshine.disclosure.service.budget_actuals import project_budget
from sunshine.disclosure.service.budgets import lines_of
from sunshine.kernel.errors import Invalid
from sunshine.kernel.money import ZERO
from sunshine.kernel.money import Fen
from sunshine.ledger import rules as ledger_rules
from sunshine.registry import rules as registry_rules
from sunshine.registry import service as registry

VISITOR_PARKING_CODES = tuple(
    t.code for t in ledger_rules.CHART if t.category is ledger_rules.Category.VISITOR_PARKING
)


def households(session: Session, community_id: int) -> int:
    """The community's residential units: the default number of households a fee applies to."""
    return sum(
        1
        for unit in registry.list_units(session, community_id)
        if unit.use is registry_rules.UnitUse.RESIDENTIAL
    )


def spending_lines(session: Session, budget: Budget) -> dict[int, Fen]:
    """The budget's spending lines in force: number → yearly amount (a cut's limit)."""
    lines = lines_of(session, budget.community_id, budget.id)
    return {
        number: line.amount
        for number, line in enumerate(lines, start=1)
        if line.kind is budget_rules.LineKind.SPENDING
    }


def _visitor_income(session: Session, budget: Budget, projection: figures.Projection) -> Fen:
    """Visitor parking income in the projected year, which new visitor charges replace.

    A line of visitor parking alone counts with its projection; a line that mixes it with
    other income (say, all parking) cannot be split, so the visitor accounts' own actual
    income so far stands in for it (never the rent the line also holds).
    """
    total, mixed = ZERO, False
    for row in projection.of(budget_rules.LineKind.INCOME):
        if not any(row.covers(code) for code in VISITOR_PARKING_CODES):
            continue
        if all(mapped.startswith(VISITOR_PARKING_CODES) for mapped in row.accounts):
            total += row.projected
        else:
            mixed = True
    if mixed and projection.elapsed:
        last = budget.first.shift(projection.elapsed - 1)
        total += sum(
            (
                a.amount
                for a in actuals(session, budget.community_id, first=budget.first, last=last)
                if a.code.startswith(VISITOR_PARKING_CODES)
            ),
            ZERO,
        )
    return total


def close_the_gap(
    session: Session, budget: Budget, levers: rules.Levers, *, today: date
) -> tuple[figures.Projection, rules.Gap]:
    """The year's projection, and its result with the levers' yearly effects added."""
    if problems := rules.lever_problems(levers, spending_lines=spending_lines(session, budget)):
        raise Invalid("the levers cannot be worked out", problems=problems)
    projection = project_budget(session, budget, today=today)
    visitor_now = _visitor_income(session, budget, projection)
    gap = rules.close_the_gap(projection.projected_result, levers, visitor_now=visitor_now)
    return projection, gap
