"""JSON API of owners' votes: read by everyone in the community, a ballot by the owner.

A closed vote, with its logged result, is a public notice as its result page is
(READ_PUBLIC): where the community's disclosure is public anyone reads it, logged in or
not; open votes stay the community's.

The committee drafts, opens and closes a vote (Action.MANAGE_VOTES); staff and the
committee enter paper and proxy ballots whose scan or authorisation was uploaded as a
voucher first (Action.ENTER_BALLOTS).

A draft is not shown: owners see a vote once it opens, with the notice given.

The owner's ballot route casts for the people the login is linked to in the registry; the
frozen roll decides whether that person votes (403 otherwise). The receipt route finds a
ballot by the code given when it was cast, and says whether the count took it.
"""

from __future__ import annotations

import json

from fastapi import APIRouter
from fastapi import status

from sunshine.governance.models.votes import BallotWay
from sunshine.governance.models.votes import Vote
from sunshine.governance.models.votes import VoteState
from sunshine.governance.rules.thresholds import Item
from sunshine.governance.schemas import votes as schemas
from sunshine.governance.service import ballots
from sunshine.governance.service import counting
from sunshine.governance.service import votes
from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra import clock
from sunshine.infra.inputs import RowId
from sunshine.infra.tenancy import CommunityRef
from sunshine.infra.web import CsrfChecked
from sunshine.infra.web import CurrentCommunity
from sunshine.infra.web import CurrentViewer
from sunshine.infra.web import DbSession
from sunshine.infra.web import OptionalViewer
from sunshine.infra.web import Viewer
from sunshine.kernel.errors import Forbidden
from sunshine.kernel.errors import NotFound
from sunshine.registry import service as registry

router = APIRouter(prefix="/communities/{code}/governance/votes", tags=["governance"])


def _shown(vote: Vote, viewer: Viewer | None, community: CommunityRef) -> bool:
    """Owners see a vote once it opens, with its notice; the public once it has closed."""
    if identity.can(viewer, Action.VIEW_COMMUNITY, community):
        return vote.state is not VoteState.DRAFT
    return counting.result_of(vote) is not None


@router.get("")
def list_votes(
    session: DbSession, viewer: OptionalViewer, community: CurrentCommunity
) -> list[schemas.VoteRead]:
    identity.authorize(viewer, Action.READ_PUBLIC, community)
    shown = [v for v in votes.list_votes(session, community.id) if _shown(v, viewer, community)]
    return [schemas.VoteRead.from_model(v) for v in shown]


@router.get("/{number}")
def get_vote(
    number: RowId, session: DbSession, viewer: OptionalViewer, community: CurrentCommunity
) -> schemas.VoteRead:
    identity.authorize(viewer, Action.READ_PUBLIC, community)
    vote = votes.get_vote(session, community.id, number)
    if not _shown(vote, viewer, community):
        raise NotFound("no owners' vote {id} in this community", args={"id": number})
    return schemas.VoteRead.from_model(vote)


@router.post("/{number}/ballot", status_code=status.HTTP_201_CREATED, dependencies=[CsrfChecked])
def cast_ballot(
    number: RowId,
    body: schemas.BallotCast,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
) -> schemas.BallotReceipt:
    """The logged-in owner's ballot (a later one replaces it until the vote closes)."""
    identity.authorize(viewer, Action.VIEW_COMMUNITY, community.id)
    vote = votes.get_vote(session, community.id, number)
    roll = votes.roll_of(vote)
    parties = [
        party
        for party in registry.parties_of_user(session, community.id, viewer.user_id)
        if any(body.voter in (None, v.key) for v in roll.voters_cast_by(party))
    ]
    if not parties:
        raise Forbidden("you cast no ballot on this vote's roll")
    cast = ballots.cast_ballot(
        session, community.id, number, party_id=parties[0], answers=body.answers,
        way=BallotWay.ELECTRONIC, at=clock.now(), voter=body.voter, actor_id=viewer.user_id,
    )  # fmt: skip
    session.commit()
    return schemas.BallotReceipt(vote=number, receipt=cast.receipt)


