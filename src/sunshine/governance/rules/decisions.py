"""A committee decision's public form: the record appended to the log (no names, LAW.md 3).

Members appear by their member number only; the record carries the counts, both thresholds
with their sources, the outcome, the settings it was counted by and the day by which it must
be announced, so anyone can recount it from the log alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sunshine.governance.rules.committee import CommitteeMajority
from sunshine.governance.rules.committee import CommitteeResult
from sunshine.governance.rules.committee import CommitteeSettings
from sunshine.governance.rules.committee import announce_by
from sunshine.governance.rules.committee import decide
from sunshine.governance.rules.tally import Choice
from sunshine.governance.rules.thresholds import Threshold


class Way(StrEnum):
    MEETING = "meeting"  # 会议
    CIRCULATION = "circulation"  # 书面传签: those who answer take part


class Subject(StrEnum):
    """What a decision is about: the decisions issue 14 asks for by default, or another."""

    BUDGET = "budget"  # approving a budget or a revision (ref: its year and version)
    EXPENSE = "expense"  # approving an expense above the approval limit (ref: the expense)
    MONTH_CLOSE = "month_close"  # co-signing the month's close (ref: YYYY-MM)
    SIGNING_KEY = "signing_key"  # registering a member's signing key (ref: its fingerprint)
    FEE_CHANGE = "fee_change"  # a charge item's new rate (ref: ITEM/YYYY-MM-DD)
    TRUSTEE = "trustee"  # hiring or dismissing the trustee (ref: YYYY-MM-DD, its first day)
    COMMON_PARTS = "common_parts"  # a change of use of common parts (ref: USE/YYYY-MM-DD)
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class About:
    """The subject of a decision: its kind and which one (a budget's "2027/v2", "2024-10")."""

    kind: Subject = Subject.OTHER
    ref: str = ""


class MemberRole(StrEnum):
    CHAIR = "chair"  # 主任
    VICE_CHAIR = "vice_chair"  # 副主任
    MEMBER = "member"  # 委员


@dataclass(frozen=True, slots=True)
class DecisionFacts:
    """What a decision record states besides the count."""

    decision_id: int
    committee_id: int
    title: str
    way: Way
    decided_on: date
    members: frozenset[int]
    present: frozenset[int]
    votes: Mapping[int, Choice]
    about: About = About()


def _step(threshold: Threshold, *, met: bool) -> dict[str, object]:
    return {"rule": threshold.rule, "source": threshold.source, "met": met}


def decision_record(facts: DecisionFacts, result: CommitteeResult) -> dict[str, object]:
    """The log record of a counted decision (JSON values only: text, whole numbers, lists)."""
    return {
        "decision": facts.decision_id,
        "committee": facts.committee_id,
        "title": facts.title,
        "way": facts.way.value,
        "subject": {"kind": facts.about.kind.value, "ref": facts.about.ref},
        "on": facts.decided_on.isoformat(),
        "members": sorted(facts.members),
        "present": sorted(facts.present),
        "votes": {str(m): facts.votes[m].value for m in sorted(facts.votes)},
        "counted": {
            "members": result.members,
            "present": result.present,
            "yes": result.yes,
            "no": result.no,
            "abstain": result.abstain,
        },
        "quorum": _step(result.quorum, met=result.quorum_met),
        "majority": _step(result.majority, met=result.majority_met),
        "outcome": result.outcome.value,
        "settings": {
            "majority": result.settings.majority.value,
            "announce_within_days": result.settings.announce_within_days,
        },
        "announce_by": announce_by(facts.decided_on, result.settings).isoformat(),
    }


def recount(record: Mapping[str, object]) -> dict[str, object]:
    """Count a logged decision again from its record alone, and give the record it should be.

    The members, those present, the votes and the settings are read from the record; the
    counts, both steps and the outcome are derived anew. A record equal to its recount was
    counted by these rules; anyone holding the log can do this (ValueError if unreadable).
    """
    try:
        settings_in, votes_in = _mapping(record["settings"]), _mapping(record["votes"])
        subject_in = _mapping(record["subject"])
        settings = CommitteeSettings(
            CommitteeMajority(str(settings_in["majority"])),
            int(str(settings_in["announce_within_days"])),
        )
        facts = DecisionFacts(
            decision_id=int(str(record["decision"])),
            committee_id=int(str(record["committee"])),
            title=str(record["title"]),
            way=Way(str(record["way"])),
            decided_on=date.fromisoformat(str(record["on"])),
            members=frozenset(_numbers(record["members"])),
            present=frozenset(_numbers(record["present"])),
            votes={int(k): Choice(str(v)) for k, v in votes_in.items()},
            about=About(Subject(str(subject_in["kind"])), str(subject_in["ref"])),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"not a committee decision record: {exc}") from exc
    return decision_record(facts, decide(facts.members, facts.present, facts.votes, settings))


def _mapping(value: object) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise TypeError("a mapping")
    return value


def _numbers(value: object) -> list[int]:
    if not isinstance(value, list):
        raise TypeError("a list of member numbers")
    return [int(str(item)) for item in value]
