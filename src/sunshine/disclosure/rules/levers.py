"""Closing the gap (开源节流): levers to try, their yearly effect, and the vote each needs.

Every lever is worked out over a whole year (12 months) and added to the projected
result of the year (`budget.Projection.projected_result`), so the view answers "a year
like this one, with these changes, would end at …", whatever the month.

Which owners' decision each lever needs (LAW.md 1, Civil Code art. 278); the item
decides the threshold: items 6-8 need 3/4 of the participants (by area and by
headcount), items 1-5 and 9 more than half. These are the defaults the product
states; where a community's rules of procedure say otherwise, they prevail.

- visitor parking charges: the visitor spaces are on common land, and charging
  outsiders to park there is running a business on common parts: item 8 (3/4);
- advertising: renting common parts (a wall, the gate, a lift) for ads is item 8,
  LAW.md 1's own example (3/4);
- a cost cut on a budget line: spending less than the approved budget allows is
  ordinary management within the owners' approval: no vote;
- a fee change (the property service fee or the garbage fee): what every owner pays is
  set in the service contract the owners approved; art. 278 names no item for it, so it
  is "another major matter on common ownership": item 9 (more than half);
- the trustee's remuneration: changing it changes the terms on which the owners hired
  the trustee (item 4, hire / dismiss the property company): more than half.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from urllib.parse import urlencode

from sunshine.kernel.errors import Problem
from sunshine.kernel.money import ZERO
from sunshine.kernel.money import Fen

YEAR_MONTHS = 12
MAX_INPUT = Fen(10**10)  # a hundred million yuan: any bigger figure is a typing slip
MAX_COUNT = 10**6


class Lever(StrEnum):
    VISITOR_PARKING = "visitor_parking"
    ADVERTISING = "advertising"
    COST_CUT = "cost_cut"
    FEE_CHANGE = "fee_change"
    REMUNERATION = "remuneration"


@dataclass(frozen=True, slots=True)
class Vote:
    """The owners' decision a lever needs: the art. 278 item and the threshold it implies."""

    item: int

    @property
    def supermajority(self) -> bool:
        """Items 6-8 need 3/4 of the participants; the others more than half (LAW.md 1)."""
        return 6 <= self.item <= 8

    @property
    def threshold_zh(self) -> str:
        return "参与表决者四分之三以上同意" if self.supermajority else "参与表决者过半数同意"

    @property
    def threshold_en(self) -> str:
        return "3/4 of participants" if self.supermajority else "more than half of participants"


# The mapping itself, with the reasons in the module docstring (LAW.md 1).
VOTES: dict[Lever, Vote | None] = {
    Lever.VISITOR_PARKING: Vote(8),
    Lever.ADVERTISING: Vote(8),
    Lever.COST_CUT: None,
    Lever.FEE_CHANGE: Vote(9),
    Lever.REMUNERATION: Vote(4),
}
NAMES: dict[Lever, tuple[str, str]] = {
    Lever.VISITOR_PARKING: ("临时停车收费", "Visitor parking charges"),
    Lever.ADVERTISING: ("公共部位广告收入", "Advertising on common parts"),
    Lever.COST_CUT: ("压减预算支出", "A cost cut on a budget line"),
    Lever.FEE_CHANGE: ("调整收费标准", "A fee change"),
    Lever.REMUNERATION: ("调整受托人酬金", "The trustee's remuneration"),
}

# The question an owners' vote on the lever puts (Chinese first, English second): the
# close-the-gap view offers to start that vote with it (`draft_href`).
QUESTIONS: dict[Lever, str] = {
    Lever.VISITOR_PARKING: "是否同意对访客临时停车收费，收入归全体业主？"
    " / Do you agree to charge visitors for parking, the income going to all owners?",
    Lever.ADVERTISING: "是否同意出租公共部位（外墙、大门、电梯）发布广告，收入归全体业主？"
    " / Do you agree to rent common parts (walls, the gate, lifts) for advertising,"
    " the income going to all owners?",
    Lever.FEE_CHANGE: "是否同意调整物业服务费收费标准？"
    " / Do you agree to change the property service fee?",
    Lever.REMUNERATION: "是否同意调整受托人（物业服务企业）的酬金？"
    " / Do you agree to change the trustee's (property company's) remuneration?",
}


def draft_href(code: str, lever: Lever) -> str | None:
    """The vote draft page prefilled for `lever`: its item, question and title.

    None for a lever that needs no vote. The draft page reads the query.
    """
    vote = VOTES[lever]
    if vote is None:
        return None
    zh, en = NAMES[lever]
    query = urlencode({"item": vote.item, "question": QUESTIONS[lever], "title": f"{zh} / {en}"})
    return f"/c/{code}/votes/new?{query}"


