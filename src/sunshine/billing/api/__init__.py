"""JSON API of billing (mounted at /api/v1): bills and payments, the channels' notifications."""

from __future__ import annotations

from fastapi import APIRouter

from sunshine.billing.api import bills
from sunshine.billing.api import collect
from sunshine.billing.api import notify

router = APIRouter()
router.include_router(bills.router)
router.include_router(collect.router)
router.include_router(notify.router)
