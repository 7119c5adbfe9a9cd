"""Builders for the governance rules' tests: units, rolls and ballots in a line each."""

from __future__ import annotations

from decimal import Decimal

from sunshine.governance.rules.roll import Holder
from sunshine.governance.rules.roll import Roll
from sunshine.governance.rules.roll import RollUnit
from sunshine.governance.rules.roll import build_roll
from sunshine.governance.rules.tally import Ballot
from sunshine.governance.rules.tally import Choice
from sunshine.registry.rules import AreaSource

YES, NO, ABSTAIN = Choice.YES, Choice.NO, Choice.ABSTAIN


def unit(
    uid: int,
    area: str | Decimal = "100",
    *owners: int,
    building: int = 1,
    source: AreaSource = AreaSource.REGISTRY,
    developer_held: bool = False,
    parking: bool = False,
) -> RollUnit:
    """Unit `uid` owned by `owners` (the first is the designated voter; default: party uid)."""
    parties = owners or (() if developer_held else (uid,))
    holders = tuple(Holder(p, designated=i == 0) for i, p in enumerate(parties))
    return RollUnit(
        uid,
        f"{building}-1-{uid:03d}",
        building,
        Decimal(area),
        source,
        holders,
        developer_held=developer_held,
        is_parking=parking,
    )


def flats(*areas: str) -> Roll:
    """A roll of one-owner units 1..n with these areas: voter keys 'owners:1', 'owners:2', …"""
    return build_roll([unit(i, area) for i, area in enumerate(areas, start=1)])


def key(*parties: int) -> str:
    return "owners:" + "+".join(str(p) for p in sorted(parties))


def ballot(party: int, *answers: Choice, **kwargs: bool) -> Ballot:
    """Party's ballot answering matters 1, 2, … in order."""
    return Ballot(key(party), dict(enumerate(answers, start=1)), **kwargs)


def partial(party: int, answers: dict[int, Choice]) -> Ballot:
    return Ballot(key(party), answers)
