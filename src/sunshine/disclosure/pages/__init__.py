"""HTML pages of disclosure, one router per concern, gathered into `router` (one line each)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
