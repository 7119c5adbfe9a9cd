"""Announcements (公告): notices to owners, logged when published, flagged when late.

An announcement has a kind (a meeting notice, a vote notice, a vote's result, a
committee decision, a survey, or another notice), a title, its text, its publishing day
and, where there is one, the day by which it had to appear:

- a committee decision (ref `decision:N`): the decision's own `announce_by` (LAW.md 1:
  announced within the committee's set days, 3 by default); publishing it notes the day
  on the decision (`decisions.announce`), so it no longer shows as late;
- a vote's notice (ref `vote:N`): the day the vote opens (the vote's rule: the notice is
  given on or before that day). LAW.md sets no number of days before, so none is assumed;
- otherwise the deadline given, if any (for example the rules of procedure's for a meeting).

It is late when published after that day. Publishing appends a `governance.announcement`
record (ref `announcement/ID`) holding all of this; a title or text that looks like it holds a
phone or ID number is refused (the log can never be erased, LAW.md 3).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.governance.models import Announcement
from sunshine.governance.rules.announcements import AnnouncementKind
from sunshine.governance.service import decisions
from sunshine.governance.service import surveys
from sunshine.governance.service import votes
from sunshine.governance.service.decisions import public_title
from sunshine.infra import clock
from sunshine.infra.board_items import BoardItem
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.kernel.masking import looks_personal
from sunshine.transparency import service as transparency
from sunshine.transparency.rules import records
from sunshine.transparency.rules.records import LogKind

LOG_KIND = LogKind("governance.announcement")
REF_KINDS = ("decision", "vote", "survey", "meeting")
_REF = re.compile(r"^(decision|vote|survey|meeting):([1-9][0-9]{0,8})$")
MAX_TEXT = 10_000


def ref_of(announcement_id: int) -> str:
    return f"announcement/{announcement_id}"


@dataclass(frozen=True, slots=True)
class Ref:
    kind: str  # decision, vote, survey, meeting; "" for none
    number: int

    def __str__(self) -> str:
        return f"{self.kind}:{self.number}" if self.kind else ""


def parse_ref(text: str) -> Ref:
    cleaned = text.strip()
    if not cleaned:
        return Ref("", 0)
    match = _REF.match(cleaned)
    if match is None:
        raise Invalid(
            "{value} is not a reference like decision:7, vote:3, survey:1 or meeting:2",
            args={"value": cleaned},
        )
    return Ref(match.group(1), int(match.group(2)))


def _text(text: str) -> str:
    cleaned = text.strip()
    if len(cleaned) > MAX_TEXT:
        raise Invalid("an announcement's text is at most 10,000 characters")
    if looks_personal(cleaned):
        raise Invalid("the text holds what looks like a phone or ID number; a notice may not")
    return cleaned


def deadline(
    session: Session, community_id: int, kind: AnnouncementKind, ref: Ref, given: date | None
) -> date | None:
    """The day the announcement must appear by, if any (see the module doc)."""
    if ref.kind == "decision":
        record = decisions.record_of(decisions.get_decision(session, community_id, ref.number))
        return date.fromisoformat(str(record["announce_by"]))
    if ref.kind == "vote":
        vote = votes.get_vote(session, community_id, ref.number)
        if kind is AnnouncementKind.VOTE_NOTICE:
            return clock.local(vote.opens_at).date()
    if ref.kind == "survey":
        surveys.get_survey(session, community_id, ref.number)
    return given


def publish(
    session: Session,
    community_id: int,
    *,
    kind: AnnouncementKind,
    title: str,
    text: str,
    on: date,
    ref: str = "",
    due_by: date | None = None,
    actor_id: int | None,
) -> Announcement:
    """Publish a notice on `on` and log it; a decision's is noted on the decision too."""
    parsed = parse_ref(ref)
    if kind is AnnouncementKind.DECISION and parsed.kind != "decision":
        raise Invalid("a decision's announcement names its decision, e.g. decision:7")
    if kind in (AnnouncementKind.VOTE_NOTICE, AnnouncementKind.VOTE_RESULT) and (
        parsed.kind != "vote"
    ):
        raise Invalid("a vote's notice or result names its vote, e.g. vote:3")
    due = deadline(session, community_id, kind, parsed, due_by)
    if parsed.kind == "decision":
        decisions.announce(session, community_id, parsed.number, on=on)  # Conflict: twice
    row = Announcement(
        community_id=community_id, kind=kind, title=public_title(title), text=_text(text),
        ref=str(parsed), published_on=on, due_by=due, body="", log_seq=0,
        published_by=actor_id, published_at=clock.now(),
    )  # fmt: skip
    session.add(row)
    session.flush()
    body = announcement_record(row)
    logged = transparency.append(
        session, community_id, kind=LOG_KIND, record=body, ref=ref_of(row.id)
    )
    row.body, row.log_seq = records.canonical(body).decode("utf-8"), logged.seq
    session.flush()
    return row


def announcement_record(row: Announcement) -> dict[str, object]:
    return {
        "announcement": row.id,
        "kind": row.kind.value,
        "title": row.title,
        "text": row.text,
        "ref": row.ref,
        "published": row.published_on.isoformat(),
        "due_by": None if row.due_by is None else row.due_by.isoformat(),
        "late": is_late(row),
    }


def is_late(row: Announcement) -> bool:
    return row.due_by is not None and row.published_on > row.due_by


def get_announcement(session: Session, community_id: int, announcement_id: int) -> Announcement:
    row = session.get(Announcement, (community_id, announcement_id))
    if row is None:
        raise NotFound("no announcement {id} in this community", args={"id": announcement_id})
    return row


def list_announcements(
    session: Session, community_id: int, *, limit: int | None = None
) -> list[Announcement]:
    """Newest first."""
    query = (
        select(Announcement)
        .where(Announcement.community_id == community_id)
        .order_by(Announcement.published_on.desc(), Announcement.id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


# How the board tags each kind (English message ids; the board's template translates them).
BOARD_TAGS = {
    AnnouncementKind.MEETING_NOTICE: "Meeting notice",
    AnnouncementKind.VOTE_NOTICE: "Vote notice",
    AnnouncementKind.VOTE_RESULT: "Vote result",
    AnnouncementKind.DECISION: "Committee decision",
    AnnouncementKind.SURVEY: "Survey",
    AnnouncementKind.OTHER: "Notice",
}


def board_items(session: Session, community_id: int, limit: int) -> list[BoardItem]:
    """The latest announcements as the owners' board lists them (infra.board_items)."""
    return [
        BoardItem(row.title, row.published_on, f"announcements/{row.id}", BOARD_TAGS[row.kind],
                  is_late(row))
        for row in list_announcements(session, community_id, limit=limit)
    ]  # fmt: skip


def record_of(row: Announcement) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(row.body)
    return loaded
