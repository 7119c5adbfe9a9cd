"""Tables of governance: committees, decisions, votes, spending, surveys, notices, meetings."""

from __future__ import annotations

from sunshine.governance.models.authority import AuthorityLink
from sunshine.governance.models.authority import Requirement
from sunshine.governance.models.committees import Committee
from sunshine.governance.models.committees import Decision
from sunshine.governance.models.committees import Member
from sunshine.governance.models.meetings import Meeting
from sunshine.governance.models.meetings import MeetingAction
from sunshine.governance.models.meetings import MeetingMinutes
from sunshine.governance.models.spending import Expense
from sunshine.governance.models.spending import ExpenseApproval
from sunshine.governance.models.spending import SpendingLimits
from sunshine.governance.models.surveys import Announcement
from sunshine.governance.models.surveys import Survey
from sunshine.governance.models.surveys import SurveyResponse
from sunshine.governance.models.votes import BallotDelivery
from sunshine.governance.models.votes import Vote
from sunshine.governance.models.votes import VoteBallot

__all__ = [
    "Announcement",
    "AuthorityLink",
    "BallotDelivery",
    "Committee",
    "Decision",
    "Expense",
    "ExpenseApproval",
    "Meeting",
    "MeetingAction",
    "MeetingMinutes",
    "Member",
    "Requirement",
    "SpendingLimits",
    "Survey",
    "SurveyResponse",
    "Vote",
    "VoteBallot",
]
