"""JSON API of billing (mounted at /api/v1)."""

from __future__ import annotations

from fastapi import APIRouter

from sunshine.billing.api import bills
from sunshine.billing.api import collect

router = APIRouter()
router.include_router(bills.router)
router.include_router(collect.router)
