"""The vote desk: paper and proxy ballots entered with their documents, the desk's figures.

Staff (or a committee member) enter a paper ballot with its scan, or a proxy ballot with
the written authorisation; the file is kept as a ledger voucher and the ballot names it
by SHA-256. The desk sees how many ballots count and how they came in, never how anyone
voted (the count does that, at the close).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from sunshine.governance.models import Vote
from sunshine.governance.models.votes import BallotWay
from sunshine.governance.models.votes import VoteState
from sunshine.governance.rules.tally import Choice
from sunshine.governance.service import ballots
from sunshine.governance.service import delivery
from sunshine.governance.service.votes import roll_of
from sunshine.kernel.errors import Invalid
from sunshine.ledger import service as ledger


@dataclass(frozen=True, slots=True)
class RollEntry:
    """A person on the frozen roll as the desk picks them: by units, never by name."""

    key: str
    units: str
    area: str
    developer: bool


@dataclass(frozen=True, slots=True)
class DeskFigures:
    heads: int
    counting: int  # persons with a ballot that counts now
    by_way: Mapping[str, int]
    replaced: int
    delivered: int
    warned: int


def roll_entries(vote: Vote) -> list[RollEntry]:
    if vote.roll is None:
        return []
    roll = roll_of(vote)
    numbers = {unit.unit_id: unit.number for unit in roll.units}
    entries = [
        RollEntry(
            v.key, "、".join(sorted(numbers[u] for u in v.unit_ids)), f"{v.area}", v.is_developer
        )
        for v in roll.voters
    ]
    return sorted(entries, key=lambda e: e.units)


def figures(session: Session, vote: Vote) -> DeskFigures | None:
    if vote.state is VoteState.DRAFT:
        return None
    counting = ballots.counting_ballots(session, vote)
    every = list(ballots.all_ballots(session, vote))
    sent = delivery.deliveries(session, vote.community_id, vote.id)
    return DeskFigures(
        heads=roll_of(vote).heads, counting=len(counting),
        by_way=dict(Counter(b.way.value for b in counting)),
        replaced=sum(1 for b in every if b.replaced), delivered=len(sent),
        warned=sum(1 for d in sent if d.warned),
    )  # fmt: skip


def enter_ballot(
    session: Session,
    community_id: int,
    vote: Vote,
    *,
    voter: str,
    answers: Mapping[int, Choice],
    way: BallotWay,
    document: bytes,
    name: str,
    at: datetime,
    actor_id: int | None,
) -> ballots.Cast:
    """Enter a paper ballot (with its scan) or a proxy ballot (with the authorisation)."""
    if way is BallotWay.ELECTRONIC:
        raise Invalid("the desk enters paper and proxy ballots; owners cast their own online")
    person = roll_of(vote).voter(voter)
    if person is None:
        raise Invalid("{voter} is not on vote {id}'s roll", args={"voter": voter, "id": vote.id})
    if not document:
        if way is BallotWay.PAPER:
            raise Invalid("a paper ballot is entered with its scan (a voucher)")
        raise Invalid("a proxy ballot needs the written authorisation (委托书) attached")
    stored = ledger.store_voucher(session, community_id, document, name=name, actor_id=actor_id)
    docs = (
        ballots.Documents(voucher_sha256=stored.sha256)
        if way is BallotWay.PAPER
        else ballots.Documents(authorisation_sha256=stored.sha256)
    )
    return ballots.cast_ballot(
        session, community_id, vote.id, party_id=min(person.casters), answers=answers, way=way,
        at=at, voter=voter, documents=docs, actor_id=actor_id,
    )  # fmt: skip
