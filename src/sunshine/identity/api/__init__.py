"""JSON API of identity (mounted at /api/v1), one router per concern, gathered into `router`.

- login: log in by password or by phone and code, log out, "who am I"
"""

from __future__ import annotations

from fastapi import APIRouter

from sunshine.identity.api import login

router = APIRouter()
router.include_router(login.router)
