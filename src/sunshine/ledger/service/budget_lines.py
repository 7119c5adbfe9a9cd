"""The budget lines an entry may be booked against, for the booking form's choice.

Budgets belong to disclosure, which sits above the ledger, so the ledger cannot read them:
disclosure installs the source here when it loads (`use_budget_lines`), as it registers its
notice sections. Without one (a CLI run of the ledger alone) there are no lines to offer.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from sunshine.kernel.periods import Period

BudgetLines = Callable[[Session, int, Period], list[str]]
_source: list[BudgetLines] = []


def use_budget_lines(source: BudgetLines) -> None:
    """Install where the lines of the budget in force come from (disclosure does, once)."""
    _source[:] = [source]


def budget_lines(session: Session, community_id: int, period: Period) -> list[str]:
    """The names of the lines of the budget in force in `period`, in the budget's order."""
    return _source[0](session, community_id, period) if _source else []
