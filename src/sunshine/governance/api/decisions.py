"""JSON API of governance: the committee's decisions, for everyone with a role in the community.

Each decision comes with the record it appended to the public log: members by number, the
counts, the rules and settings it was counted by, and the day it was due on the board. An
announced decision is a public notice, as its page is (READ_PUBLIC): where the community's
disclosure is public anyone reads the announced ones, logged in or not.
"""

from __future__ import annotations

from fastapi import APIRouter

from sunshine.governance import schemas
from sunshine.governance.models import Decision
from sunshine.governance.service import decisions
from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra.inputs import RowId
from sunshine.infra.tenancy import CommunityRef
from sunshine.infra.web import CurrentCommunity
from sunshine.infra.web import DbSession
from sunshine.infra.web import OptionalViewer
from sunshine.infra.web import Viewer
from sunshine.kernel.errors import NotFound

router = APIRouter(prefix="/communities/{code}/governance", tags=["governance"])


def _shown(decision: Decision, viewer: Viewer | None, community: CommunityRef) -> bool:
    member = identity.can(viewer, Action.VIEW_COMMUNITY, community)
    return decisions.shown(decision, member=member)


@router.get("/decisions")
def list_decisions(
    session: DbSession, viewer: OptionalViewer, community: CurrentCommunity
) -> list[schemas.DecisionRead]:
    identity.authorize(viewer, Action.READ_PUBLIC, community)
    found = decisions.list_decisions(session, community.id)
    return [schemas.DecisionRead.from_model(d) for d in found if _shown(d, viewer, community)]


@router.get("/decisions/{number}")
def get_decision(
    number: RowId, session: DbSession, viewer: OptionalViewer, community: CurrentCommunity
) -> schemas.DecisionRead:
    """One decision, by its number in the community."""
    identity.authorize(viewer, Action.READ_PUBLIC, community)
    decision = decisions.get_decision(session, community.id, number)
    if not _shown(decision, viewer, community):
        raise NotFound("no announced decision {id} in this community", args={"id": number})
    return schemas.DecisionRead.from_model(decision)
