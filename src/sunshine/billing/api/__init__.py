"""JSON API of billing (mounted at /api/v1), one router per concern, gathered here."""

from __future__ import annotations

from fastapi import APIRouter

from sunshine.billing.api import notify

router = APIRouter()
router.include_router(notify.router)
