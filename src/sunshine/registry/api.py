"""JSON API for registry (being built)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
