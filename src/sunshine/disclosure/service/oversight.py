"""What supervisors watch: each community they oversee, its latest notice, and what is overdue."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from sunshine.disclosure.models.notices import NoticeVersion
from sunshine.disclosure.rules import schedule as rules
from sunshine.disclosure.service.notices import list_notices
from sunshine.disclosure.service.schedule import overdue
from sunshine.infra.tenancy import CommunityRef
from sunshine.registry import service as registry


@dataclass(frozen=True)
class Watched:
    """One overseen community: its latest published notice (if any) and its overdue notices."""

    community: CommunityRef
    latest: NoticeVersion | None
    overdue: list[rules.Slot]


def watched(
    session: Session,
    *,
    ids: frozenset[int] | None,
    allowed: Callable[[int], bool],
    today: date,
) -> list[Watched] | None:
    """The communities `ids` (None: all) that `allowed` lets one oversee, by name.

    None when `allowed` admits no community at all (the caller oversees nothing).
    """
    rows = [
        Watched(
            CommunityRef(c.id, c.code, c.name),
            next(iter(list_notices(session, c.id, limit=1)), None),
            overdue(session, c.id, today=today),
        )
        for c in registry.list_communities(session, ids)
        if allowed(c.id)
    ]
    return rows or None