@dataclass(frozen=True, slots=True)
class Levers:
    """What the committee typed. Every lever at its default changes nothing."""

    visitor_price: Fen = ZERO  # per visit
    visitor_visits: int = 0  # charged visits per month
    advertising: Fen = ZERO  # per month
    cut_line: int | None = None  # a spending line's number
    cut: Fen = ZERO  # per year
    fee_change: Fen = ZERO  # per household per year (negative: a cut)
    households: int = 0
    collection_percent: int = 95
    remuneration_change: Fen = ZERO  # per month (negative: lower pay)


@dataclass(frozen=True, slots=True)
class Effect:
    lever: Lever
    yearly: Fen  # on the result: positive closes the gap
    vote: Vote | None

    @property
    def name_zh(self) -> str:
        return NAMES[self.lever][0]

    @property
    def name_en(self) -> str:
        return NAMES[self.lever][1]


@dataclass(frozen=True, slots=True)
class Gap:
    """The projected result before and after the levers, and the votes they need."""

    before: Fen
    effects: tuple[Effect, ...]

    @property
    def after(self) -> Fen:
        return self.before + sum((e.yearly for e in self.effects), ZERO)

    @property
    def votes(self) -> tuple[Vote, ...]:
        """The distinct decisions needed by the levers in use, by item."""
        items = {e.vote.item for e in self.effects if e.vote is not None and e.yearly}
        return tuple(Vote(item) for item in sorted(items))


def lever_problems(levers: Levers, *, spending_lines: Mapping[int, Fen]) -> list[Problem]:
    """Every reason these inputs cannot be worked out.

    Args:
        levers: the inputs.
        spending_lines: the budget's spending lines (number → yearly amount), for the cut.
    """
    problems: list[Problem] = []
    money = {
        "visitor_price": levers.visitor_price,
        "advertising": levers.advertising,
        "cut": levers.cut,
    }
    for where, amount in money.items():
        if amount < ZERO or amount > MAX_INPUT:
            problems.append(Problem("lever_amount", "enter an amount of 0 or more", where=where))
    for where, amount in {
        "fee_change": levers.fee_change,
        "remuneration_change": levers.remuneration_change,
    }.items():
        if abs(amount) > MAX_INPUT:
            problems.append(Problem("lever_amount", "the amount is too large", where=where))
    for where, count in {
        "visitor_visits": levers.visitor_visits,
        "households": levers.households,
    }.items():
        if not 0 <= count <= MAX_COUNT:
            problems.append(
                Problem("lever_count", "enter a whole number of 0 or more", where=where)
            )
    if not 0 <= levers.collection_percent <= 100:
        problems.append(
            Problem("lever_percent", "the collection rate is 0 to 100", where="collection_percent")
        )
    problems.extend(_cut_problems(levers, spending_lines))
    return problems


def _cut_problems(levers: Levers, spending_lines: Mapping[int, Fen]) -> list[Problem]:
    if levers.cut_line is None:
        return (
            [Problem("cut_line", "choose the line to cut", where="cut_line")]
            if levers.cut > ZERO
            else []
        )
    if levers.cut_line not in spending_lines:
        return [Problem("cut_line", "choose a spending line of the budget", where="cut_line")]
    if levers.cut > spending_lines[levers.cut_line]:
        return [
            Problem(
                "cut_too_big",
                "a cut can be at most the line's budget of {amount}",
                {"amount": str(spending_lines[levers.cut_line])},
                where="cut",
            )
        ]
    return []


def effects(levers: Levers, *, visitor_now: Fen) -> tuple[Effect, ...]:
    """Each lever's effect on a year's result (check `lever_problems` first).

    Args:
        levers: the inputs.
        visitor_now: visitor parking income in the projected year; new charges replace it.
    """
    visitor = ZERO
    if levers.visitor_visits or levers.visitor_price:
        visitor = levers.visitor_price.times(levers.visitor_visits * YEAR_MONTHS) - visitor_now
    fee = levers.fee_change.times(Fraction(levers.households * levers.collection_percent, 100))
    yearly = {
        Lever.VISITOR_PARKING: visitor,
        Lever.ADVERTISING: levers.advertising.times(YEAR_MONTHS),
        Lever.COST_CUT: levers.cut,
        Lever.FEE_CHANGE: fee,
        Lever.REMUNERATION: -levers.remuneration_change.times(YEAR_MONTHS),
    }
    return tuple(Effect(lever, yearly[lever], VOTES[lever]) for lever in Lever)


def close_the_gap(before: Fen, levers: Levers, *, visitor_now: Fen) -> Gap:
    """The projected result `before`, with the levers' yearly effects added."""
    return Gap(before, effects(levers, visitor_now=visitor_now))
