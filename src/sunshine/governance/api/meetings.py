"""JSON API of the joint meeting: read by everyone in the community, recorded by staff.

Owners (everyone with a role in the community) read the published meetings and their
overdue actions; a draft is shown only to those who record meetings (Action.RECORD_MEETING),
who also write: create, attendees, agenda, minutes, resolutions, actions, done, publish and
corrections. Someone logged out is asked to log in; a stranger gets 404.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi import status
from sqlalchemy.orm import Session

from sunshine.governance.models import Meeting
from sunshine.governance.rules.meetings import MeetingState
from sunshine.governance.schemas import meetings as schemas
from sunshine.governance.service import meetings
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
from sunshine.kernel.errors import NotFound

router = APIRouter(prefix="/communities/{code}/governance/meetings", tags=["governance"])
Writes = [CsrfChecked]


def _read(
    session: Session, viewer: Viewer, community: CommunityRef, meeting: Meeting
) -> schemas.MeetingRead:
    full = identity.can(viewer, Action.RECORD_MEETING, community.id)
    return schemas.MeetingRead.from_model(session, meeting, today=clock.today(), full=full)


def _shown(session: Session, viewer: Viewer, community: CommunityRef, number: int) -> Meeting:
    identity.authorize(viewer, Action.VIEW_COMMUNITY, community.id)
    meeting = meetings.get_meeting(session, community.id, number)
    draft = meeting.state is MeetingState.DRAFT
    if draft and not identity.can(viewer, Action.RECORD_MEETING, community.id):
        raise NotFound("no joint meeting {id} in this community", args={"id": number})
    return meeting


def _recorder(viewer: Viewer, community: CommunityRef) -> None:
    identity.authorize(viewer, Action.RECORD_MEETING, community.id)


@router.get("")
def list_meetings(
    session: DbSession, viewer: CurrentViewer, community: CurrentCommunity
) -> list[schemas.MeetingRead]:
    """The meetings, latest first: published ones, and drafts for those who record them."""
    identity.authorize(viewer, Action.VIEW_COMMUNITY, community.id)
    everything = identity.can(viewer, Action.RECORD_MEETING, community.id)
    found = meetings.list_meetings(session, community.id, published_only=not everything)
    return [_read(session, viewer, community, m) for m in found]


@router.get("/overdue")
def overdue_actions(
    session: DbSession, viewer: CurrentViewer, community: CurrentCommunity
) -> list[schemas.ActionRead]:
    """Actions of published meetings not done by their due day."""
    identity.authorize(viewer, Action.VIEW_COMMUNITY, community.id)
    full = identity.can(viewer, Action.RECORD_MEETING, community.id)
    today = clock.today()
    found = meetings.overdue(session, community.id, today=today, published_only=True)
    return [schemas.ActionRead.from_model(o.meeting, o.action, today=today, full=full)
            for o in found]  # fmt: skip


@router.get("/{number}")
def get_meeting(
    number: RowId, session: DbSession, viewer: CurrentViewer, community: CurrentCommunity
) -> schemas.MeetingRead:
    return _read(session, viewer, community, _shown(session, viewer, community, number))


@router.post("", status_code=status.HTTP_201_CREATED, dependencies=Writes)
def create_meeting(
    body: schemas.MeetingCreate, session: DbSession, viewer: CurrentViewer,
    community: CurrentCommunity,
) -> schemas.MeetingRead:  # fmt: skip
    _recorder(viewer, community)
    made = meetings.create_meeting(
        session, community.id, title=body.title, held_on=body.held_on, place=body.place,
        actor_id=viewer.user_id,
    )  # fmt: skip
    session.commit()
    return _read(session, viewer, community, made)


@router.post("/{number}/attendees", dependencies=Writes)
def add_attendee(
    number: RowId, body: schemas.AttendeeAdd, session: DbSession, viewer: CurrentViewer,
    community: CurrentCommunity,
) -> schemas.MeetingRead:  # fmt: skip
    _recorder(viewer, community)
    made = meetings.attend(
        session, community.id, number, party=body.party, organisation=body.organisation,
        role=body.role, name=body.name,
    )  # fmt: skip
    session.commit()
    return _read(session, viewer, community, made)


@router.post("/{number}/agenda", dependencies=Writes)
def add_agenda(
    number: RowId, body: schemas.TextAdd, session: DbSession, viewer: CurrentViewer,
    community: CurrentCommunity,
) -> schemas.MeetingRead:  # fmt: skip
    _recorder(viewer, community)
    made = meetings.add_agenda(session, community.id, number, body.text)
    session.commit()
    return _read(session, viewer, community, made)


@router.put("/{number}/minutes", dependencies=Writes)
def set_minutes(
    number: RowId, body: schemas.TextAdd, session: DbSession, viewer: CurrentViewer,
    community: CurrentCommunity,
) -> schemas.MeetingRead:  # fmt: skip
    _recorder(viewer, community)
    made = meetings.set_minutes(session, community.id, number, body.text)
    session.commit()
    return _read(session, viewer, community, made)


@router.post("/{number}/resolutions", dependencies=Writes)
def add_resolution(
    number: RowId, body: schemas.TextAdd, session: DbSession, viewer: CurrentViewer,
    community: CurrentCommunity,
) -> schemas.MeetingRead:  # fmt: skip
    _recorder(viewer, community)
    made = meetings.resolve(session, community.id, number, body.text)
    session.commit()
    return _read(session, viewer, community, made)


@router.post("/{number}/actions", status_code=status.HTTP_201_CREATED, dependencies=Writes)
def add_action(
    number: RowId, body: schemas.ActionAdd, session: DbSession, viewer: CurrentViewer,
    community: CurrentCommunity,
) -> schemas.ActionRead:  # fmt: skip
    _recorder(viewer, community)
    made = meetings.add_action(
        session, community.id, number, text=body.text, party=body.party, owner=body.owner,
        due_on=body.due_on, refs=body.refs,
    )  # fmt: skip
    session.commit()
    meeting = meetings.get_meeting(session, community.id, number)
    return schemas.ActionRead.from_model(meeting, made, today=clock.today(), full=True)


@router.post("/actions/{action}/done", dependencies=Writes)
def mark_done(
    action: RowId, body: schemas.DoneOn, session: DbSession, viewer: CurrentViewer,
    community: CurrentCommunity,
) -> schemas.ActionRead:  # fmt: skip
    _recorder(viewer, community)
    made = meetings.mark_done(session, community.id, action, on=body.on, actor_id=viewer.user_id)
    session.commit()
    meeting = meetings.get_meeting(session, community.id, made.meeting_id)
    return schemas.ActionRead.from_model(meeting, made, today=clock.today(), full=True)


@router.post("/{number}/publish", dependencies=Writes)
def publish(
    number: RowId, body: schemas.PublishOn, session: DbSession, viewer: CurrentViewer,
    community: CurrentCommunity,
) -> schemas.MeetingRead:  # fmt: skip
    """Publish the minutes (version 1) to owners and the public log; the meeting is locked."""
    _recorder(viewer, community)
    meetings.publish(session, community.id, number, on=body.on, actor_id=viewer.user_id)
    session.commit()
    return _read(session, viewer, community, meetings.get_meeting(session, community.id, number))


@router.post("/{number}/corrections", dependencies=Writes)
def correct(
    number: RowId, body: schemas.Correction, session: DbSession, viewer: CurrentViewer,
    community: CurrentCommunity,
) -> schemas.MeetingRead:  # fmt: skip
    """Correct published minutes: the next version, logged with its reason."""
    _recorder(viewer, community)
    meetings.correct(
        session, community.id, number, reason=body.reason, on=body.on, actor_id=viewer.user_id,
        minutes=body.minutes, resolutions=body.resolutions,
    )  # fmt: skip
    session.commit()
    return _read(session, viewer, community, meetings.get_meeting(session, community.id, number))
