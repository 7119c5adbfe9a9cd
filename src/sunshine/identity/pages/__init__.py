"""HTML pages of identity, one router per concern, gathered into `router`.

- login: the login pages (staff by password, owners and residents by phone and code), logout
"""

from __future__ import annotations

from fastapi import APIRouter

from sunshine.identity.pages import login

router = APIRouter(include_in_schema=False)
router.include_router(login.router)
