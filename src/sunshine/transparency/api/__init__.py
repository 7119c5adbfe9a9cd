"""JSON API of the public log (mounted at /api/v1), one router per concern, gathered into `router`.

- log: status, records, inclusion and consistency proofs, bundles
"""

from __future__ import annotations

from fastapi import APIRouter

from sunshine.transparency.api import log

router = APIRouter()
router.include_router(log.router)
