"""Tables of governance: committees, decisions, owners' votes, ballots, joint meetings."""

from __future__ import annotations

from sunshine.governance.models.committees import Committee
from sunshine.governance.models.committees import Decision
from sunshine.governance.models.committees import Member
from sunshine.governance.models.meetings import Meeting
from sunshine.governance.models.meetings import MeetingAction
from sunshine.governance.models.meetings import MeetingMinutes
from sunshine.governance.models.votes import Vote
from sunshine.governance.models.votes import VoteBallot

__all__ = [
    "Committee",
    "Decision",
    "Meeting",
    "MeetingAction",
    "MeetingMinutes",
    "Member",
    "Vote",
    "VoteBallot",
]
