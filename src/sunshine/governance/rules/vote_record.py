"""A vote's tally in its public form: aggregates only, checkable by anyone (LAW.md 1, 3).

The record holds, per matter, the art. 278 item, the total, participating, agreeing,
disagreeing and abstaining area (whole dm², that is hundredths of a m², so no float ever
enters the log) and headcount, both steps with their rule, source and result, and the
outcome; under the silent-majority setting both the raw and the adjusted tally. Ballots set
aside are counted by reason. Individual ballots and voters never appear.

`misstated` recomputes each outcome from the figures the record itself publishes, so an
owner holding only the notice can check that the thresholds were applied as the law says.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from decimal import Decimal

from sunshine.governance.rules.result import MatterResult
from sunshine.governance.rules.result import VoteTally
from sunshine.governance.rules.tally import Count
from sunshine.governance.rules.tally import MatterTally
from sunshine.governance.rules.tally import Outcome
from sunshine.governance.rules.tally import Step
from sunshine.governance.rules.thresholds import thresholds_for

_GROUPS = ("total", "part", "yes", "no", "abstain")


def dm2(area: Decimal) -> int:
    """An area in whole dm² (hundredths of a m²); ValueError if it is finer than that."""
    scaled = area * 100
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{area} m² is finer than hundredths")
    return int(scaled)


def _count(count: Count) -> dict[str, int]:
    return {"area_dm2": dm2(count.area), "heads": count.heads}


def _step(step: Step) -> dict[str, object]:
    return {
        "rule": step.threshold.rule,
        "source": step.threshold.source,
        "area_met": step.area_met,
        "heads_met": step.heads_met,
    }


def _tally(tally: MatterTally) -> dict[str, object]:
    groups = (tally.total, tally.part, tally.yes, tally.no, tally.abstain)
    figures: dict[str, object] = {
        name: _count(count) for name, count in zip(_GROUPS, groups, strict=True)
    }
    return figures | {
        "quorum": _step(tally.quorum),
        "approval": _step(tally.approval),
        "outcome": tally.outcome.value,
    }


def _matter(result: MatterResult) -> dict[str, object]:
    return {
        "matter": result.raw.matter.number,
        "item": int(result.raw.matter.item),
        "raw": _tally(result.raw),
        "adjusted": None if result.adjusted is None else _tally(result.adjusted),
        "silence": result.silence.value,
        "silent": _count(result.silent),
        "outcome": result.outcome.value,
    }


def tally_record(tally: VoteTally) -> dict[str, object]:
    """The public record of a counted vote (JSON values only: text, whole numbers, lists)."""
    aside = Counter(item.reason for item in tally.set_aside)
    return {
        "matters": [_matter(result) for result in tally.matters],
        "set_aside": dict(sorted(aside.items())),
        "settings": dict(tally.settings),
        "roll_source": tally.roll_source,
    }


def _figure(tally: Mapping[str, object], group: str, field: str) -> int:
    counts = tally[group]
    if not isinstance(counts, Mapping):
        raise TypeError(group)
    return int(str(counts[field]))


def outcome_of(item: int, tally: Mapping[str, object]) -> Outcome:
    """The outcome the published figures of one tally give under art. 278."""
    rules = thresholds_for(item)
    for field in ("area_dm2", "heads"):
        if not rules.quorum.met(_figure(tally, "part", field), _figure(tally, "total", field)):
            return Outcome.NO_QUORUM
    for field in ("area_dm2", "heads"):
        if not rules.approval.met(_figure(tally, "yes", field), _figure(tally, "part", field)):
            return Outcome.REJECTED
    return Outcome.PASSED


def _adds_up(tally: Mapping[str, object]) -> bool:
    return all(
        _figure(tally, "part", field)
        == sum(_figure(tally, group, field) for group in ("yes", "no", "abstain"))
        for field in ("area_dm2", "heads")
    )


def misstated(record: Mapping[str, object]) -> list[int]:
    """The matters whose published outcome does not follow from their published figures.

    Participation must be agreement, disagreement and abstention added up, and the outcome
    what art. 278's thresholds give on the deciding tally (the adjusted one, if any).
    """
    wrong = []
    matters = record["matters"]
    if not isinstance(matters, list):
        raise TypeError("matters")
    for matter in matters:
        deciding = matter["adjusted"] or matter["raw"]
        expected = outcome_of(int(matter["item"]), deciding)
        stated = deciding["outcome"]
        if not _adds_up(deciding) or expected.value != stated or stated != matter["outcome"]:
            wrong.append(int(matter["matter"]))
    return wrong
