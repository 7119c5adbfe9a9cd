"""JSON API of bank reconciliation (mounted at /api/v1)."""

from __future__ import annotations

from sunshine.banking.api.statements import router

__all__ = ["router"]
