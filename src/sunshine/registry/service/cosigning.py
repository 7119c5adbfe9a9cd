"""The community's co-signing threshold: how many committee members make a notice "co-signed"."""

from __future__ import annotations

from sqlalchemy.orm import Session

from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.registry.models import Community

MAX_THRESHOLD = 50  # a committee has 5 to 11 members (Civil Code practice); room to spare


def _community(session: Session, community_id: int) -> Community:
    found = session.get(Community, community_id)
    if found is None:
        raise NotFound("there is no community {code}", args={"code": str(community_id)})
    return found


def cosign_threshold(session: Session, community_id: int) -> int:
    """How many committee members must co-sign a notice's checkpoint."""
    return _community(session, community_id).cosign_threshold


def set_cosign_threshold(session: Session, community_id: int, threshold: int) -> None:
    """Change the threshold (from 1 to MAX_THRESHOLD members)."""
    if not 1 <= threshold <= MAX_THRESHOLD:
        raise Invalid(
            "the threshold is a number of members from 1 to {n}",
            args={"n": MAX_THRESHOLD},
        )
    _community(session, community_id).cosign_threshold = threshold
    session.flush()
