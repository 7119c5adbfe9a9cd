"""Billing's pages: charges, the front desk, arrears, reminders, receipts, the dev pay page.

Staff pages live under /c/{code}/billing; the public receipt check at /c/{code}/receipts/check;
/pay/dev/{order} is where the demo's payer pays; owners see their own money under /c/{code}/my.
"""

from __future__ import annotations

from fastapi import APIRouter

from sunshine.billing.pages import charges
from sunshine.billing.pages import collect
from sunshine.billing.pages import desk
from sunshine.billing.pages import mine
from sunshine.billing.pages import pay_dev
from sunshine.billing.pages import terms

router = APIRouter(include_in_schema=False)
router.include_router(charges.router)
router.include_router(desk.router)
router.include_router(pay_dev.router)
router.include_router(collect.router)
router.include_router(terms.router)
router.include_router(mine.router)
