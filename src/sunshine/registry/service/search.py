"""Search and paging of the registry's lists (units, people, vehicles) for the staff pages.

One query per list narrows by a typed text (a unit number, a name, a phone, a plate: any
part of it), counts the matches and reads one page of them, so a community of thousands
answers as fast as one of ten. `find_party` reads a person chosen in a searchable picker.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from typing import Generic
from typing import TypeVar

from sqlalchemy import ColumnElement
from sqlalchemy import Select
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import Problem
from sunshine.registry.models import Ownership
from sunshine.registry.models import Party
from sunshine.registry.models import Residency
from sunshine.registry.models import Unit
from sunshine.registry.models import Vehicle
from sunshine.registry.service.people import PartyUnits
from sunshine.registry.service.people import units_of_parties

T = TypeVar("T")
PAGE_SIZE = 50
QUERY_LENGTH = 40  # longer than any name, phone, plate or unit number


@dataclass(frozen=True, slots=True)
class Found(Generic[T]):
    """One page of a list: its items, how many match in all, the page and the page count."""

    items: list[T]
    total: int
    page: int
    pages: int


def _like(column: Any, text: str) -> ColumnElement[bool]:
    """`column` contains `text` (LIKE, with its wildcards escaped), case-insensitively."""
    escaped = re.sub(r"([\\%_])", r"\\\1", text)
    return func.lower(column).like(f"%{escaped.lower()}%", escape="\\")


def _page_of(session: Session, query: Select[T], *order: Any, page: int, size: int) -> Found[T]:
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // size))
    page = min(max(page, 1), pages)
    items = list(session.scalars(query.order_by(*order).offset((page - 1) * size).limit(size)))
    return Found(items, total, page, pages)


def _units_matching(community_id: int, text: str) -> Select[int]:
    return select(Unit.id).where(Unit.community_id == community_id, _like(Unit.number, text))


def search_units(
    session: Session,
    community_id: int,
    *,
    text: str = "",
    building_id: int | None = None,
    page: int = 1,
    size: int = PAGE_SIZE,
) -> Found[Unit]:
    """Units whose number contains `text`, optionally of one building, a page at a time."""
    query = select(Unit).where(Unit.community_id == community_id)
    if building_id is not None:
        query = query.where(Unit.building_id == building_id)
    if text.strip():
        query = query.where(_like(Unit.number, text.strip()[:QUERY_LENGTH]))
    return _page_of(session, query, Unit.building_id, Unit.number, page=page, size=size)


def _party_filter(community_id: int, text: str) -> ColumnElement[bool]:
    """A party named, phoned or living or owning in a unit numbered like `text`."""
    units = _units_matching(community_id, text)
    owners = select(Ownership.party_id).where(
        Ownership.community_id == community_id, Ownership.unit_id.in_(units)
    )
    residents = select(Residency.party_id).where(
        Residency.community_id == community_id, Residency.unit_id.in_(units)
    )
    return or_(
        _like(Party.name, text),
        _like(Party.phone, text),
        Party.id.in_(owners),
        Party.id.in_(residents),
    )


def search_parties(
    session: Session, community_id: int, *, text: str = "", page: int = 1, size: int = PAGE_SIZE
) -> Found[PartyUnits]:
    """People and organisations by name, phone or unit number, with their units, a page."""
    query = select(Party).where(Party.community_id == community_id)
    if text.strip():
        query = query.where(_party_filter(community_id, text.strip()[:QUERY_LENGTH]))
    found: Found[Party] = _page_of(session, query, Party.id, page=page, size=size)
    return Found(
        units_of_parties(session, community_id, found.items), found.total, found.page, found.pages
    )


def search_vehicles(
    session: Session, community_id: int, *, text: str = "", page: int = 1, size: int = PAGE_SIZE
) -> Found[Vehicle]:
    """Vehicles by plate, note or their unit's number, a page at a time."""
    query = select(Vehicle).where(Vehicle.community_id == community_id)
    cleaned = text.strip()[:QUERY_LENGTH]
    if cleaned:
        units = _units_matching(community_id, cleaned)
        query = query.where(
            or_(
                _like(Vehicle.plate, cleaned.replace(" ", "")),
                _like(Vehicle.note, cleaned),
                Vehicle.unit_id.in_(units),
            )
        )
    return _page_of(session, query, Vehicle.plate, page=page, size=size)


def find_party(session: Session, community_id: int, chosen: str) -> Party:
    """The person a picker names: "#17 …" (its number), else by exact name or phone.

    Invalid when nobody or several people match.
    """
    text = chosen.strip()
    number = re.match(r"#(\d{1,9})\b", text)
    query = select(Party).where(Party.community_id == community_id)
    if number:
        query = query.where(Party.id == int(number.group(1)))
    else:
        query = query.where(or_(Party.name == text, Party.phone == text))
    matches: Sequence[Party] = list(session.scalars(query.limit(2)))
    if len(matches) == 1:
        return matches[0]
    message = "nobody here is {text}" if not matches else "several people are {text}: choose one"
    problem = Problem("party", message, {"text": text[:40]}, "party")
    raise Invalid("the person was not found", problems=[problem])
