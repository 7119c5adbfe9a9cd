"""Committee decisions (业委会, or 物管会 where none exists), as LAW.md 1 counts them.

A meeting, or a written circulation, is quorate when more than half of the members take
part (过半数: exactly half is not enough). A decision is adopted by "半数以上" of all the
members, the boundary included, by default; where local rules require "过半数", the strict
setting excludes it. Both are counted on the committee's whole membership, not on those
present. A decision is announced within a set number of days (3 by default).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from datetime import timedelta
from enum import StrEnum
from fractions import Fraction

from sunshine.governance.rules.tally import Choice
from sunshine.governance.rules.thresholds import Boundary
from sunshine.governance.rules.thresholds import Threshold
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import Problem

_GUIDE = "业主大会和业主委员会指导规则 (建房〔2009〕274号)"

QUORUM = Threshold(
    "committee.quorum",
    Fraction(1, 2),
    Boundary.STRICT,
    f"{_GUIDE}: 业主委员会会议应有过半数的委员出席 (LAW.md 1)",
)


class CommitteeMajority(StrEnum):
    HALF_OR_MORE = "half_or_more"  # 半数以上, the boundary included (the default)
    MORE_THAN_HALF = "more_than_half"  # 过半数, strict


class CommitteeOutcome(StrEnum):
    ADOPTED = "adopted"  # 通过
    NOT_ADOPTED = "not_adopted"  # 未通过
    NO_QUORUM = "quorum_not_reached"  # 出席委员未过半数


@dataclass(frozen=True, slots=True)
class CommitteeSettings:
    """The community's committee settings, recorded with every decision."""

    majority: CommitteeMajority = CommitteeMajority.HALF_OR_MORE
    announce_within_days: int = 3


def majority_threshold(majority: CommitteeMajority) -> Threshold:
    if majority is CommitteeMajority.HALF_OR_MORE:
        return Threshold(
            "committee.half_or_more",
            Fraction(1, 2),
            Boundary.INCLUSIVE,
            f"{_GUIDE}: 作出的决定必须经全体委员半数以上同意 (LAW.md 1, the default)",
        )
    return Threshold(
        "committee.more_than_half",
        Fraction(1, 2),
        Boundary.STRICT,
        "过半数 of all members, where local rules require it (LAW.md 1, a setting)",
    )


@dataclass(frozen=True, slots=True)
class CommitteeResult:
    members: int
    present: int
    yes: int
    no: int
    abstain: int
    quorum: Threshold
    majority: Threshold
    quorum_met: bool
    majority_met: bool
    settings: CommitteeSettings

    @property
    def outcome(self) -> CommitteeOutcome:
        if not self.quorum_met:
            return CommitteeOutcome.NO_QUORUM
        return CommitteeOutcome.ADOPTED if self.majority_met else CommitteeOutcome.NOT_ADOPTED


def decide(
    members: frozenset[int],
    present: frozenset[int],
    votes: Mapping[int, Choice],
    settings: CommitteeSettings | None = None,
) -> CommitteeResult:
    """Count a committee decision; `Invalid` if someone absent or not a member voted.

    `present` are the members at the meeting, or those who answered a written circulation.
    """
    settings = settings or CommitteeSettings()
    problems = [
        Problem("committee_voter", "member {member} is not present", {"member": m}, str(m))
        for m in sorted(set(votes) - present)
    ] + [
        Problem("committee_member", "{member} is not a member", {"member": m}, str(m))
        for m in sorted(present - members)
    ]
    if problems or not members:
        raise Invalid("the committee decision cannot be counted", problems=problems)
    tally = {choice: sum(1 for c in votes.values() if c is choice) for choice in Choice}
    majority = majority_threshold(settings.majority)
    return CommitteeResult(
        members=len(members),
        present=len(present),
        yes=tally[Choice.YES],
        no=tally[Choice.NO],
        abstain=tally[Choice.ABSTAIN],
        quorum=QUORUM,
        majority=majority,
        quorum_met=QUORUM.met(len(present), len(members)),
        majority_met=majority.met(tally[Choice.YES], len(members)),
        settings=settings,
    )


def announce_by(decided_on: date, settings: CommitteeSettings | None = None) -> date:
    """The last day a decision taken on `decided_on` may be announced to owners."""
    return decided_on + timedelta(days=(settings or CommitteeSettings()).announce_within_days)
