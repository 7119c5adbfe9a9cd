"""The lines of the budget in force, for the ledger's booking form (installed by the app)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from sunshine.disclosure.service.budgets import find_budget_for
from sunshine.disclosure.service.budgets import lines_of
from sunshine.kernel.periods import Period


def line_names(session: Session, community_id: int, period: Period) -> list[str]:
    """The names of the lines of the approved budget in force in `period` (none: none)."""
    budget = find_budget_for(session, community_id, period)
    if budget is None:
        return []
    return [line.name_zh for line in lines_of(session, community_id, budget.id)]
