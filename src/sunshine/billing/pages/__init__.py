"""Billing's staff pages under /c/{code}/billing: charge items, runs, the front desk."""

from __future__ import annotations

from fastapi import APIRouter

from sunshine.billing.pages import charges
from sunshine.billing.pages import desk

router = APIRouter(include_in_schema=False)
router.include_router(charges.router)
router.include_router(desk.router)
