"""Arrears as of a date: ageing by unit and by charge item, open lines, collection rates.

Set-based: one query sums what each bill still owed on the day (its amount less the
allocations of payments received by the end of that day and not refunded) and puts it
in its band by comparing the due date with the band's first day; nothing walks bills
one by one. A refund counts from whenever it was made (the payment no longer pays).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from typing import Any

from sqlalchemy import BigInteger
from sqlalchemy import ColumnElement
from sqlalchemy import Select
from sqlalchemy import Subquery
from sqlalchemy import case
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import type_coerce
from sqlalchemy.orm import Session

from sunshine.billing.models import Allocation
from sunshine.billing.models import Bill
from sunshine.billing.models import Payment
from sunshine.billing.rules import collect as rules
from sunshine.billing.service.terms import late_fee_clause
from sunshine.infra import clock
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period

Bands = tuple[Fen, Fen, Fen, Fen]  # what is owed in each of rules.BANDS


def _end_of(day: date) -> datetime:
    """The first instant after `day` in Shanghai, where the books are kept."""
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=clock.SHANGHAI)


def _paid_by(community_id: int, as_of: date) -> Subquery:
    """Per bill, what payments received by the end of `as_of` (not refunded) paid of it."""
    alloc, pay = Allocation.__table__.c, Payment.__table__.c
    return (
        select(alloc.bill_id, func.sum(type_coerce(alloc.amount_fen, BigInteger)).label("paid"))
        .join(
            Payment.__table__,
            (pay.community_id == alloc.community_id) & (pay.id == alloc.payment_id),
        )
        .where(alloc.community_id == community_id)
        .where(pay.received_at < _end_of(as_of), pay.refund_entry_id.is_(None))
        .group_by(alloc.bill_id)
        .subquery()
    )


def _owed_lines(community_id: int, as_of: date) -> Select[Any]:
    """(bill, unit, item, period, due date, owed) of every bill due by `as_of` still owing."""
    bills = Bill.__table__.c
    paid = _paid_by(community_id, as_of)
    owed = type_coerce(bills.amount_fen, BigInteger) - func.coalesce(paid.c.paid, 0)
    return (
        select(
            bills.id, bills.unit_id, bills.item_id, Bill.period, bills.due_on, owed.label("owed")
        )
        .outerjoin(paid, paid.c.bill_id == bills.id)
        .where(bills.community_id == community_id)
        .where(bills.issued_on <= as_of, bills.due_on <= as_of, owed > 0)
    )


def _band(due_on: ColumnElement[date], as_of: date) -> ColumnElement[int]:
    starts = rules.band_starts(as_of)
    return case(
        *((due_on >= start, index) for index, start in enumerate(starts)), else_=len(starts)
    )


@dataclass(frozen=True, slots=True)
class Ageing:
    """What one unit (or one charge item) owed on a day, by band."""

    key: int  # the unit's id, or the item's
    bands: Bands

    @property
    def total(self) -> Fen:
        return Fen(sum(band.value for band in self.bands))


def _ageing(
    session: Session,
    community_id: int,
    as_of: date,
    by: str,
    *,
    item_id: int | None = None,
    unit_ids: Collection[int] | None = None,
) -> list[Ageing]:
    lines = _owed_lines(community_id, as_of)
    if item_id is not None:
        lines = lines.where(Bill.__table__.c.item_id == item_id)
    if unit_ids is not None:
        lines = lines.where(Bill.__table__.c.unit_id.in_(list(unit_ids)))
    owed = lines.subquery()
    band = _band(owed.c.due_on, as_of)
    query = (
        select(owed.c[by], band, func.sum(owed.c.owed))
        .group_by(owed.c[by], band)
        .order_by(owed.c[by])
    )
    sums: dict[int, list[int]] = {}
    for key, index, amount in session.execute(query).all():
        sums.setdefault(int(key), [0, 0, 0, 0])[int(index)] += int(amount)
    return [Ageing(key, _bands(values)) for key, values in sums.items()]


def _bands(values: list[int]) -> Bands:
    return (Fen(values[0]), Fen(values[1]), Fen(values[2]), Fen(values[3]))


def ageing_by_unit(
    session: Session,
    community_id: int,
    as_of: date,
    *,
    item_id: int | None = None,
    unit_ids: Collection[int] | None = None,
) -> list[Ageing]:
    """Each unit that owed something on `as_of`, by band (optionally one item, some units)."""
    return _ageing(session, community_id, as_of, "unit_id", item_id=item_id, unit_ids=unit_ids)


def ageing_by_item(session: Session, community_id: int, as_of: date) -> list[Ageing]:
    """Each charge item with arrears on `as_of`, by band."""
    return _ageing(session, community_id, as_of, "item_id")


def band_totals(session: Session, community_id: int, as_of: date) -> Bands:
    """The community's arrears on `as_of` by band, all units and items together."""
    owed = _owed_lines(community_id, as_of).subquery()
    band = _band(owed.c.due_on, as_of)
    values = [0, 0, 0, 0]
    for index, amount in session.execute(select(band, func.sum(owed.c.owed)).group_by(band)):
        values[int(index)] += int(amount)
    return _bands(values)


