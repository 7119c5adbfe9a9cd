"""JSON API of governance (mounted at /api/v1).

Committee decisions, owners' votes, spending, joint meetings, surveys and announcements.
"""

from __future__ import annotations

from fastapi import APIRouter

from sunshine.governance.api import decisions
from sunshine.governance.api import meetings
from sunshine.governance.api import spending
from sunshine.governance.api import surveys
from sunshine.governance.api import votes

router = APIRouter()
router.include_router(decisions.router)
router.include_router(votes.router)
router.include_router(spending.router)
router.include_router(meetings.router)
router.include_router(surveys.router)

__all__ = ["router"]
