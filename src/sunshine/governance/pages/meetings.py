"""The joint meeting's pages at /c/{code}/meetings.

Owners (everyone with a role in the community) read the published meetings: agenda,
attendees by party (names masked), minutes, resolutions and actions with their due days,
overdue ones flagged in red, and the versions the minutes were published in. Those who
record meetings (Action.RECORD_MEETING: the trustee's staff, committee members, the
supervising Party committee) have /meetings/manage: record a meeting, its attendees,
agenda, minutes, resolutions and actions, publish it, correct it, and mark actions done.
Each meeting prints on one sheet for the paper board (/meetings/{number}/print).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from typing import Any

from fastapi import APIRouter
from fastapi import Form
from fastapi import Request
from fastapi.responses import RedirectResponse
from fastapi.responses import Response
from sqlalchemy.orm import Session

from sunshine.governance.models import Meeting
from sunshine.governance.rules.meetings import FOUR_PARTIES
from sunshine.governance.rules.meetings import MeetingParty
from sunshine.governance.rules.meetings import MeetingState
from sunshine.governance.rules.meetings import days_overdue
from sunshine.governance.rules.meetings import is_overdue
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
from sunshine.infra.web import render
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.registry.rules.roster_format import N_

router = APIRouter(include_in_schema=False)
MEETINGS = "/c/{code}/meetings"
MANAGE = f"{MEETINGS}/manage"
FormText = Annotated[str, Form(max_length=20_000)]
FormDay = Annotated[date, Form()]
REFUSALS = (Invalid, Conflict, NotFound)
STATUS: dict[type[Exception], int] = {Invalid: 422, Conflict: 409, NotFound: 404}
PARTY_LABELS: dict[str, str] = {
    MeetingParty.PARTY_COMMITTEE: N_("Neighbourhood Party committee"),
    MeetingParty.GRID_BRANCH: N_("Grid Party branch"),
    MeetingParty.COMMITTEE: N_("Owners' or property committee"),
    MeetingParty.TRUSTEE: N_("Property company (trustee)"),
    MeetingParty.GUEST: N_("Guest"),
}
FIELDS: dict[str, str] = {
    "title": N_("Title"),
    "place": N_("Place"),
    "organisation": N_("Organisation"),
    "role": N_("Role"),
    "name": N_("Name of the attendee"),
    "agenda": N_("Agenda item"),
    "minutes": N_("Minutes"),
    "resolution": N_("Resolution"),
    "text": N_("What is to be done"),
    "owner": N_("Responsible"),
    "due_on": N_("Due by"),
    "refs": N_("Concerns"),
    "reason": N_("Reason"),
}


def _page(
    request: Request,
    viewer: Viewer,
    community: CommunityRef,
    template: str,
    *,
    status_code: int = 200,
    **context: Any,
) -> Response:
    cid = community.id
    base = {
        "community": community,
        "community_name": community.name,
        "staff": identity.can(viewer, Action.VIEW_REGISTRY, cid),
        "can_record": identity.can(viewer, Action.RECORD_MEETING, cid),
        "parties": PARTY_LABELS,
        "four": FOUR_PARTIES,
        "party_choices": list(MeetingParty),
        "fields": FIELDS,
        "today": clock.today(),
    }
    return render(request, template, {**base, **context}, status_code=status_code)


def _view(session: Session, meeting: Meeting, *, full: bool, today: date) -> dict[str, Any]:
    """What the templates show of a meeting; names masked unless `full`."""
    actions = [
        {
            "id": a.id,
            "text": a.text,
            "party": a.party.value,
            "owner": a.owner if full else meetings.owner_shown(meeting, a),
            "due_on": a.due_on,
            "done_on": a.done_on,
            "overdue": is_overdue(a.due_on, a.done_on, today),
            "days": days_overdue(a.due_on, a.done_on, today),
            "late": a.done_on is not None and a.done_on > a.due_on,
            "refs": meetings.refs_of(a),
        }
        for a in meetings.actions_of(session, meeting.community_id, meeting.id)
    ]
    attendees = meetings.attendees_of(meeting)
    by_party = [
        (party, [a for a in attendees if a.party is party])
        for party in MeetingParty
        if party in FOUR_PARTIES or any(a.party is party for a in attendees)
    ]
    return {
        "meeting": meeting,
        "agenda": meetings.agenda_of(meeting),
        "resolutions": meetings.resolutions_of(meeting),
        "by_party": by_party,
        "missing": meetings.missing_parties(meeting),
        "actions": actions,
        "overdue": sum(1 for a in actions if a["overdue"]),
        "versions": meetings.versions(session, meeting.community_id, meeting.id),
        "full": full,
    }


def _readable(session: Session, viewer: Viewer, community: CommunityRef, number: int) -> Meeting:
    identity.authorize(viewer, Action.VIEW_COMMUNITY, community.id)
    meeting = meetings.get_meeting(session, community.id, number)
    if meeting.state is MeetingState.DRAFT and not identity.can(
        viewer, Action.RECORD_MEETING, community.id
    ):
        raise NotFound("no joint meeting {id} in this community", args={"id": number})
    return meeting


# --- owners ---------------------------------------------------------------------------


@router.get(MEETINGS)
def meetings_page(
    request: Request, session: DbSession, viewer: CurrentViewer, community: CurrentCommunity
) -> Response:
    """The published joint meetings, latest first, with their overdue actions."""
    identity.authorize(viewer, Action.VIEW_COMMUNITY, community.id)
    today = clock.today()
    shown = meetings.list_meetings(session, community.id, published_only=True)
    return _page(
        request, viewer, community, "governance/meetings.html",
        meetings=[_view(session, m, full=False, today=today) for m in shown],
        overdue=meetings.overdue(session, community.id, today=today, published_only=True),
    )  # fmt: skip


# --- staff: recording (before /{number}, which would take "manage" for a number) ------


@router.get(MANAGE)
def manage_page(
    request: Request, session: DbSession, viewer: CurrentViewer, community: CurrentCommunity
) -> Response:
    identity.authorize(viewer, Action.RECORD_MEETING, community.id)
    return _manage_list(request, session, viewer, community)


def _manage_list(
    request: Request,
    session: Session,
    viewer: Viewer,
    community: CommunityRef,
    *,
    error: Exception | None = None,
) -> Response:
    return _page(
        request, viewer, community, "governance/meetings_manage.html",
        status_code=STATUS[type(error)] if error else 200, error=error,
        meetings=meetings.list_meetings(session, community.id),
        overdue=meetings.overdue(session, community.id, today=clock.today()),
    )  # fmt: skip


@router.post(MANAGE, dependencies=[CsrfChecked])
def create_meeting(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    title: FormText,
    held_on: FormDay,
    place: FormText,
) -> Response:
    identity.authorize(viewer, Action.RECORD_MEETING, community.id)
    try:
        with session.begin_nested():
            made = meetings.create_meeting(
                session, community.id, title=title, held_on=held_on, place=place,
                actor_id=viewer.user_id,
            )  # fmt: skip
    except REFUSALS as exc:
        return _manage_list(request, session, viewer, community, error=exc)
    session.commit()
    return RedirectResponse(f"/c/{community.code}/meetings/manage/{made.id}", status_code=303)


@router.get(f"{MANAGE}/{{number}}")
def manage_meeting_page(
    request: Request,
    number: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
) -> Response:
    identity.authorize(viewer, Action.RECORD_MEETING, community.id)
    return _manage_one(request, session, viewer, community, number)


def _manage_one(
    request: Request,
    session: Session,
    viewer: Viewer,
    community: CommunityRef,
    number: int,
    *,
    error: Exception | None = None,
) -> Response:
    meeting = meetings.get_meeting(session, community.id, number)
    return _page(
        request, viewer, community, "governance/meeting_manage.html",
        status_code=STATUS[type(error)] if error else 200, error=error,
        **_view(session, meeting, full=True, today=clock.today()),
    )  # fmt: skip


def _step(
    request: Request,
    session: Session,
    viewer: Viewer,
    community: CommunityRef,
    number: int,
    run: Any,
) -> Response:
    """Run one recording step; a refusal shows the meeting again with what was refused."""
    identity.authorize(viewer, Action.RECORD_MEETING, community.id)
    try:
        with session.begin_nested():
            run()
    except REFUSALS as exc:
        return _manage_one(request, session, viewer, community, number, error=exc)
    session.commit()
    return RedirectResponse(f"/c/{community.code}/meetings/manage/{number}", status_code=303)


@router.post(f"{MANAGE}/{{number}}/attend", dependencies=[CsrfChecked])
def attend(
    request: Request,
    number: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    party: Annotated[MeetingParty, Form()],
    organisation: FormText,
    role: FormText = "",
    name: FormText = "",
) -> Response:
    return _step(request, session, viewer, community, number, lambda: meetings.attend(
        session, community.id, number, party=party, organisation=organisation, role=role,
        name=name))  # fmt: skip


@router.post(f"{MANAGE}/{{number}}/agenda", dependencies=[CsrfChecked])
def add_agenda(
    request: Request,
    number: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    item: FormText,
) -> Response:
    return _step(request, session, viewer, community, number,
                 lambda: meetings.add_agenda(session, community.id, number, item))  # fmt: skip


@router.post(f"{MANAGE}/{{number}}/minutes", dependencies=[CsrfChecked])
def set_minutes(
    request: Request,
    number: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    minutes: FormText = "",
) -> Response:
    return _step(request, session, viewer, community, number,
                 lambda: meetings.set_minutes(session, community.id, number, minutes))  # fmt: skip


@router.post(f"{MANAGE}/{{number}}/resolve", dependencies=[CsrfChecked])
def resolve(
    request: Request,
    number: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    resolution: FormText,
) -> Response:
    return _step(request, session, viewer, community, number,
                 lambda: meetings.resolve(session, community.id, number, resolution))  # fmt: skip


@router.post(f"{MANAGE}/{{number}}/action", dependencies=[CsrfChecked])
def add_action(
    request: Request,
    number: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    text: FormText,
    party: Annotated[MeetingParty, Form()],
    owner: FormText,
    due_on: FormDay,
    refs: FormText = "",
) -> Response:
    given = refs.replace("，", ",").replace(" ", ",").split(",")
    return _step(request, session, viewer, community, number, lambda: meetings.add_action(
        session, community.id, number, text=text, party=party, owner=owner, due_on=due_on,
        refs=given))  # fmt: skip


@router.post(f"{MANAGE}/{{number}}/publish", dependencies=[CsrfChecked])
def publish(
    request: Request,
    number: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    on: FormDay,
) -> Response:
    return _step(request, session, viewer, community, number, lambda: meetings.publish(
        session, community.id, number, on=on, actor_id=viewer.user_id))  # fmt: skip


@router.post(f"{MANAGE}/{{number}}/correct", dependencies=[CsrfChecked])
def correct(
    request: Request,
    number: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    reason: FormText,
    on: FormDay,
    minutes: FormText = "",
    resolutions: FormText = "",
) -> Response:
    """Corrected minutes and resolutions (one a line), published as the next version."""
    lines = [line for line in resolutions.splitlines() if line.strip()]
    meeting = meetings.get_meeting(session, community.id, number)
    changed_minutes = minutes if minutes.strip() and minutes.strip() != meeting.minutes else None
    changed_lines = lines if lines and lines != meetings.resolutions_of(meeting) else None
    return _step(request, session, viewer, community, number, lambda: meetings.correct(
        session, community.id, number, reason=reason, on=on, actor_id=viewer.user_id,
        minutes=changed_minutes, resolutions=changed_lines))  # fmt: skip


@router.post(f"{MANAGE}/{{number}}/actions/{{action}}/done", dependencies=[CsrfChecked])
def mark_done(
    request: Request,
    number: RowId,
    action: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    on: FormDay,
) -> Response:
    def run() -> None:
        if meetings.get_action(session, community.id, action).meeting_id != number:
            raise NotFound("no meeting action {id} in this community", args={"id": action})
        meetings.mark_done(session, community.id, action, on=on, actor_id=viewer.user_id)

    return _step(request, session, viewer, community, number, run)


# --- one meeting ----------------------------------------------------------------------


@router.get(f"{MEETINGS}/{{number}}")
def meeting_page(
    request: Request,
    number: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
) -> Response:
    """One meeting: agenda, attendees by party, minutes, resolutions, actions and versions."""
    meeting = _readable(session, viewer, community, number)
    return _page(
        request, viewer, community, "governance/meeting.html",
        **_view(session, meeting, full=False, today=clock.today()),
    )  # fmt: skip


@router.get(f"{MEETINGS}/{{number}}/print")
def meeting_print(
    request: Request,
    number: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
) -> Response:
    """The meeting on one sheet for the paper board (names masked, as owners see them)."""
    meeting = _readable(session, viewer, community, number)
    return _page(
        request, viewer, community, "governance/meeting_print.html",
        **_view(session, meeting, full=False, today=clock.today()),
    )  # fmt: skip
