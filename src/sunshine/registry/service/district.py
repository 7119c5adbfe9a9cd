"""Reads over a whole district as plain rows, for set-based work (billing runs).

A run for 100,000 units needs (unit id, area) pairs and each unit's owner, not 100,000
mapped objects: loading those costs seconds in SQLAlchemy's per-object bookkeeping (and
the garbage collector's walks over them). Areas arrive in hundredths of a m², exactly as
stored.
"""

from __future__ import annotations

from sqlalchemy import BigInteger
from sqlalchemy import select
from sqlalchemy import type_coerce
from sqlalchemy.orm import Session

from sunshine.registry.models import Ownership
from sunshine.registry.models import Party
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


def first_owners(session: Session, community_id: int) -> dict[int, tuple[int, str]]:
    """Unit id → (party id, name) of its owner with the largest share (then the lowest id).

    The owners on record now; the registry's dated answer (who owned it on a day) replaces
    this for billing once ownership history lands.
    """
    owned = Ownership.__table__.c
    parties = Party.__table__.c
    query = (
        select(owned.unit_id, parties.id, parties.name)
        .join(
            Party.__table__,
            (parties.community_id == owned.community_id) & (parties.id == owned.party_id),
        )
        .where(owned.community_id == community_id)
        .order_by(owned.unit_id, owned.share_percent, parties.id.desc())
    )
    # Ascending share, then descending id: the last row per unit is the one wanted.
    return {int(unit): (int(party), name) for unit, party, name in session.execute(query).all()}
