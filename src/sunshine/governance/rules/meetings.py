"""The four-party joint meeting (四方联席会议): pure rules, no database and no clock.

A joint meeting brings together the neighbourhood Party committee (社区党委), the grid
Party branch (网格党支部), the committee (物管会 or 业委会) and the trustee (物业公司).
It counts as a joint meeting only when each of the four is represented by at least one
attendee; otherwise the parties missing are named (`missing_parties`). Guests (列席: the
police, city enforcement) may attend and never stand in for one of the four.

An action is overdue when its due day has passed and it is not done: on its due day it
is still on time, the day after it is overdue (`is_overdue`). What an action concerns is
named by typed references to other parts (`expense:12`, `vote:3`, `vote:3/2` for matter
2, `ticket:5`, `decision:7`, `meeting:2`), stored as text, so no part imports another.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class MeetingParty(StrEnum):
    """Who an attendee, or an action's owner, speaks for."""

    PARTY_COMMITTEE = "party_committee"  # 社区党委
    GRID_BRANCH = "grid_branch"  # 网格党支部
    COMMITTEE = "committee"  # 物管会 / 业委会
    TRUSTEE = "trustee"  # 物业公司 (the trustee)
    GUEST = "guest"  # 列席: police, city enforcement, a district office …


FOUR_PARTIES: tuple[MeetingParty, ...] = (
    MeetingParty.PARTY_COMMITTEE,
    MeetingParty.GRID_BRANCH,
    MeetingParty.COMMITTEE,
    MeetingParty.TRUSTEE,
)


class MeetingState(StrEnum):
    DRAFT = "draft"  # being recorded; not shown to owners
    PUBLISHED = "published"  # minutes published (and logged); corrected only by a new version


class RefKind(StrEnum):
    EXPENSE = "expense"
    VOTE = "vote"
    TICKET = "ticket"
    DECISION = "decision"
    MEETING = "meeting"


_REF = re.compile(r"^(expense|vote|ticket|decision|meeting):([1-9]\d{0,8})(?:/([1-9]\d{0,3}))?$")


def parse_ref(text: str) -> str:
    """A typed reference in its one written form (`vote:3/2`), or ValueError.

    Only a vote's reference may name a matter (`/2`).
    """
    cleaned = text.strip().replace("：", ":").lower()
    found = _REF.match(cleaned)
    if found is None or (found.group(3) is not None and found.group(1) != RefKind.VOTE):
        raise ValueError(text)
    return cleaned


def missing_parties(parties: Iterable[MeetingParty]) -> list[MeetingParty]:
    """The four parties no attendee represents, in their order; a guest counts for none."""
    present = set(parties)
    return [party for party in FOUR_PARTIES if party not in present]


def is_joint(parties: Iterable[MeetingParty]) -> bool:
    """Whether all four parties are represented: only then is it a joint meeting."""
    return not missing_parties(parties)


@dataclass(frozen=True, slots=True)
class ActionState:
    """An action's standing on a day: open or done, overdue or not."""

    due_on: date
    done_on: date | None

    def is_overdue(self, today: date) -> bool:
        return is_overdue(self.due_on, self.done_on, today)

    @property
    def done_late(self) -> bool:
        return self.done_on is not None and self.done_on > self.due_on


def is_overdue(due_on: date, done_on: date | None, today: date) -> bool:
    """Not done and its due day gone by: on the due day itself it is still on time."""
    return done_on is None and today > due_on


def days_overdue(due_on: date, done_on: date | None, today: date) -> int:
    """How many days past its due day an open action is (0 if on time or done)."""
    return (today - due_on).days if is_overdue(due_on, done_on, today) else 0


def next_version(published: Iterable[int]) -> int:
    """The number of the next version of the minutes: 1 first, then one after the last."""
    return max(published, default=0) + 1
