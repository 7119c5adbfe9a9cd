"""JSON API of disclosure (mounted at /api/v1), one router per concern, one line each."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
