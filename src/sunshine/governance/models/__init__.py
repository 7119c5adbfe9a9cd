"""Tables of governance: committees, their members and their logged decisions."""

from __future__ import annotations

from sunshine.governance.models.committees import Committee
from sunshine.governance.models.committees import Decision
from sunshine.governance.models.committees import Member

__all__ = ["Committee", "Decision", "Member"]
