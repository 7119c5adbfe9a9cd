"""HTML pages of bank reconciliation (staff and committee)."""

from __future__ import annotations

from sunshine.banking.pages.bank import router

__all__ = ["router"]
