"""Reads over a whole district as plain rows, for set-based work (billing runs).

A run for 100,000 units needs (unit id, area) pairs, not 100,000
mapped objects: loading those costs seconds in SQLAlchemy's per-object bookkeeping (and
the garbage collector's walks over them). Areas arrive in hundredths of a m², exactly as
stored.
"""

from __future__ import annotations

from sqlalchemy import BigInteger
from sqlalchemy import select
from sqlalchemy import type_coerce
from sqlalchemy.orm import Session

from sunshine.registry.models import Unit


def unit_areas(session: Session, community_id: int) -> list[tuple[int, int]]:
    """(unit id, area in hundredths of a m²) of every unit of the community, by id."""
    units = Unit.__table__.c
    query = (
        select(units.id, type_coerce(units.area_dm2, BigInteger))  # the stored integer
        .where(units.community_id == community_id)
        .order_by(units.id)
    )
    return [(int(unit_id), int(dm2)) for unit_id, dm2 in session.execute(query).all()]
