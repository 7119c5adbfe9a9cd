"""HTML pages of disclosure, one router per concern, gathered into `router` (one line each)."""

from __future__ import annotations

from fastapi import APIRouter

from sunshine.disclosure.pages import board
from sunshine.disclosure.pages import budgets
from sunshine.disclosure.pages import cosign
from sunshine.disclosure.pages import oversight

router = APIRouter(include_in_schema=False)
router.include_router(budgets.router)
router.include_router(board.router)
router.include_router(cosign.router)
router.include_router(oversight.router)
