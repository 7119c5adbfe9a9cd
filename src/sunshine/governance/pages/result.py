"""A closed vote's result, as logged: on screen and printable for the paper board.

Aggregates only (rules.vote_record): per matter the total, participating, agreeing,
disagreeing and abstaining area and headcount, both thresholds with their legal source,
whether the quorum was met, the outcome (passed, rejected, or 未达法定参与表决比例), and under
the silent-majority setting both tallies. Never a name, a ballot or a receipt.

Like the paper board it is posted on, the result is a public notice (READ_PUBLIC): anyone
may read it, logged in or not, where the community's disclosure is public; otherwise those
with a role in the community. The ballot form, the desk, drafts and open votes stay theirs.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi import Request
from fastapi.responses import Response

from sunshine.governance.pages.common import VOTE
from sunshine.governance.pages.common import matter_rows
from sunshine.governance.pages.common import render_votes
from sunshine.governance.pages.common import shown_vote
from sunshine.governance.service import counting
from sunshine.governance.service import votes
from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra.inputs import RowId
from sunshine.infra.tenancy import CommunityRef
from sunshine.infra.web import CurrentCommunity
from sunshine.infra.web import DbSession
from sunshine.infra.web import OptionalViewer
from sunshine.infra.web import Viewer
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import NotFound

router = APIRouter(include_in_schema=False)


def _result(
    request: Request,
    session: Any,
    viewer: Viewer | None,
    community: CommunityRef,
    number: int,
    template: str,
) -> Response:
    identity.authorize(viewer, Action.READ_PUBLIC, community)
    vote = shown_vote(session, community, number, viewer)
    result = counting.result_of(vote)
    if result is None and not identity.can(viewer, Action.VIEW_COMMUNITY, community):
        # An open vote is its members' business: to the public it has no result to show.
        raise NotFound("no closed owners' vote {id} in this community", args={"id": number})
    if result is None:
        raise Conflict("vote {id} has not closed: there is no result yet", args={"id": number})
    titles = {m["number"]: m for m in matter_rows(vote)}
    buildings, units = votes.scope_names(session, vote)
    return render_votes(
        request, viewer, community, template, vote=vote, result=result, tally=result["tally"],
        titles=titles, buildings=buildings, units=units, logged_in=viewer is not None,
    )  # fmt: skip


@router.get(f"{VOTE}/result")
def result_page(
    request: Request,
    number: RowId,
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
) -> Response:
    """The logged result of a closed vote, matter by matter."""
    return _result(request, session, viewer, community, number, "governance/result.html")


@router.get(f"{VOTE}/result/print")
def result_print(
    request: Request,
    number: RowId,
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
) -> Response:
    """The same result laid out for printing and posting on the paper board (A4)."""
    return _result(request, session, viewer, community, number, "governance/result_print.html")
