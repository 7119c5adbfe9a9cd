"""The four-party joint meeting (四方联席): the meeting, its actions, its published minutes.

A meeting is recorded as a draft (day, place, agenda, attendees by party, minutes,
resolutions, actions); publishing freezes it into version 1 of its minutes, appended to
the community's log (`governance.minutes`) and kept with its record (`body`). Published
minutes are never edited: a correction is a new version, logged too, with its reason.

An action's owner, due day and references are part of the minutes; whether it is done
(and when) is follow-up, recorded on the action afterwards.
"""

from __future__ import annotations

from datetime import date
from datetime import datetime

from sqlalchemy import CheckConstraint
from sqlalchemy import ForeignKey
from sqlalchemy import ForeignKeyConstraint
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from sunshine.governance.rules.meetings import MeetingParty
from sunshine.governance.rules.meetings import MeetingState
from sunshine.infra.db import Base
from sunshine.infra.db import TenantKeyed
from sunshine.infra.db import audited_by
from sunshine.infra.db import not_audited
from sunshine.infra.db import str_enum
from sunshine.infra.db import unlogged

MINUTES_CHECK = "governance.minutes"


class Meeting(TenantKeyed, Base):
    """A joint meeting as recorded; once published, its content is locked (`version` > 0)."""

    __tablename__ = "governance_meeting"
    __audit__ = not_audited(
        "the working copy staff record: each published version of the minutes is kept in"
        " governance_minutes with the record it appended, and audited there"
    )

    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date]
    place: Mapped[str] = mapped_column(String(200))
    agenda: Mapped[str] = mapped_column(Text, default="[]")  # JSON: ["item", …]
    attendees: Mapped[str] = mapped_column(Text, default="[]")  # JSON: [{party, organisation,
    # name, role}, …]; names are masked on owners' pages and in the log
    minutes: Mapped[str] = mapped_column(Text, default="")
    resolutions: Mapped[str] = mapped_column(Text, default="[]")  # JSON: ["resolution", …]
    state: Mapped[MeetingState] = mapped_column(str_enum(MeetingState))
    version: Mapped[int] = mapped_column(default=0)  # the latest published version; 0: draft
    created_by: Mapped[int | None] = mapped_column(ForeignKey("identity_user.id"))
    created_at: Mapped[datetime]

    __table_args__ = (
        CheckConstraint("version >= 0", name="version"),
        CheckConstraint("(state = 'draft') = (version = 0)", name="state_version"),
        Index("ix_governance_meeting_day", "community_id", "held_on"),
    )


class MeetingAction(TenantKeyed, Base):
    """Something the meeting asked someone to do: owner (party and role), due day, refs."""

    __tablename__ = "governance_meeting_action"
    __audit__ = not_audited(
        "each published version of the minutes logs the actions with their owners and due"
        " days; whether one is done is follow-up, shown live with its day"
    )

    meeting_id: Mapped[int]
    text: Mapped[str] = mapped_column(String(500))
    party: Mapped[MeetingParty] = mapped_column(str_enum(MeetingParty))
    owner: Mapped[str] = mapped_column(String(80))  # a role (物业项目经理) or a person's name
    due_on: Mapped[date]
    done_on: Mapped[date | None]
    refs: Mapped[str] = mapped_column(Text, default="[]")  # JSON: ["expense:12", "vote:3/2"]
    done_by: Mapped[int | None] = mapped_column(ForeignKey("identity_user.id"))
    created_at: Mapped[datetime]

    __table_args__ = (
        ForeignKeyConstraint(
            ["community_id", "meeting_id"],
            ["governance_meeting.community_id", "governance_meeting.id"],
        ),
        Index("ix_governance_meeting_action_meeting", "community_id", "meeting_id"),
        Index("ix_governance_meeting_action_due", "community_id", "done_on", "due_on"),
    )


class MeetingMinutes(TenantKeyed, Base):
    """One published version of a meeting's minutes, with the record it appended to the log."""

    __tablename__ = "governance_minutes"
    __audit__ = audited_by(MINUTES_CHECK)

    meeting_id: Mapped[int]
    version: Mapped[int]
    published_on: Mapped[date]
    reason: Mapped[str] = mapped_column(String(500), default="")  # a correction's reason
    body: Mapped[str] = mapped_column(Text)  # canonical JSON, as logged
    log_seq: Mapped[int] = mapped_column(info=unlogged("where the record sits in the log"))
    published_by: Mapped[int | None] = mapped_column(
        ForeignKey("identity_user.id"), info=unlogged("who published it: staff-only")
    )
    published_at: Mapped[datetime] = mapped_column(info=unlogged("the record holds its day"))

    __table_args__ = (
        ForeignKeyConstraint(
            ["community_id", "meeting_id"],
            ["governance_meeting.community_id", "governance_meeting.id"],
        ),
        UniqueConstraint("community_id", "meeting_id", "version"),
        CheckConstraint("version >= 1", name="version"),
    )
