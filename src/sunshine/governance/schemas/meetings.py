"""API shapes of the joint meeting: a meeting as owners read it, and what staff send to record one.

Owners see attendees' names masked (陈**) and an action owned by an attendee by that masked
name; those who record meetings (Action.RECORD_MEETING) see them as entered.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel
from pydantic import Field
from sqlalchemy.orm import Session

from sunshine.governance.models import Meeting
from sunshine.governance.models import MeetingAction
from sunshine.governance.rules.meetings import MeetingParty
from sunshine.governance.rules.meetings import is_overdue
from sunshine.governance.service import meetings
from sunshine.infra.inputs import Day


class AttendeeRead(BaseModel):
    party: str
    organisation: str
    role: str
    name: str


class ActionRead(BaseModel):
    id: int
    meeting: int
    text: str
    party: str
    owner: str
    due_on: date
    done_on: date | None
    overdue: bool
    refs: list[str]

    @classmethod
    def from_model(
        cls, meeting: Meeting, action: MeetingAction, *, today: date, full: bool
    ) -> ActionRead:
        return cls(
            id=action.id,
            meeting=meeting.id,
            text=action.text,
            party=action.party.value,
            owner=action.owner if full else meetings.owner_shown(meeting, action),
            due_on=action.due_on,
            done_on=action.done_on,
            overdue=is_overdue(action.due_on, action.done_on, today),
            refs=meetings.refs_of(action),
        )


class VersionRead(BaseModel):
    version: int
    published_on: date
    reason: str
    log_seq: int
    record: dict[str, Any]


class MeetingRead(BaseModel):
    id: int
    title: str
    held_on: date
    place: str
    state: str
    version: int
    joint: bool
    missing: list[str]
    attendees: list[AttendeeRead]
    agenda: list[str]
    minutes: str
    resolutions: list[str]
    actions: list[ActionRead]
    versions: list[VersionRead]

    @classmethod
    def from_model(
        cls, session: Session, meeting: Meeting, *, today: date, full: bool
    ) -> MeetingRead:
        cid = meeting.community_id
        missing = meetings.missing_parties(meeting)
        return cls(
            id=meeting.id,
            title=meeting.title,
            held_on=meeting.held_on,
            place=meeting.place,
            state=meeting.state.value,
            version=meeting.version,
            joint=not missing,
            missing=[party.value for party in missing],
            attendees=[
                AttendeeRead(
                    party=a.party.value,
                    organisation=a.organisation,
                    role=a.role,
                    name=a.name if full else a.shown_name,
                )
                for a in meetings.attendees_of(meeting)
            ],
            agenda=meetings.agenda_of(meeting),
            minutes=meeting.minutes,
            resolutions=meetings.resolutions_of(meeting),
            actions=[
                ActionRead.from_model(meeting, a, today=today, full=full)
                for a in meetings.actions_of(session, cid, meeting.id)
            ],
            versions=[
                VersionRead(
                    version=v.version,
                    published_on=v.published_on,
                    reason=v.reason,
                    log_seq=v.log_seq,
                    record=meetings.record_of(v),
                )
                for v in meetings.versions(session, cid, meeting.id)
            ],
        )


class MeetingCreate(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    held_on: Day
    place: str = Field(min_length=1, max_length=200)


class AttendeeAdd(BaseModel):
    party: MeetingParty
    organisation: str = Field(min_length=1, max_length=100)
    role: str = Field(default="", max_length=40)
    name: str = Field(default="", max_length=40)


class TextAdd(BaseModel):
    """An agenda item, a resolution, or the minutes."""

    text: str = Field(max_length=20_000)


class ActionAdd(BaseModel):
    text: str = Field(min_length=1, max_length=500)
    party: MeetingParty
    owner: str = Field(min_length=1, max_length=80)
    due_on: Day
    refs: list[str] = Field(default_factory=list, max_length=20)


class DoneOn(BaseModel):
    on: Day


class PublishOn(BaseModel):
    on: Day


class Correction(BaseModel):
    reason: str = Field(min_length=1, max_length=500)
    on: Day
    minutes: str | None = Field(default=None, max_length=20_000)
    resolutions: list[str] | None = Field(default=None, max_length=50)
