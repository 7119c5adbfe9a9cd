"""Counting an owners' vote, matter by matter, exactly as LAW.md 1 says.

For each matter: `total` is everyone on the roll (the vote's scope), `part` those whose
ballot answers that matter (an abstention takes part; a ballot that leaves the matter out
does not), `yes` those who agreed. The quorum is checked against `total`, approval against
`part`, by area and by headcount, each with its threshold and legal source
(`thresholds.py`). A matter that misses the quorum is "not passed: quorum not reached",
which is not "rejected".

Ballots that do not count are set aside with their reason, never silently: a proxy without
a written authorisation, a voter not on the frozen roll. The tally depends only on the set of
ballots, never on their order (one ballot per person; the service keeps the last).

"Silent owners follow the majority" (沉默视为同意多数) is a setting, off by default and
contested in law; see `silence.py`.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal
from enum import StrEnum

from sunshine.governance.rules.roll import Roll
from sunshine.governance.rules.roll import Voter
from sunshine.governance.rules.thresholds import Item
from sunshine.governance.rules.thresholds import Threshold
from sunshine.governance.rules.thresholds import thresholds_for
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import Problem

PROXY_RULE = "委托投票须有书面授权委托书 (LAW.md 1: a proxy vote needs a written authorisation)"


class Choice(StrEnum):
    YES = "yes"  # 同意
    NO = "no"  # 反对
    ABSTAIN = "abstain"  # 弃权: takes part, does not agree


class Outcome(StrEnum):
    PASSED = "passed"  # 通过
    REJECTED = "rejected"  # 未通过
    NO_QUORUM = "quorum_not_reached"  # 未达法定参与表决比例 (not the same as rejected)


@dataclass(frozen=True, slots=True)
class Matter:
    """One question of a vote, with the art. 278 item that sets its thresholds."""

    number: int  # its place on the ballot, 1, 2, …
    item: Item


@dataclass(frozen=True, slots=True)
class Ballot:
    """One person's ballot: their answer to each matter they answered."""

    voter: str  # the roll's voter key
    answers: Mapping[int, Choice] = field(hash=False)
    by_proxy: bool = False
    authorised: bool = False  # a proxy's written authorisation is attached


@dataclass(frozen=True, slots=True)
class SetAside:
    """A ballot that does not count, and why."""

    voter: str
    reason: str  # "proxy_without_authorisation" | "not_on_roll"
    rule: str


@dataclass(frozen=True, slots=True, order=True)
class Count:
    """Area (m², exact) and headcount of a group of voters."""

    area: Decimal = Decimal(0)
    heads: int = 0

    def __add__(self, other: Count) -> Count:
        return Count(self.area + other.area, self.heads + other.heads)

    @classmethod
    def of(cls, voters: Iterable[Voter]) -> Count:
        chosen = list(voters)
        return cls(sum((voter.area for voter in chosen), Decimal(0)), len(chosen))


@dataclass(frozen=True, slots=True)
class Step:
    """One threshold applied: `count` against `base`, by area and by headcount."""

    threshold: Threshold
    count: Count
    base: Count
    area_met: bool
    heads_met: bool

    @property
    def met(self) -> bool:
        return self.area_met and self.heads_met

    @classmethod
    def check(cls, threshold: Threshold, count: Count, base: Count) -> Step:
        return cls(
            threshold,
            count,
            base,
            threshold.met(count.area, base.area),
            threshold.met(count.heads, base.heads),
        )


@dataclass(frozen=True, slots=True)
class MatterTally:
    """One matter counted: the figures, both steps with their sources, and the outcome."""

    matter: Matter
    total: Count
    part: Count
    yes: Count
    no: Count
    abstain: Count
    quorum: Step
    approval: Step

    @property
    def outcome(self) -> Outcome:
        if not self.quorum.met:
            return Outcome.NO_QUORUM
        return Outcome.PASSED if self.approval.met else Outcome.REJECTED


def count_matter(matter: Matter, total: Count, answered: Mapping[Choice, Count]) -> MatterTally:
    """The tally of one matter from its total and the counts of each answer."""
    yes, no, abstain = (answered.get(choice, Count()) for choice in Choice)
    part = yes + no + abstain
    rules = thresholds_for(matter.item)
    return MatterTally(
        matter,
        total,
        part,
        yes,
        no,
        abstain,
        Step.check(rules.quorum, part, total),
        Step.check(rules.approval, yes, part),
    )


def counted_ballots(
    roll: Roll, matters: Sequence[Matter], ballots: Iterable[Ballot]
) -> tuple[dict[str, Ballot], tuple[SetAside, ...]]:
    """The ballots that count, by voter, and those set aside; `Invalid` for malformed input."""
    numbers = {matter.number for matter in matters}
    on_roll = {voter.key for voter in roll.voters}  # a set: thousands of ballots stay linear
    counted: dict[str, Ballot] = {}
    aside: list[SetAside] = []
    problems: list[Problem] = []
    for ballot in ballots:
        unknown = set(ballot.answers) - numbers
        args, where = {"voter": ballot.voter}, ballot.voter
        if unknown:
            problems.append(
                Problem(
                    "ballot_matter",
                    "the ballot of {voter} answers a matter the vote does not have",
                    args,
                    where,
                )
            )
        elif ballot.voter in counted:
            problems.append(
                Problem("ballot_twice", "{voter} has two ballots; a person casts one", args, where)
            )
        elif ballot.voter not in on_roll:
            aside.append(SetAside(ballot.voter, "not_on_roll", roll.source))
        elif ballot.by_proxy and not ballot.authorised:
            aside.append(SetAside(ballot.voter, "proxy_without_authorisation", PROXY_RULE))
        else:
            counted[ballot.voter] = ballot
    if problems:
        raise Invalid("the ballots cannot be counted", problems=problems)
    return counted, tuple(sorted(aside, key=lambda a: (a.voter, a.reason)))


def answers_to(roll: Roll, counted: Mapping[str, Ballot], number: int) -> dict[Choice, Count]:
    """How the counted ballots answered matter `number`: the count of each answer."""
    by_choice: dict[Choice, list[Voter]] = {choice: [] for choice in Choice}
    for voter in roll.voters:
        ballot = counted.get(voter.key)
        if ballot is not None and number in ballot.answers:
            by_choice[ballot.answers[number]].append(voter)
    return {choice: Count.of(voters) for choice, voters in by_choice.items()}
