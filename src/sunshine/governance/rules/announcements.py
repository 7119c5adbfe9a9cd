"""The kinds of announcement (公告) to owners."""

from __future__ import annotations

from enum import StrEnum


class AnnouncementKind(StrEnum):
    MEETING_NOTICE = "meeting_notice"
    VOTE_NOTICE = "vote_notice"
    VOTE_RESULT = "vote_result"
    DECISION = "decision"
    SURVEY = "survey"
    OTHER = "other"
