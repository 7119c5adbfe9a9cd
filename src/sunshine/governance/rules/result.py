"""A whole vote's tally: every matter, the ballots set aside, the settings that applied.

"Silent owners follow the majority" (沉默视为同意多数) is a per-community setting, off by
default and contested in law (LAW.md 1). When the rules of procedure adopt it:

- only owners the service proves were delivered a ballot with the warning count as silent
  (`silent_eligible`), and only if they returned no ballot at all (a ballot that leaves a
  matter blank, or one set aside, is not silence);
- the majority is agree or disagree, whichever has strictly more of the participants' area
  AND headcount; on a tie, or when area and headcount point different ways, nobody is added;
- the silent are added to the participants, on the majority's side, and the matter counted
  again; both tallies are kept and published, and the adjusted one decides.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sunshine.governance.rules.roll import Roll
from sunshine.governance.rules.tally import Ballot
from sunshine.governance.rules.tally import Choice
from sunshine.governance.rules.tally import Count
from sunshine.governance.rules.tally import Matter
from sunshine.governance.rules.tally import MatterTally
from sunshine.governance.rules.tally import Outcome
from sunshine.governance.rules.tally import SetAside
from sunshine.governance.rules.tally import answers_to
from sunshine.governance.rules.tally import count_matter
from sunshine.governance.rules.tally import counted_ballots

SILENT_RULE = (
    "业主大会议事规则约定的“沉默视为同意多数” (LAW.md 1: only where the rules of procedure adopt"
    " it, for owners with proven ballot delivery and a warning, never on a tie)"
)


class Silence(StrEnum):
    OFF = "off"  # the setting is off: the raw tally decides
    APPLIED = "applied"  # the silent were added to the majority
    NO_MAJORITY = "no_majority"  # a tie, or area and headcount disagree: nobody added
    NONE_SILENT = "none_silent"  # no eligible owner stayed silent


@dataclass(frozen=True, slots=True)
class TallySettings:
    """The tally's per-community setting, recorded with every result."""

    silent_follow_majority: bool = False


@dataclass(frozen=True, slots=True)
class MatterResult:
    """One matter's raw tally and, under the silent-majority setting, its adjusted tally."""

    raw: MatterTally
    adjusted: MatterTally | None
    silence: Silence
    silent: Count

    @property
    def deciding(self) -> MatterTally:
        return self.adjusted or self.raw

    @property
    def outcome(self) -> Outcome:
        return self.deciding.outcome


@dataclass(frozen=True, slots=True)
class VoteTally:
    matters: tuple[MatterResult, ...]
    set_aside: tuple[SetAside, ...]
    settings: tuple[tuple[str, bool], ...]  # every setting that shaped the result, by name
    roll_source: str


def _majority(raw: MatterTally) -> Choice | None:
    if raw.yes.area > raw.no.area and raw.yes.heads > raw.no.heads:
        return Choice.YES
    if raw.no.area > raw.yes.area and raw.no.heads > raw.yes.heads:
        return Choice.NO
    return None


def _with_silence(
    raw: MatterTally, answered: dict[Choice, Count], silent: Count
) -> tuple[MatterTally | None, Silence]:
    if silent.heads == 0:
        return None, Silence.NONE_SILENT
    side = _majority(raw)
    if side is None:
        return None, Silence.NO_MAJORITY
    adjusted = dict(answered)
    adjusted[side] = adjusted[side] + silent
    return count_matter(raw.matter, raw.total, adjusted), Silence.APPLIED


def tally_vote(
    roll: Roll,
    matters: Sequence[Matter],
    ballots: Iterable[Ballot],
    *,
    settings: TallySettings | None = None,
    silent_eligible: frozenset[str] = frozenset(),
) -> VoteTally:
    """Count every matter of a vote on its frozen `roll` (see the module docstrings)."""
    settings = settings or TallySettings()
    given = list(ballots)
    counted, aside = counted_ballots(roll, matters, given)
    returned = {ballot.voter for ballot in given}
    silent = Count.of(v for v in roll.voters if v.key in silent_eligible and v.key not in returned)
    total = Count(roll.area, roll.heads)
    results = []
    for matter in sorted(matters, key=lambda m: m.number):
        answered = answers_to(roll, counted, matter.number)
        raw = count_matter(matter, total, answered)
        if settings.silent_follow_majority:
            adjusted, silence = _with_silence(raw, answered, silent)
        else:
            adjusted, silence = None, Silence.OFF
        results.append(MatterResult(raw, adjusted, silence, silent if adjusted else Count()))
    recorded = (
        ("count_parking", roll.settings.count_parking),
        ("silent_follow_majority", settings.silent_follow_majority),
    )
    return VoteTally(tuple(results), aside, recorded, roll.source)
