"""Governance's pages, one module per concern under /c/{code}/.

Owners' votes, committee decisions, spending approvals, surveys, announcements and the
joint meeting: each module's router is included here.
"""

from __future__ import annotations

from fastapi import APIRouter

from sunshine.governance.pages import meetings

router = APIRouter(include_in_schema=False)
router.include_router(meetings.router)
