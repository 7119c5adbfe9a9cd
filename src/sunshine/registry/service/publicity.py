"""A community's public disclosure (公开披露) and the public list of communities.

With disclosure on (the default), anyone may read the community's public notices
without logging in; identity's policy decides that from `CommunityRef.disclosure_public`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.registry.models import Community
from sunshine.registry.service.community import get_community

PAGE_SIZE = 20


@dataclass(frozen=True, slots=True)
class Directory:
    """One page of communities, by name, and how many match in all."""

    communities: list[Community]
    total: int
    page: int
    pages: int


def set_public_disclosure(session: Session, code: str, *, public: bool) -> Community:
    """Turn the community's public disclosure on or off. Raises NotFound."""
    community = get_community(session, code)
    community.public_disclosure = public
    session.flush()
    return community


def directory(
    session: Session,
    *,
    also: frozenset[int] | None = frozenset(),
    search: str = "",
    page: int = 1,
) -> Directory:
    """The communities one may open here: those whose disclosure is public, plus `also`.

    `also` holds the ids of the viewer's own communities (None: every community, for
    city-wide roles). `search` matches a part of the name or the code; pages of PAGE_SIZE.
    """
    query = select(Community)
    if also is not None:
        query = query.where(or_(Community.public_disclosure, Community.id.in_(also)))
    words = search.strip()[:80]
    if words:
        pattern = "%" + words.replace("\\", "").replace("%", "").replace("_", "") + "%"
        query = query.where(or_(Community.name.like(pattern), Community.code.like(pattern.lower())))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = session.scalars(
        query.order_by(Community.name, Community.id).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    )
    return Directory(list(rows), total, page, pages)
