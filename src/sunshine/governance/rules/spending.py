"""Spending approvals (LAW.md 2, issue 14): which expense needs whom, and when it is decided.

Pure: no database and no clock. A community sets two amounts in fen. Above the first
(`committee_limit`) an expense needs the committee's approval before it is paid; above the
second (`vote_limit`), or when it is paid from an account that always needs the owners (the
special maintenance fund: using it is art. 278 item 5), it needs an owners' vote. Routine
accounts (`exempt_accounts`: wages, water, power) need no approval whatever the amount.
Both limits are exclusive: an amount equal to a limit is not above it.

N of M: `approvals_needed` members must approve; the expense is refused as soon as so many
have refused that N approvals can no longer be reached among the M members serving.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

LAW = "LAW.md 2; 物业服务收费管理办法 arts. 11-13; 民法典 arts. 278, 281"
COST_RULE = (
    "spending above the approval limit is paid only once the expense is approved (LAW.md 2:"
    " without approval the cost is the trustee's, not the owners')"
)


class Need(StrEnum):
    NONE = "none"  # at or below the approval limit, or a routine account
    COMMITTEE = "committee"  # the committee approves, N of M
    VOTE = "vote"  # the committee approves and an owners' vote decided it


class ExpenseState(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    REFUSED = "refused"


class Choice(StrEnum):
    APPROVE = "approve"
    REFUSE = "refuse"


class BudgetMark(StrEnum):
    WITHIN = "within"  # a line of the approved budget in force, within its amount
    OVER = "over"  # a line of the budget in force, but it takes the line over its amount
    OUTSIDE = "outside"  # no line of the approved budget (预算外)
    NO_BUDGET = "no_budget"  # no approved budget in force at all


class Emergency(StrEnum):
    """The emergencies that may be paid first and approved after (民法典 art. 281; LAW.md 2)."""

    LIFT = "lift"  # 电梯故障
    FIRE = "fire"  # 消防安全
    FACADE = "facade"  # 外墙脱落
    ROOF = "roof"  # 屋面渗漏


EMERGENCY_NAMES = {
    Emergency.LIFT: ("电梯故障", "lift failure"),
    Emergency.FIRE: ("消防安全", "fire safety"),
    Emergency.FACADE: ("外墙脱落", "falling facade"),
    Emergency.ROOF: ("屋面渗漏", "roof leak"),
}


@dataclass(frozen=True, slots=True)
class Limits:
    committee_limit: int  # fen; above it the committee approves
    vote_limit: int  # fen; above it the owners vote
    approvals_needed: int  # N
    vote_accounts: frozenset[str] = frozenset()  # e.g. the maintenance fund's accounts
    exempt_accounts: frozenset[str] = frozenset()  # routine: wages, water, power
    effective_from: date = date.min

    def problems(self) -> list[str]:
        found = []
        if self.committee_limit < 0:
            found.append("the approval limit is 0 or more")
        if self.vote_limit < self.committee_limit:
            found.append("the vote limit is at least the approval limit")
        if not 1 <= self.approvals_needed <= 30:
            found.append("between 1 and 30 approvals are needed")
        if self.vote_accounts & self.exempt_accounts:
            found.append("an account cannot both need a vote and be routine")
        return found


def need_for(limits: Limits, *, amount: int, accounts: frozenset[str]) -> Need:
    """What an expense of `amount` fen, paid from `accounts`, needs under `limits`."""
    if accounts & limits.vote_accounts or amount > limits.vote_limit:
        return Need.VOTE
    gated = accounts - limits.exempt_accounts
    if gated and amount > limits.committee_limit:
        return Need.COMMITTEE
    return Need.NONE


def gated_amount(limits: Limits, debits: dict[str, int]) -> int:
    """The part of a booking's spending that the limits govern (routine accounts left out)."""
    return sum(fen for code, fen in debits.items() if code not in limits.exempt_accounts)


def standing(*, approvals: int, refusals: int, needed: int, members: int) -> ExpenseState:
    """Approved with `needed` approvals; refused once they can no longer be reached."""
    if approvals >= needed:
        return ExpenseState.APPROVED
    if members - refusals < needed:
        return ExpenseState.REFUSED
    return ExpenseState.PROPOSED


@dataclass(frozen=True, slots=True)
class LineAmounts:
    """A spending line's approved amount for the year and what was spent on it so far (fen)."""

    approved: int
    spent: int


def over_by(amount: int, line: LineAmounts) -> int:
    """How far the expense takes the line past its approved amount (0: not past it).

    Exactly at the approved amount is within the budget: only more than it is over.
    """
    return max(0, line.spent + amount - line.approved)


def budget_mark(
    line: str | None, lines: list[str], *, amount: int = 0, figures: LineAmounts | None = None
) -> tuple[BudgetMark, int | None]:
    """The expense's place in the budget, and by how much (fen) it goes over its line.

    No approved budget: NO_BUDGET; a line that is not one of its lines: OUTSIDE; a line
    whose spending so far plus the expense passes its approved amount: OVER, with the
    excess; otherwise WITHIN (also when the line's figures are unknown).
    """
    if not lines:
        return BudgetMark.NO_BUDGET, None
    if line not in lines:
        return BudgetMark.OUTSIDE, None
    excess = 0 if figures is None else over_by(amount, figures)
    return (BudgetMark.OVER, excess) if excess > 0 else (BudgetMark.WITHIN, None)
