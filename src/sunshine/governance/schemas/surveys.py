"""API shapes of surveys (意见征求) and announcements (公告), as the public log holds them.

A survey decides nothing (LAW.md 1): each comes with its label and `binding` false. Its
result is there once it has closed, and only as logged: aggregates per option, never a
unit, a person or an answer. An open survey shows what it asks, not its counts so far.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel

from sunshine.governance.models.surveys import Announcement
from sunshine.governance.models.surveys import Survey
from sunshine.governance.models.surveys import SurveyState
from sunshine.governance.rules.survey import LABEL
from sunshine.governance.service import announcements
from sunshine.governance.service import surveys


class SurveyRead(BaseModel):
    """A survey: what it asks, of whom, when; its logged result (aggregates) once closed."""

    id: int
    title: str
    label: str  # 意见征求，不具表决效力
    binding: bool  # always false: a survey is not a decision
    state: str  # open, closed
    asked_of: str
    asked: int  # units asked
    opens_on: date
    closes_on: date
    questions: list[dict[str, Any]]  # number, text, options
    result: dict[str, Any] | None  # closed: the logged aggregates; open: None
    log_seq: int

    @classmethod
    def from_model(cls, survey: Survey) -> SurveyRead:
        record = surveys.record_of(survey)
        closed = survey.state is SurveyState.CLOSED
        return cls(
            id=survey.id, title=survey.title, label=LABEL, binding=False,
            state=survey.state.value, asked_of=survey.asked_of.value, asked=survey.asked,
            opens_on=survey.opens_on, closes_on=survey.closes_on,
            questions=[
                {"number": q.number, "text": q.text, "options": list(q.options)}
                for q in surveys.questions_of(survey)
            ],
            result=record.get("result") if closed else None, log_seq=survey.log_seq,
        )  # fmt: skip


class AnnouncementRead(BaseModel):
    """An announcement as published and logged: its day, and its deadline and lateness."""

    id: int
    kind: str  # meeting_notice, vote_notice, vote_result, decision, survey, other
    title: str
    text: str
    ref: str  # "decision:7", "vote:3", … or ""
    published_on: date
    due_by: date | None
    late: bool
    log_seq: int

    @classmethod
    def from_model(cls, row: Announcement) -> AnnouncementRead:
        return cls(
            id=row.id, kind=row.kind.value, title=row.title, text=row.text, ref=row.ref,
            published_on=row.published_on, due_by=row.due_by,
            late=announcements.is_late(row), log_seq=row.log_seq,
        )  # fmt: skip
