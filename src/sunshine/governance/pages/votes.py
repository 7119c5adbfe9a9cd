"""Owners' votes as owners use them, on a phone: the list, a vote and its ballot, receipts.

- /c/{code}/votes: the votes everyone in the community may see (open and closed; drafts
  only for the desk).
- /c/{code}/votes/{n}: the matters with their items and thresholds, the scope, the times,
  the notice; for a person on the frozen roll, the ballot form (agree / disagree / abstain
  per matter, blank leaves a matter unanswered); anyone else is told why they cannot vote.
  A new ballot replaces the earlier one until the close.
- POST …/ballot: the receipt code, shown this once, with what it is for.
- …/receipt: find one's ballot by its code (POST: the code stays out of the address).
- …/result and …/result/print: the logged result, aggregates only (`result` module).
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter
from fastapi import Form
from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from sunshine.governance.models import Vote
from sunshine.governance.models.votes import VoteState
from sunshine.governance.pages.common import VOTE
from sunshine.governance.pages.common import VOTES
from sunshine.governance.pages.common import FormAnswers
from sunshine.governance.pages.common import desk_user
from sunshine.governance.pages.common import matter_rows
from sunshine.governance.pages.common import parse_answers
from sunshine.governance.pages.common import render_votes
from sunshine.governance.pages.common import shown_vote
from sunshine.governance.pages.common import status_of
from sunshine.governance.service import counting
from sunshine.governance.service import owner_votes
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
from sunshine.infra.web import Viewer
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Forbidden
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.kernel.errors import SunshineError

router = APIRouter(include_in_schema=False)
REFUSED = (Invalid, Conflict, NotFound, Forbidden)


@router.get(VOTES)
def vote_list(
    request: Request, session: DbSession, viewer: CurrentViewer, community: CurrentCommunity
) -> Response:
    """Open votes first, then closed ones with their outcome; drafts for the desk only."""
    identity.authorize(viewer, Action.VIEW_COMMUNITY, community.id)
    desk = desk_user(viewer, community)
    shown = [v for v in votes.list_votes(session, community.id)
             if desk or v.state is not VoteState.DRAFT]  # fmt: skip
    order = {VoteState.OPEN: 0, VoteState.DRAFT: 1, VoteState.CLOSED: 2}
    shown.sort(key=lambda v: (order[v.state], -v.id))
    return render_votes(
        request, viewer, community, "governance/votes.html", votes=shown, now=clock.now(),
        results={v.id: counting.result_of(v) for v in shown},
    )  # fmt: skip


def _vote_page(
    request: Request,
    session: Session,
    viewer: Viewer,
    community: CommunityRef,
    vote: Vote,
    *,
    error: SunshineError | None = None,
    answers: dict[str, str] | None = None,
) -> Response:
    now = clock.now()
    taking = vote.state is VoteState.OPEN and vote.opens_at <= now < vote.closes_at
    place = (
        None
        if vote.state is VoteState.DRAFT
        else owner_votes.my_place(session, vote, viewer.user_id)
    )
    buildings, units = votes.scope_names(session, vote)
    return render_votes(
        request, viewer, community, "governance/vote.html",
        status_code=status_of(error) if error else 200, vote=vote, matters=matter_rows(vote),
        buildings=buildings, units=units, place=place, taking=taking, now=now, error=error,
        answers=answers or {}, result=counting.result_of(vote),
    )  # fmt: skip


@router.get(VOTE)
def vote_page(
    request: Request,
    number: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
) -> Response:
    """The vote and, for a person on its frozen roll while it is open, the ballot form."""
    identity.authorize(viewer, Action.VIEW_COMMUNITY, community.id)
    vote = shown_vote(session, community, number, viewer)
    return _vote_page(request, session, viewer, community, vote)


@router.post(f"{VOTE}/ballot", dependencies=[CsrfChecked])
def cast(
    request: Request,
    number: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    raw: FormAnswers,
    voter: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Cast (or replace) one's ballot; the receipt code is shown once."""
    identity.authorize(viewer, Action.VIEW_COMMUNITY, community.id)
    vote = shown_vote(session, community, number, viewer)
    try:
        with session.begin_nested():
            answers = parse_answers(raw)
            cast = owner_votes.cast_my_ballot(
                session, vote, viewer.user_id, answers=answers, voter=voter or None,
                at=clock.now(),
            )  # fmt: skip
    except REFUSED as exc:
        return _vote_page(request, session, viewer, community, vote, error=exc, answers=raw)
    session.commit()
    page = render_votes(
        request, viewer, community, "governance/receipt_given.html", vote=vote,
        receipt=cast.receipt, cast_at=cast.ballot.cast_at, matters=votes.matters_of(vote),
        answers=json.loads(cast.ballot.answers),
    )  # fmt: skip
    page.headers["Cache-Control"] = "no-store"  # shown once: not kept by the browser either
    return page


@router.get(f"{VOTE}/receipt")
def receipt_form(
    request: Request,
    number: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
) -> Response:
    """Where a receipt code finds its ballot."""
    identity.authorize(viewer, Action.VIEW_COMMUNITY, community.id)
    vote = shown_vote(session, community, number, viewer)
    return render_votes(request, viewer, community, "governance/receipt.html", vote=vote)


@router.post(f"{VOTE}/receipt", dependencies=[CsrfChecked])
def receipt_lookup(
    request: Request,
    number: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    receipt: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """The ballot the code was given for: its answers, replaced or not, counted or not."""
    identity.authorize(viewer, Action.VIEW_COMMUNITY, community.id)
    vote = shown_vote(session, community, number, viewer)
    try:
        check = counting.check_receipt(session, community.id, vote.id, receipt)
    except NotFound as exc:
        return render_votes(
            request, viewer, community, "governance/receipt.html", vote=vote, error=exc,
            status_code=404, receipt=receipt,
        )  # fmt: skip
    return render_votes(
        request, viewer, community, "governance/receipt.html", vote=vote, check=check,
        answers=json.loads(check.ballot.answers), matters=votes.matters_of(vote),
    )  # fmt: skip
