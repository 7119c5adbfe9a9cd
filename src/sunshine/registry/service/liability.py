"""Who is liable for a unit's charges on a day: its owner then, or the resident living there.

Set-based for billing runs over whole districts: one query for a community, whatever the
number of units; never one per unit. Ownership on a day comes from the present owners
(from the unit's last transfer on) and the past ones a transfer ended (`PastOwnership`,
each with the days it held); residency likewise (`Residency`, `PastResidency`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from sqlalchemy import ColumnElement
from sqlalchemy import Integer
from sqlalchemy import Select
from sqlalchemy import and_
from sqlalchemy import case
from sqlalchemy import exists
from sqlalchemy import literal_column
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import true
from sqlalchemy import union_all
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.orm import Session

from sunshine.registry.models import Ownership
from sunshine.registry.models import Party
from sunshine.registry.models import PastOwnership
from sunshine.registry.models import PastResidency
from sunshine.registry.models import Residency
from sunshine.registry.models import Transfer
from sunshine.registry.rules import ResidentKind

Who = Literal["owner", "resident"]
_DateColumn = (
    ColumnElement[date | None]
    | ColumnElement[date]
    | InstrumentedAttribute[date | None]
    | InstrumentedAttribute[date]
)
_Rows = Select[int, int, int, int, int]


@dataclass(frozen=True, slots=True)
class LiableParty:
    """The payer a bill names: one person, and everyone liable with them.

    `party_id` and `name` are the designated owner (co-owners: the designated voter, else
    the largest share, else the first) or the tenant; `party_ids` lists all of the unit's
    owners (or tenants) on the day, the payer first. `as_resident` is False when the
    owner pays.
    """

    party_id: int
    name: str
    party_ids: tuple[int, ...]
    as_resident: bool


def liable_on(
    session: Session, community_id: int, on_date: date, who: Who
) -> dict[int, LiableParty]:
    """Unit id → who pays a charge for `on_date`, by unit id, for every unit with someone liable.

    who="owner": the unit's owners on that day. who="resident": the tenants living there
    on that day (a tenant pays what the charge item lays on the resident); where none
    lives there, the owners, since the owner's household (owner, family) is the owner's.
    A unit nobody owned or rented on that day (unsold, or before the registry knew) is
    left out.
    """
    parts = _owners_on(community_id, on_date)
    if who == "resident":
        parts += _tenants_on(community_id, on_date)
    rows = union_all(*parts).subquery()
    query = (
        select(rows.c.unit_id, rows.c.party_id, rows.c.rank, Party.name)
        .join(Party, (Party.community_id == community_id) & (Party.id == rows.c.party_id))
        .order_by(
            rows.c.unit_id, rows.c.rank, rows.c.sort_voter, rows.c.sort_share, rows.c.party_id
        )
    )
    result: dict[int, LiableParty] = {}
    best_rank: dict[int, int] = {}
    for unit_id, party_id, rank, name in session.execute(query):
        held = result.get(unit_id)
        if held is None:
            best_rank[unit_id] = rank
            result[unit_id] = LiableParty(party_id, name, (party_id,), rank == 0)
        elif rank == best_rank[unit_id] and party_id not in held.party_ids:
            result[unit_id] = LiableParty(
                held.party_id, held.name, (*held.party_ids, party_id), held.as_resident
            )
    return result


def _during(start: _DateColumn | None, end: _DateColumn | None, on: date) -> ColumnElement[bool]:
    """The day falls in [start, end); a None bound, or NULL in the row, is open."""
    after = true() if start is None else or_(start.is_(None), start <= on)
    before = true() if end is None else or_(end.is_(None), end > on)
    return and_(after, before)


_ZERO, _ONE = literal_column("0", Integer), literal_column("1", Integer)


def _owners_on(community_id: int, on: date) -> list[_Rows]:
    """Owners on the day, ranked 1 (after any tenant), sorted voter first, then by share.

    The present owners hold from the unit's last transfer on: they count unless a transfer
    of the unit takes effect after the day (an index probe per unit, no grouping).
    """
    later = exists().where(
        Transfer.community_id == community_id,
        Transfer.unit_id == Ownership.unit_id,
        Transfer.effective_on > on,
    )
    now = select(
        Ownership.unit_id, Ownership.party_id, _ONE.label("rank"),
        case((Ownership.is_designated_voter, 0), else_=1).label("sort_voter"),
        (-Ownership.share_percent).label("sort_share"),
    ).where(Ownership.community_id == community_id, ~later)  # fmt: skip
    past = select(
        PastOwnership.unit_id, PastOwnership.party_id, _ONE,
        case((PastOwnership.is_designated_voter, 0), else_=1), -PastOwnership.share_percent,
    ).where(
        PastOwnership.community_id == community_id,
        _during(PastOwnership.valid_from, PastOwnership.valid_to, on),
    )  # fmt: skip
    return [now, past]


def _tenants_on(community_id: int, on: date) -> list[_Rows]:
    """Tenants living there on the day, ranked 0 (before the owners)."""
    now = select(Residency.unit_id, Residency.party_id, _ZERO, _ZERO, _ZERO).where(
        Residency.community_id == community_id,
        Residency.kind == ResidentKind.TENANT,
        _during(Residency.since_on, None, on),
    )
    past = select(PastResidency.unit_id, PastResidency.party_id, _ZERO, _ZERO, _ZERO).where(
        PastResidency.community_id == community_id,
        PastResidency.kind == ResidentKind.TENANT,
        _during(PastResidency.since_on, PastResidency.until_on, on),
    )
    return [now, past]