@dataclass(frozen=True, slots=True)
class OpenLine:
    """One bill still owing on a day: what, for when, how much, how late, its late fee."""

    bill_id: int
    unit_id: int
    item_id: int
    period: Period
    due_on: date
    owed: Fen
    days_late: int
    late_fee: Fen


def open_lines(
    session: Session, community_id: int, as_of: date, unit_ids: Collection[int]
) -> list[OpenLine]:
    """The units' bills still owing on `as_of`, oldest first, each with its late fee.

    The fee is 0 unless the community's terms hold the contract's clause; with one, it is
    computed per line as written (rules.LateFeeClause) and must be shown flagged.
    """
    clause = late_fee_clause(session, community_id)
    bills = Bill.__table__.c
    query = (
        _owed_lines(community_id, as_of)
        .where(bills.unit_id.in_(list(unit_ids)))
        .order_by(bills.unit_id, Bill.period, bills.due_on, bills.id)
    )
    lines = []
    for bill_id, unit_id, item_id, period, due_on, left in session.execute(query).all():
        days, owed = (as_of - due_on).days, int(left)  # PostgreSQL sums to NUMERIC
        lines.append(
            OpenLine(
                bill_id,
                unit_id,
                item_id,
                period,
                due_on,
                Fen(owed),
                days,
                clause.fee(Fen(owed), days),
            )
        )
    return lines


@dataclass(frozen=True, slots=True)
class ItemRate:
    """The collection rate of one charge item for one period."""

    item_id: int
    period: Period
    rate: rules.CollectionRate


def collection_rates(
    session: Session,
    community_id: int,
    *,
    periods: Collection[Period] | None = None,
    as_of: date | None = None,
) -> list[ItemRate]:
    """Paid / billed per charge item and period, as the two integers (paid by `as_of`)."""
    bills = Bill.__table__.c
    paid = _paid_by(community_id, as_of or clock.today())
    query = (
        select(
            bills.item_id,
            Bill.period,
            func.sum(type_coerce(bills.amount_fen, BigInteger)),
            func.sum(func.coalesce(paid.c.paid, 0)),
        )
        .outerjoin(paid, paid.c.bill_id == bills.id)
        .where(bills.community_id == community_id)
        .group_by(bills.item_id, Bill.period)
        .order_by(Bill.period, bills.item_id)
    )
    if periods is not None:
        query = query.where(Bill.period.in_(list(periods)))
    return [
        ItemRate(int(item), period, rules.CollectionRate(Fen(int(paid_)), Fen(int(billed))))
        for item, period, billed, paid_ in session.execute(query).all()
    ]
