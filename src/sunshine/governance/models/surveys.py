"""Surveys (意见征求) and their responses; announcements (公告) to owners.

A survey is opened (logged: what it asks, of whom, how many units, when) and closed
(logged again with its result, aggregates only); it keeps its latest record (`body`).
A response row is one submission for one unit: a later one for the same unit replaces it
(`replaced`), history kept; it names the unit, the channel and who answered or entered it,
and is never logged (the result counts them).

An announcement is published once and logged then; the row keeps its record.
"""

from __future__ import annotations

from datetime import date
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint
from sqlalchemy import ForeignKey
from sqlalchemy import ForeignKeyConstraint
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from sunshine.governance.rules.announcements import AnnouncementKind
from sunshine.governance.rules.survey import AskedOf
from sunshine.governance.rules.survey import Channel
from sunshine.infra.db import Base
from sunshine.infra.db import TenantKeyed
from sunshine.infra.db import audited_by
from sunshine.infra.db import not_audited
from sunshine.infra.db import str_enum
from sunshine.infra.db import unlogged

SURVEY_CHECK = "governance.survey"
ANNOUNCEMENT_CHECK = "governance.announcement"


class SurveyState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Survey(TenantKeyed, Base):
    """A survey: its questions, whom it asks, its days; its result once closed."""

    __tablename__ = "governance_survey"
    __audit__ = audited_by(SURVEY_CHECK)

    title: Mapped[str] = mapped_column(String(200))
    questions: Mapped[str] = mapped_column(Text)  # JSON: [{number, text, options: [...]}]
    asked_of: Mapped[AskedOf] = mapped_column(str_enum(AskedOf))
    asked: Mapped[int]  # units asked: the community's units when it opened
    opens_on: Mapped[date]
    closes_on: Mapped[date]
    state: Mapped[SurveyState] = mapped_column(str_enum(SurveyState))
    body: Mapped[str] = mapped_column(Text)  # its latest record (opened, closed), as logged
    log_seq: Mapped[int] = mapped_column(info=unlogged("where the record sits in the log"))
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("identity_user.id"), info=unlogged("who opened it: staff-only")
    )
    created_at: Mapped[datetime] = mapped_column(info=unlogged("when it was typed in"))

    __table_args__ = (
        CheckConstraint("closes_on >= opens_on", name="days"),
        CheckConstraint("asked >= 0", name="asked"),
    )


class SurveyResponse(TenantKeyed, Base):
    """One submission of a unit's response; the latest not replaced counts."""

    __tablename__ = "governance_survey_response"
    __audit__ = not_audited(
        "a unit's answers are never published (LAW.md 3): the survey's logged result holds"
        " only the counts"
    )

    survey_id: Mapped[int]
    unit_id: Mapped[int]
    answers: Mapped[str] = mapped_column(Text)  # JSON: {"1": 2} question → option number
    channel: Mapped[Channel] = mapped_column(str_enum(Channel))
    answered_by: Mapped[int | None]  # the registry party answering online
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("identity_user.id"))
    answered_at: Mapped[datetime]
    replaced: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (
        ForeignKeyConstraint(
            ["community_id", "survey_id"],
            ["governance_survey.community_id", "governance_survey.id"],
        ),
        ForeignKeyConstraint(
            ["community_id", "unit_id"], ["registry_unit.community_id", "registry_unit.id"]
        ),
        ForeignKeyConstraint(
            ["community_id", "answered_by"], ["registry_party.community_id", "registry_party.id"]
        ),
        Index(  # one counting response per unit, whatever the race
            "uq_governance_survey_response_counting",
            "community_id",
            "survey_id",
            "unit_id",
            unique=True,
            sqlite_where=text("NOT replaced"),
            postgresql_where=text("NOT replaced"),
        ),
        CheckConstraint(
            "channel <> 'online' OR answered_by IS NOT NULL", name="online_answered_by"
        ),
        CheckConstraint("channel = 'online' OR entered_by IS NOT NULL", name="staff_entered"),
    )


class Announcement(TenantKeyed, Base):
    """A notice to owners, published (and logged) on its day; late if after its deadline."""

    __tablename__ = "governance_announcement"
    __audit__ = audited_by(ANNOUNCEMENT_CHECK)

    kind: Mapped[AnnouncementKind] = mapped_column(str_enum(AnnouncementKind))
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    ref: Mapped[str] = mapped_column(String(64))  # "decision:7", "vote:3", … or ""
    published_on: Mapped[date]
    due_by: Mapped[date | None]  # the deadline the law (or the vote's rule) sets, if any
    body: Mapped[str] = mapped_column(Text)  # its record, as logged
    log_seq: Mapped[int] = mapped_column(info=unlogged("where the record sits in the log"))
    published_by: Mapped[int | None] = mapped_column(
        ForeignKey("identity_user.id"), info=unlogged("who published it: staff-only")
    )
    published_at: Mapped[datetime] = mapped_column(info=unlogged("when it was typed in"))

    __table_args__ = (Index("ix_governance_announcement_day", "community_id", "published_on"),)
