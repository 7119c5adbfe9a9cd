"""JSON API of billing (mounted at /api/v1)."""

from __future__ import annotations

from fastapi import APIRouter

from sunshine.billing.api import bills

router = APIRouter()
router.include_router(bills.router)
