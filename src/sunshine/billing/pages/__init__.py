"""HTML pages of billing, one router per concern, gathered here."""

from __future__ import annotations

from fastapi import APIRouter

from sunshine.billing.pages import pay_dev

router = APIRouter(include_in_schema=False)
router.include_router(pay_dev.router)
