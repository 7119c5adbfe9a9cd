"""The budget lines an entry may be booked against: the booking form's choice and the check.

Budgets belong to disclosure, which sits above the ledger, so the ledger cannot read them:
the app factory and the root CLI install disclosure's source here (`use_budget_lines`),
as they install the community lookup. Without one there is no approved budget to book
against, so an entry that names a budget line is refused.

The check is here, in the service every edge books through (page, JSON API, CLI), not
in the page's select: a form is only one way in.

The same port tells, for one spending line, its approved amount for the year and what has
been spent on it in the year up to a month (`line_figures`, installed with
`use_line_figures`): governance marks an expense that would take a line over its amount.
Without a source there are no figures, and nothing is marked over.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from sunshine.kernel.errors import Problem
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period


@dataclass(frozen=True, slots=True)
class LineFigures:
    """A spending line of the budget in force: its amount for the year and spent so far."""

    line: str
    approved: Fen  # the line's amount for the budget's year, as approved (or revised)
    spent: Fen  # actual spending on the line from the year's first month to the month asked


BudgetLines = Callable[[Session, int, Period], list[str]]
LineFiguresSource = Callable[[Session, int, Period, str], LineFigures | None]
_source: list[BudgetLines] = []
_figures: list[LineFiguresSource] = []
_Known = dict[Period, frozenset[str]]


def use_budget_lines(source: BudgetLines) -> None:
    """Install where the lines of the budget in force come from (disclosure does, once)."""
    _source[:] = [source]


def budget_lines(session: Session, community_id: int, period: Period) -> list[str]:
    """The names of the lines of the budget in force in `period`, in the budget's order."""
    return _source[0](session, community_id, period) if _source else []


def use_line_figures(source: LineFiguresSource) -> None:
    """Install where a line's approved amount and spending come from (disclosure does, once)."""
    _figures[:] = [source]


def line_figures(
    session: Session, community_id: int, period: Period, line: str
) -> LineFigures | None:
    """The approved amount of `line` for the year holding `period`, and spending so far.

    Spending runs to the end of `period`; None when `line` is not a spending line of the
    budget in force (or no source is installed).
    """
    return _figures[0](session, community_id, period, line) if _figures else None


def budget_line_problem(
    session: Session, community_id: int, line: str | None, period: Period, known: _Known
) -> Problem | None:
    """Why `line` may not be booked in `period` (not a line of its approved budget), or None.

    `known` keeps each period's lines for the rest of a batch.
    """
    if line is None:
        return None
    if period not in known:
        known[period] = frozenset(budget_lines(session, community_id, period))
    if line in known[period]:
        return None
    return Problem(
        "unknown_budget_line",
        "'{line}' is not a line of the approved budget for {period}",
        {"line": line, "period": str(period)},
        "budget_line",
    )
