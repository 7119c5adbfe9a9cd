"""JSON API of the registry (mounted at /api/v1), one router per concern, gathered into `router`.

- community: communities, buildings, units, people, vehicles, and the roster in and out
- changes: ownership transfers and history, editing a person, moves in and out,
  removing a vehicle
"""

from __future__ import annotations

from fastapi import APIRouter

from sunshine.registry.api import changes
from sunshine.registry.api import community

router = APIRouter()
router.include_router(community.router)
router.include_router(changes.router)
