"""JSON API of governance (mounted at /api/v1)."""

from __future__ import annotations

from sunshine.governance.api.decisions import router

__all__ = ["router"]
