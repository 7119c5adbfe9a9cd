"""Tables of governance: committees, members and logged decisions; owners' votes, ballots."""

from __future__ import annotations

from sunshine.governance.models.authority import AuthorityLink
from sunshine.governance.models.authority import Requirement
from sunshine.governance.models.committees import Committee
from sunshine.governance.models.committees import Decision
from sunshine.governance.models.committees import Member
from sunshine.governance.models.votes import Vote
from sunshine.governance.models.votes import VoteBallot

__all__ = [
    "AuthorityLink",
    "Committee",
    "Decision",
    "Member",
    "Requirement",
    "Vote",
    "VoteBallot",
]
