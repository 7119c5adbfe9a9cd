"""JSON API of disclosure (mounted at /api/v1), one router per concern, one line each."""

from __future__ import annotations

from fastapi import APIRouter

from sunshine.disclosure.api import budgets
from sunshine.disclosure.api import notices

router = APIRouter()
router.include_router(notices.router)
router.include_router(notices.handover_router)
router.include_router(notices.overdue_router)
router.include_router(budgets.router)
