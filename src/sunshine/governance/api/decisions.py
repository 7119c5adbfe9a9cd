"""JSON API of governance: the committee's decisions, for everyone with a role in the community.

Each decision comes with the record it appended to the public log: members by number, the
counts, the rules and settings it was counted by, and the day it was due on the board.
"""

from __future__ import annotations

from fastapi import APIRouter

from sunshine.governance import schemas
from sunshine.governance.service import decisions
from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra.inputs import RowId
from sunshine.infra.web import CurrentCommunity
from sunshine.infra.web import CurrentViewer
from sunshine.infra.web import DbSession

router = APIRouter(prefix="/communities/{code}/governance", tags=["governance"])


@router.get("/decisions")
def list_decisions(
    session: DbSession, viewer: CurrentViewer, community: CurrentCommunity
) -> list[schemas.DecisionRead]:
    identity.authorize(viewer, Action.VIEW_COMMUNITY, community.id)
    return [
        schemas.DecisionRead.from_model(d) for d in decisions.list_decisions(session, community.id)
    ]


@router.get("/decisions/{number}")
def get_decision(
    number: RowId, session: DbSession, viewer: CurrentViewer, community: CurrentCommunity
) -> schemas.DecisionRead:
    """One decision, by its number in the community."""
    identity.authorize(viewer, Action.VIEW_COMMUNITY, community.id)
    decision = decisions.get_decision(session, community.id, number)
    return schemas.DecisionRead.from_model(decision)
