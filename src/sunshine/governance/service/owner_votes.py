"""An owner's side of a vote: whose ballots the login casts, why not, and casting them.

The login's registry parties (`registry.parties_of_user`) and the roll frozen at the
opening decide: a login linked to no one, or whose people are not on the frozen roll (the
unit was outside the scope, or changed hands before the opening, or is co-owned with
another designated voter), casts nothing, and is told which of these it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from sunshine.governance.models import Vote
from sunshine.governance.models import VoteBallot
from sunshine.governance.models.votes import BallotWay
from sunshine.governance.rules.roll import Voter
from sunshine.governance.rules.tally import Choice
from sunshine.governance.service import ballots
from sunshine.governance.service.votes import roll_of
from sunshine.kernel.errors import Forbidden
from sunshine.kernel.errors import Invalid
from sunshine.registry import service as registry

UNLINKED = "unlinked"  # the login is linked to no one in this community's registry
NOT_ON_ROLL = "not_on_roll"  # linked, but casts no ballot on the frozen roll


@dataclass(frozen=True, slots=True)
class MyVoter:
    """A person whose ballot this login casts: the roll's entry, the units, the latest ballot."""

    party_id: int
    voter: Voter
    units: tuple[str, ...]
    latest: VoteBallot | None  # the ballot that counts now, if any


@dataclass(frozen=True, slots=True)
class MyPlace:
    voters: tuple[MyVoter, ...]
    why_not: str | None  # UNLINKED or NOT_ON_ROLL when `voters` is empty


def my_place(session: Session, vote: Vote, user_id: int) -> MyPlace:
    """The persons on the vote's frozen roll whose ballots this login casts, or why none."""
    parties = registry.parties_of_user(session, vote.community_id, user_id)
    if not parties:
        return MyPlace((), UNLINKED)
    roll = roll_of(vote)
    numbers = {unit.unit_id: unit.number for unit in roll.units}
    found: dict[str, MyVoter] = {}
    for party in parties:
        for voter in roll.voters_cast_by(party):
            if voter.key in found:
                continue
            latest = [b for b in ballots.history(session, vote.community_id, vote.id, voter.key)
                      if not b.replaced]  # fmt: skip
            units = tuple(sorted(numbers[u] for u in voter.unit_ids))
            found[voter.key] = MyVoter(party, voter, units, latest[-1] if latest else None)
    if not found:
        return MyPlace((), NOT_ON_ROLL)
    return MyPlace(tuple(found.values()), None)


def cast_my_ballot(
    session: Session,
    vote: Vote,
    user_id: int,
    *,
    answers: Mapping[int, Choice],
    voter: str | None,
    at: datetime,
) -> ballots.Cast:
    """Cast (or replace) the ballot of a person this login casts for. Forbidden otherwise."""
    place = my_place(session, vote, user_id)
    chosen = [m for m in place.voters if voter in (None, m.voter.key)]
    if not chosen:
        raise Forbidden("you cast no ballot on this vote's roll")
    if len(chosen) > 1:  # several persons: the form says whose ballot this is
        raise Invalid("you cast more than one person's ballot: say whose this is")
    mine = chosen[0]
    return ballots.cast_ballot(
        session, vote.community_id, vote.id, party_id=mine.party_id, answers=answers,
        way=BallotWay.ELECTRONIC, at=at, voter=mine.voter.key, actor_id=user_id,
    )  # fmt: skip
