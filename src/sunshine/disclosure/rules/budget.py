"""The year's budget as pure values: its states, its lines, their months.

A budget covers 12 periods from its first month. Each line has a yearly amount and is
mapped to ledger accounts by code; a ledger account belongs to the line that maps its
code or a parent of it (the chart's sub-accounts extend their parent's code: 660801 is
under 6608). No account may belong to two lines of one version, so nothing is counted
twice. A line's yearly amount is spread over the 12 months in equal parts, without
losing a fen (`Fen.allocate`, the earlier months take the leftover fen).

States (开放式预算, the open budget):

    draft --open--> open --approve--> approved --revise--> revised --revise--> revised

Lines are edited only in a draft; owners comment only while the budget is open; a
revision writes a new version of the lines with its reason, and every version stays.

Budget vs actual and the projection are in `budget_figures`. Nothing here reads the
clock or the database: "today" comes in as a date.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sunshine.kernel.errors import Problem
from sunshine.kernel.masking import looks_personal
from sunshine.kernel.money import ZERO
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period

YEAR_MONTHS = 12
MAX_LINES = 60
NAME_LENGTH = 80
NOTE_LENGTH = 200
TITLE_LENGTH = 80
COMMENT_LENGTH = 1000
REASON_LENGTH = 500
CODES_LENGTH = 200
MAX_YEARLY = Fen(10**12)  # ten billion yuan a year: far beyond any community
# LAW.md 3: public text must hold no phone or resident ID numbers.


class BudgetState(StrEnum):
    DRAFT = "draft"
    OPEN = "open"  # open for owners' comments
    APPROVED = "approved"
    REVISED = "revised"  # approved, then revised at least once

    @property
    def in_force(self) -> bool:
        """Whether the budget binds spending (approved, as first approved or as revised)."""
        return self in {BudgetState.APPROVED, BudgetState.REVISED}


class Step(StrEnum):
    EDIT = "edit"
    OPEN = "open"
    COMMENT = "comment"
    APPROVE = "approve"
    REVISE = "revise"


# Which states each step may start from, and the state it leaves the budget in.
_FROM: dict[Step, frozenset[BudgetState]] = {
    Step.EDIT: frozenset({BudgetState.DRAFT}),
    Step.OPEN: frozenset({BudgetState.DRAFT}),
    Step.COMMENT: frozenset({BudgetState.OPEN}),
    Step.APPROVE: frozenset({BudgetState.OPEN}),
    Step.REVISE: frozenset({BudgetState.APPROVED, BudgetState.REVISED}),
}
_TO: dict[Step, BudgetState | None] = {
    Step.EDIT: None,
    Step.OPEN: BudgetState.OPEN,
    Step.COMMENT: None,
    Step.APPROVE: BudgetState.APPROVED,
    Step.REVISE: BudgetState.REVISED,
}


def N_(message: str) -> str:  # noqa: N802 - the gettext marker the catalog extractor knows
    """Mark a message for translation where it is defined; the edges translate it."""
    return message


_REFUSED: dict[Step, str] = {
    Step.EDIT: N_("only a draft budget's lines can be edited"),
    Step.OPEN: N_("only a draft budget can be opened for comments"),
    Step.COMMENT: N_("owners comment only while the budget is open for comments"),
    Step.APPROVE: N_("only a budget open for comments can be approved"),
    Step.REVISE: N_("only an approved budget can be revised"),
}


def step_problems(state: BudgetState, step: Step) -> list[Problem]:
    """Why `step` may not be taken from `state` (empty: it may)."""
    if state in _FROM[step]:
        return []
    return [Problem("budget_state", _REFUSED[step], {"state": str(state)}, where="state")]


def after(state: BudgetState, step: Step) -> BudgetState:
    """The state `step` leaves a budget in (check `step_problems` first)."""
    if step_problems(state, step):
        raise ValueError(f"{step} is not allowed from {state}")
    return _TO[step] or state


class LineKind(StrEnum):
    INCOME = "income"
    SPENDING = "spending"


@dataclass(frozen=True, slots=True)
class LineDraft:
    """One line of a budget: what it is, its amount for the year, the accounts it covers.

    `recurring` lines come in or go out every month (parking rent, wages); the others
    once or a few times a year (the garbage fee, insurance). It decides the projection.
    """

    name_zh: str
    name_en: str
    kind: LineKind
    amount: Fen  # for the whole year
    accounts: tuple[str, ...]
    recurring: bool = True
    note: str = ""

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" and self.name_en else self.name_zh

    def covers(self, code: str) -> bool:
        """Whether a ledger account with this code belongs to the line."""
        return any(code.startswith(mapped) for mapped in self.accounts)


def title_problems(title: str) -> list[Problem]:
    text = title.strip()
    if not text:
        return [Problem("title_empty", "the budget needs a title", where="title")]
    if len(text) > TITLE_LENGTH or looks_personal(text):
        return [
            Problem(
                "title_bad",
                "the title is longer than {n} characters or holds a phone or ID number",
                {"n": TITLE_LENGTH},
                where="title",
            )
        ]
    return []


def line_problems(
    lines: Sequence[LineDraft], account_kinds: Mapping[str, LineKind | None]
) -> list[Problem]:
    """Every reason these lines may not form a budget version.

    Args:
        lines: the lines, numbered from 1 in this order.
        account_kinds: the community's account codes, with the line kind each may
            serve (None: an account that is neither income nor spending, e.g. a bank).
    """
    if not lines:
        return [Problem("no_lines", "a budget needs at least one line", where="lines")]
    if len(lines) > MAX_LINES:
        return [Problem("too_many_lines", "a budget has at most {n} lines", {"n": MAX_LINES})]
    problems: list[Problem] = []
    owner: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        problems.extend(_one_line(number, line, account_kinds))
        for code in line.accounts:
            problems.extend(_overlaps(number, code, owner))
            owner.setdefault(code, number)
    return problems


def _one_line(
    number: int, line: LineDraft, account_kinds: Mapping[str, LineKind | None]
) -> list[Problem]:
    where = f"line {number}"
    problems: list[Problem] = []
    if not line.name_zh.strip():
        problems.append(Problem("name_empty", "the line needs a Chinese name", where=where))
    for text, limit in ((line.name_zh, NAME_LENGTH), (line.name_en, NAME_LENGTH)):
        if len(text) > limit or looks_personal(text):
            problems.append(
                Problem(
                    "name_bad",
                    "a name is longer than {n} characters or holds a phone or ID number",
                    {"n": limit},
                    where=where,
                )
            )
    if len(line.note) > NOTE_LENGTH or looks_personal(line.note):
        problems.append(
            Problem(
                "note_bad",
                "the note is longer than {n} characters or holds a phone or ID number",
                {"n": NOTE_LENGTH},
                where=where,
            )
        )
    if line.amount < ZERO or line.amount > MAX_YEARLY:
        problems.append(Problem("amount_bad", "the yearly amount must be 0 or more", where=where))
    if not line.accounts:
        problems.append(
            Problem("no_accounts", "map the line to at least one ledger account", where=where)
        )
    for code in line.accounts:
        if code not in account_kinds:
            problems.append(
                Problem("unknown_account", "there is no account {code}", {"code": code}, where)
            )
        elif account_kinds[code] is not line.kind:
            message = (
                N_("account {code} is not an income account")
                if line.kind is LineKind.INCOME
                else N_("account {code} is not an expense account")
            )
            problems.append(Problem("wrong_kind", message, {"code": code}, where))
    return problems


def _overlaps(number: int, code: str, owner: Mapping[str, int]) -> list[Problem]:
    for other_code, other in owner.items():
        if code.startswith(other_code) or other_code.startswith(code):
            return [
                Problem(
                    "account_twice",
                    "account {code} is already covered by line {other}",
                    {"code": code, "other": other},
                    where=f"line {number}",
                )
            ]
    return []


def text_problems(text: str, *, where: str, limit: int) -> list[Problem]:
    """Why a comment or a reason may not be published as typed."""
    if not text.strip():
        return [Problem("text_empty", "write something first", where=where)]
    if len(text) > limit:
        return [Problem("text_long", "keep it under {n} characters", {"n": limit}, where)]
    if looks_personal(text):
        return [
            Problem(
                "text_personal",
                "public text may not hold phone or ID numbers (LAW.md 3)",
                where=where,
            )
        ]
    return []


# --- months ---------------------------------------------------------------------------


def month_index(first: Period, period: Period) -> int:
    """How many months `period` comes after `first` (0 for the first month; may be <0 or >11)."""
    return (period.year - first.year) * 12 + period.month - first.month


def last_period(first: Period) -> Period:
    return first.shift(YEAR_MONTHS - 1)


def monthly(amount: Fen) -> list[Fen]:
    """The yearly amount in 12 monthly parts that sum back to it exactly."""
    return amount.allocate([1] * YEAR_MONTHS)


def budget_for(line: LineDraft, first: Period, start: Period, end: Period) -> Fen:
    """The line's budget for the months start..end that fall inside the year."""
    low = max(month_index(first, start), 0)
    high = min(month_index(first, end), YEAR_MONTHS - 1)
    return sum(monthly(line.amount)[low : high + 1], ZERO) if low <= high else ZERO


def elapsed_months(first: Period, today: date) -> int:
    """The budget's months that have ended before today's month began (0 to 12)."""
    return min(max(month_index(first, Period.of(today)), 0), YEAR_MONTHS)
