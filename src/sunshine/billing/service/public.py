"""Figures of collection fit for the public (LAW.md 3): rates per item, arrears by band.

No names, no phones, and no room-level amounts, ever. Room numbers appear (beside a band,
never with an amount) only where the community's terms allow them (`public_rooms`, off
by default). The monthly notice's sections (`notice_section`) read the same figures, as
of the notice's last day, and never name rooms.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from sunshine.billing.rules import collect as rules
from sunshine.billing.service import arrears
from sunshine.billing.service.items import list_items
from sunshine.billing.service.terms import terms_of
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.registry import service as registry


@dataclass(frozen=True, slots=True)
class PublicRate:
    """A charge item's collection rate for a period: the two integers and the percentage."""

    item: str  # the item's name, "生活垃圾清运费"
    period: Period
    paid: Fen
    billed: Fen
    percent: str  # rounded as rules.RATE_ROUNDING says


@dataclass(frozen=True, slots=True)
class PublicBand:
    band: str  # rules.BANDS' key, "31-90"
    total: Fen
    units: int  # how many units owe something in this band
    rooms: tuple[str, ...]  # their numbers, only where the community allows it


@dataclass(frozen=True, slots=True)
class PublicArrears:
    as_of: date
    bands: tuple[PublicBand, ...]
    total: Fen
    rooms_shown: bool


def public_collection_rates(
    session: Session,
    community_id: int,
    periods: Collection[Period],
    *,
    as_of: date | None = None,
) -> list[PublicRate]:
    """The collection rate per charge item and period (paid by `as_of`, default today)."""
    names = {item.id: item.name for item in list_items(session, community_id)}
    return [
        PublicRate(names[row.item_id], row.period, row.rate.paid, row.rate.billed, row.rate.percent)
        for row in arrears.collection_rates(session, community_id, periods=periods, as_of=as_of)
    ]


def public_arrears(session: Session, community_id: int, as_of: date) -> PublicArrears:
    """Total arrears on `as_of` by ageing band, with how many units owe in each."""
    by_unit = arrears.ageing_by_unit(session, community_id, as_of)
    rooms_shown = terms_of(session, community_id).public_rooms
    numbers = (
        {u.id: u.number for u in registry.list_units(session, community_id)} if rooms_shown else {}
    )
    bands = []
    for index, band in enumerate(rules.BANDS):
        owing = [row for row in by_unit if row.bands[index].value > 0]
        rooms = tuple(sorted(numbers[row.key] for row in owing)) if rooms_shown else ()
        total = Fen(sum(row.bands[index].value for row in owing))
        bands.append(PublicBand(band.key, total, len(owing), rooms))
    return PublicArrears(
        as_of=as_of,
        bands=tuple(bands),
        total=Fen(sum(band.total.value for band in bands)),
        rooms_shown=rooms_shown,
    )
