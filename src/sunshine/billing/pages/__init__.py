"""Billing's pages: staff pages under /c/{code}/billing, the development channel's pay page.

Charge items and runs, the front desk, and /pay/dev/{order} where the demo's payer pays.
"""

from __future__ import annotations

from fastapi import APIRouter

from sunshine.billing.pages import charges
from sunshine.billing.pages import desk
from sunshine.billing.pages import pay_dev

router = APIRouter(include_in_schema=False)
router.include_router(charges.router)
router.include_router(desk.router)
router.include_router(pay_dev.router)
