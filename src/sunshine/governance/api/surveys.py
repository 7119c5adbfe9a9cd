"""JSON API of surveys (意见征求) and announcements (公告), read-only.

They are public notices, as their pages are (READ_PUBLIC): where the community's
disclosure is public anyone reads them, logged in or not; otherwise everyone with a role
in the community. A closed survey comes with its logged result, aggregates only; an open
one with what it asks. Opening, answering, entering and closing surveys and publishing
announcements stay on the pages and the CLI.
"""

from __future__ import annotations

from fastapi import APIRouter

from sunshine.governance.schemas.surveys import AnnouncementRead
from sunshine.governance.schemas.surveys import SurveyRead
from sunshine.governance.service import announcements
from sunshine.governance.service import surveys
from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra.inputs import RowId
from sunshine.infra.web import CurrentCommunity
from sunshine.infra.web import DbSession
from sunshine.infra.web import OptionalViewer

router = APIRouter(prefix="/communities/{code}/governance", tags=["governance"])


@router.get("/surveys")
def list_surveys(
    session: DbSession, viewer: OptionalViewer, community: CurrentCommunity
) -> list[SurveyRead]:
    """Every survey, newest first; a closed one with its result (aggregates only)."""
    identity.authorize(viewer, Action.READ_PUBLIC, community)
    return [SurveyRead.from_model(s) for s in surveys.list_surveys(session, community.id)]


@router.get("/surveys/{number}")
def get_survey(
    number: RowId, session: DbSession, viewer: OptionalViewer, community: CurrentCommunity
) -> SurveyRead:
    """One survey, by its number in the community."""
    identity.authorize(viewer, Action.READ_PUBLIC, community)
    return SurveyRead.from_model(surveys.get_survey(session, community.id, number))


@router.get("/announcements")
def list_announcements(
    session: DbSession, viewer: OptionalViewer, community: CurrentCommunity
) -> list[AnnouncementRead]:
    """Every announcement, newest first, with its deadline and whether it was late."""
    identity.authorize(viewer, Action.READ_PUBLIC, community)
    rows = announcements.list_announcements(session, community.id)
    return [AnnouncementRead.from_model(a) for a in rows]


@router.get("/announcements/{number}")
def get_announcement(
    number: RowId, session: DbSession, viewer: OptionalViewer, community: CurrentCommunity
) -> AnnouncementRead:
    """One announcement, by its number in the community."""
    identity.authorize(viewer, Action.READ_PUBLIC, community)
    return AnnouncementRead.from_model(
        announcements.get_announcement(session, community.id, number)
    )