@router.post("/{number}/receipt", dependencies=[CsrfChecked])
def find_receipt(
    number: RowId,
    body: schemas.ReceiptLookup,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
) -> schemas.ReceiptFound:
    """Find one's ballot by its receipt code (POST: the code stays out of the address)."""
    identity.authorize(viewer, Action.VIEW_COMMUNITY, community.id)
    check = counting.check_receipt(session, community.id, number, body.receipt)
    return schemas.ReceiptFound(
        answers=json.loads(check.ballot.answers), cast_at=check.ballot.cast_at,
        replaced=check.replaced, counted=check.counted,
    )  # fmt: skip


@router.post("", status_code=status.HTTP_201_CREATED, dependencies=[CsrfChecked])
def draft_vote(
    body: schemas.VoteDraftIn,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
) -> schemas.VoteRead:
    """Draft a vote (shown to owners and logged once it opens)."""
    identity.authorize(viewer, Action.MANAGE_VOTES, community.id)
    vote = votes.create_vote(
        session, community.id, title=body.title,
        matters=[votes.MatterDraft(Item(m.item), m.title) for m in body.matters],
        scope=votes.scope_named(session, community.id, body.buildings, body.units),
        opens_at=body.opens_at, closes_at=body.closes_at, notice_text=body.notice_text,
        notice_on=body.notice_on, actor_id=viewer.user_id,
        silent_follow_majority=body.silent_follow_majority,
    )  # fmt: skip
    session.commit()
    return schemas.VoteRead.from_model(vote)


@router.post("/{number}/open", dependencies=[CsrfChecked])
def open_vote(
    number: RowId, session: DbSession, viewer: CurrentViewer, community: CurrentCommunity
) -> schemas.VoteRead:
    """Open a drafted vote now: its roll is frozen and the opening logged."""
    identity.authorize(viewer, Action.MANAGE_VOTES, community.id)
    vote = counting.open_vote(session, community.id, number, at=clock.now())
    session.commit()
    return schemas.VoteRead.from_model(vote)


@router.post("/{number}/close", dependencies=[CsrfChecked])
def close_vote(
    number: RowId, session: DbSession, viewer: CurrentViewer, community: CurrentCommunity
) -> schemas.VoteRead:
    """Close the vote once its time is up: counted, and the result logged."""
    identity.authorize(viewer, Action.MANAGE_VOTES, community.id)
    vote = counting.close_vote(session, community.id, number, at=clock.now())
    session.commit()
    return schemas.VoteRead.from_model(vote)


@router.post("/{number}/paper", status_code=status.HTTP_201_CREATED, dependencies=[CsrfChecked])
def enter_ballot(
    number: RowId,
    body: schemas.DeskBallot,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
) -> schemas.DeskBallotEntered:
    """Enter a paper or proxy ballot whose document was uploaded as a voucher."""
    identity.authorize(viewer, Action.ENTER_BALLOTS, community.id)
    vote = votes.get_vote(session, community.id, number)
    person = votes.roll_of(vote).voter(body.voter)
    if person is None:
        raise NotFound(
            "{voter} is not on vote {id}'s roll", args={"voter": body.voter, "id": number}
        )
    way = BallotWay(body.way)
    docs = (
        ballots.Documents(voucher_sha256=body.voucher_sha256)
        if way is BallotWay.PAPER
        else ballots.Documents(authorisation_sha256=body.voucher_sha256)
    )
    cast = ballots.cast_ballot(
        session, community.id, number, party_id=min(person.casters), answers=body.answers,
        way=way, at=clock.now(), voter=body.voter, documents=docs, actor_id=viewer.user_id,
    )  # fmt: skip
    session.commit()
    return schemas.DeskBallotEntered(vote=number, ballot=cast.ballot.id, receipt=cast.receipt)
