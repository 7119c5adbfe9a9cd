"""Owners' votes: drafted with their matters, scope, times and notice; read back.

Opening and closing, each logged, are in `counting`. Times are passed in (`at`): the
edges pass the clock, tests pass what they need.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.governance.models import Vote
from sunshine.governance.models.votes import VoteState
from sunshine.governance.rules.frozen import roll_from_json
from sunshine.governance.rules.roll import Roll
from sunshine.governance.rules.roll import Scope
from sunshine.governance.rules.tally import Matter
from sunshine.governance.rules.thresholds import Item
from sunshine.governance.service.decisions import public_title
from sunshine.infra import clock
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.registry import service as registry


@dataclass(frozen=True, slots=True)
class MatterDraft:
    """A matter as drafted: its art. 278 item and what it asks."""

    item: Item
    title: str


def _matters_json(drafts: Sequence[MatterDraft]) -> str:
    if not drafts:
        raise Invalid("a vote asks at least one matter")
    return json.dumps(
        [{"number": n, "item": int(d.item), "title": public_title(d.title)}
         for n, d in enumerate(drafts, start=1)],
        ensure_ascii=False,
    )  # fmt: skip


def create_vote(  # noqa: PLR0913 - one argument per fact of the vote
    session: Session,
    community_id: int,
    *,
    title: str,
    matters: Sequence[MatterDraft],
    scope: Scope,
    opens_at: datetime,
    closes_at: datetime,
    notice_text: str,
    notice_on: date,
    actor_id: int | None,
    silent_follow_majority: bool = False,
) -> Vote:
    """Draft a vote; nothing is frozen or logged until it opens.

    `silent_follow_majority` only where the rules of procedure adopt it (LAW.md 1).
    """
    if closes_at <= opens_at:
        raise Invalid("a vote closes after it opens")
    if not notice_text.strip():
        raise Invalid("a vote needs the text of the notice given to the owners")
    if notice_on > clock.local(opens_at).date():  # the day in Beijing, where owners read it
        raise Invalid("the notice is given on or before the day the vote opens")
    vote = Vote(
        community_id=community_id, title=public_title(title), matters=_matters_json(matters),
        scope=json.dumps({"buildings": sorted(scope.buildings), "units": sorted(scope.units)}),
        opens_at=opens_at, closes_at=closes_at, notice_text=notice_text.strip(),
        notice_on=notice_on, state=VoteState.DRAFT, secret=secrets.token_hex(32),
        silent_follow_majority=silent_follow_majority,
        created_by=actor_id, created_at=clock.now(),
    )  # fmt: skip
    session.add(vote)
    session.flush()
    return vote


def scope_named(
    session: Session, community_id: int, buildings: Sequence[str], units: Sequence[str]
) -> Scope:
    """The scope of the buildings (by code) and units (by number) named; NotFound for others."""
    building_ids, unit_ids = set(), set()
    for code in buildings:
        building = registry.find_building(session, community_id, code)
        if building is None:
            raise NotFound("no building {code}", args={"code": code})
        building_ids.add(building.id)
    for number in units:
        unit = registry.find_unit(session, community_id, number)
        if unit is None:
            raise NotFound("no unit {number}", args={"number": number})
        unit_ids.add(unit.id)
    return Scope(frozenset(building_ids), frozenset(unit_ids))


def scope_names(session: Session, vote: Vote) -> tuple[list[str], list[str]]:
    """The vote's scope as people read it: building names and unit numbers (both empty: all)."""
    scope = scope_of(vote)
    buildings = [
        b.name
        for b in registry.list_buildings(session, vote.community_id)
        if b.id in scope.buildings
    ]
    units = sorted(registry.get_unit(session, vote.community_id, u).number for u in scope.units)
    return buildings, units


def get_vote(session: Session, community_id: int, vote_id: int) -> Vote:
    vote = session.get(Vote, (community_id, vote_id))
    if vote is None:
        raise NotFound("no owners' vote {id} in this community", args={"id": vote_id})
    return vote


def list_votes(session: Session, community_id: int) -> list[Vote]:
    query = select(Vote).where(Vote.community_id == community_id)
    return list(session.scalars(query.order_by(Vote.opens_at, Vote.id)))


def matters_of(vote: Vote) -> list[dict[str, Any]]:
    loaded: list[dict[str, Any]] = json.loads(vote.matters)
    return loaded


def counted_matters(vote: Vote) -> tuple[Matter, ...]:
    return tuple(Matter(m["number"], Item(m["item"])) for m in matters_of(vote))


def scope_of(vote: Vote) -> Scope:
    loaded = json.loads(vote.scope)
    return Scope(frozenset(loaded["buildings"]), frozenset(loaded["units"]))


def roll_of(vote: Vote) -> Roll:
    """The roll frozen when the vote opened."""
    if vote.roll is None:
        raise Conflict("vote {id} has not opened: it has no roll yet", args={"id": vote.id})
    return roll_from_json(json.loads(vote.roll))


def vote_in_state(session: Session, community_id: int, vote_id: int, state: VoteState) -> Vote:
    vote = get_vote(session, community_id, vote_id)
    if vote.state is not state:
        raise Conflict(
            "vote {id} is {state}, not {wanted}",
            args={"id": vote_id, "state": vote.state.value, "wanted": state.value},
        )
    return vote


def open_for_ballots(session: Session, community_id: int, vote_id: int, at: datetime) -> Vote:
    """The vote, if it takes ballots at `at`: open, and between its opening and closing."""
    vote = vote_in_state(session, community_id, vote_id, VoteState.OPEN)
    if not vote.opens_at <= at < vote.closes_at:
        raise Conflict(
            "vote {id} takes ballots from {opens} until {closes}",
            args={"id": vote_id, "opens": clock.local(vote.opens_at).isoformat(),
                  "closes": clock.local(vote.closes_at).isoformat()},
        )  # fmt: skip
    return vote
