"""Governance's pages, one module per concern under /c/{code}/.

Owners' votes, committee decisions, spending approvals, surveys, announcements and the
joint meeting: each module's router is included here.
"""

from __future__ import annotations

from fastapi import APIRouter

from sunshine.governance.pages import announcements
from sunshine.governance.pages import decisions
from sunshine.governance.pages import desk
from sunshine.governance.pages import meetings
from sunshine.governance.pages import result
from sunshine.governance.pages import spending
from sunshine.governance.pages import surveys
from sunshine.governance.pages import votes

router = APIRouter(include_in_schema=False)
router.include_router(desk.router)  # before votes: /votes/new is not a vote's number
router.include_router(votes.router)
router.include_router(result.router)
router.include_router(surveys.router)
router.include_router(announcements.router)
router.include_router(spending.router)
router.include_router(decisions.router)
router.include_router(meetings.router)
