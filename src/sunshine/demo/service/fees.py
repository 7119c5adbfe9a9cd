"""荆川东园's income as bills and payments, through billing's services, month by month.

Two charge items (SCENARIO.md "Fees and money"), both liable on the owner:

    garbage  生活垃圾清运费  100.00 a household a year, billed each September  → 6004
    parking  车位租金        120.00 a space a month, on the 60 resident spaces  → 6002

The property service fee is not an item: the trust community charges none (SCENARIO.md
lists only these two), so the demo invents no such income. The 60 spaces are let to the
first 60 households with a car on record (billing's lease list, until the parking part
brings leases).

Who pays when: every lease is paid by bank transfer between the 1st and the 5th of its
month (take-up 100%); the garbage fee is paid at the desk (card or transfer) by 183 of 192
households on `year.GARBAGE_PAID`'s days (96, 52, 21, 8, 4, 2), the households with a
space among the first 96, so their rent never meets an open garbage bill. The nine who
never pay are the developer's two unsold units and seven others. One of the first day's
garbage payments, the demo owner's (1-2-301), is made online through the development
channel end to end: an order, the channel's signed notification, the booking.

Everything is derived from the plan, in a fixed order, with fixed times, so the same bills,
payments and receipts come out on every load.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from functools import cache

from sqlalchemy.orm import Session

from sunshine.billing import service as billing
from sunshine.billing.rules.channels import ChannelAnswer
from sunshine.billing.rules.channels import PaidNotice
from sunshine.billing.rules.charges import ChargeKind
from sunshine.billing.rules.charges import Liable
from sunshine.billing.rules.income import IncomeBasis
from sunshine.billing.service import online
from sunshine.billing.service import online_booking
from sunshine.billing.service import taking
from sunshine.billing.service import terms
from sunshine.billing.service.channels.development import DevelopmentChannel
from sunshine.billing.service.channels.registry import channel_named
from sunshine.billing.service.taking import Received
from sunshine.demo.rules import plan
from sunshine.demo.service import year
from sunshine.infra import clock
from sunshine.kernel.errors import Invalid
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.registry import service as registry

GARBAGE, PARKING = "garbage", "parking"
CLERK = "staff"  # the desk's login, who takes the payments
PARKING_DAYS = 5  # every lease is paid by the 5th of its month
NEVER_PAID = 9  # 192 - 183 households
ONLINE_TXN = "DEV{day:%Y%m%d}0001"  # the development channel's transaction id
ONLINE_NONCE = "0d0e0f10"  # the order number's random part, fixed so loads are the same bytes


@dataclass(frozen=True, slots=True)
class Schedule:
    """Who pays what, by unit number: the leases' units and the garbage payers by day."""

    leased: tuple[str, ...]  # unit numbers, lease i rents space P(i+1)
    garbage: tuple[tuple[date, tuple[str, ...]], ...]  # (first season's day, units)
    online: str  # the unit whose first garbage fee is paid online


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@cache
def schedule() -> Schedule:
    """The demo's payers, from the plan: the same on every machine."""
    blueprint = plan.reference_plan()
    leased: list[str] = []
    for vehicle in blueprint.vehicles:
        if vehicle.unit not in leased and len(leased) < year.PARKING_SPACES:
            leased.append(vehicle.unit)
    first = [plan.OWNER_UNIT, *(n for n in leased if n != plan.OWNER_UNIT)]
    others = sorted(
        (u.number for u in blueprint.units if u.number not in first),
        key=lambda number: (number in plan.DEVELOPER_HELD, _digest(number)),
    )
    payers = first + others[: len(others) - NEVER_PAID]
    days, start = [], 0
    for day, count in year.GARBAGE_PAID:
        days.append((day, tuple(payers[start : start + count])))
        start += count
    return Schedule(tuple(leased), tuple(days), plan.OWNER_UNIT)


def open_billing(session: Session, community_id: int) -> None:
    """Income on collection, the two items with their rates from September 2024, the leases."""
    # The trust contract has no late-fee clause (0, LAW.md 2); income is what is collected.
    terms.set_terms(session, community_id, late_fee_bp=0, income_on=IncomeBasis.COLLECTED)
    for code, name, kind, account, rate in (
        (GARBAGE, "生活垃圾清运费", ChargeKind.PER_HOUSEHOLD_YEAR, "6004", year.GARBAGE_FEE),
        (PARKING, "车位租金", ChargeKind.PER_SPACE_MONTH, "6002", year.PARKING_RENT),
    ):
        item = billing.add_item(
            session,
            community_id,
            code=code,
            name=name,
            kind=kind,
            account_code=account,
            liable=Liable.OWNER,
            first_month=year.FIRST.month,
        )
        billing.set_rate(
            session, community_id, item.id, rate=rate, effective_from=year.FIRST.first_day,
            actor=CLERK,
        )  # fmt: skip
    units = _unit_ids(session, community_id)
    for index, number in enumerate(schedule().leased):
        billing.add_lease(
            session,
            community_id,
            space=f"P{index + 1:02d}",
            unit_id=units[number],
            starts_on=year.FIRST.first_day,
        )


def _unit_ids(session: Session, community_id: int) -> dict[str, int]:
    return {unit.number: unit.id for unit in registry.list_units(session, community_id)}


def _at(day: date, minute: int) -> datetime:
    """A moment of the desk's day in China time: from 09:00, a minute a payment."""
    return datetime.combine(day, time(9), tzinfo=clock.SHANGHAI) + timedelta(minutes=minute)


def collect_month(
    session: Session, community_id: int, period: Period, *, actor_id: int | None
) -> int:
    """Bill `period` (parking; in September the season's garbage fee) and take its payments.

    The parking run goes first, so in September a space's rent is the older bill by
    number and its payment pays the rent, not the garbage fee. The desk's payments of the
    month are taken as one batch, in the order they came in; how many payments in all.
    """
    items = {item.code: item.id for item in billing.list_items(session, community_id)}
    billing.post_run(session, community_id, items[PARKING], period, actor=CLERK, actor_id=actor_id)
    if period.month == year.FIRST.month:
        billing.post_run(
            session, community_id, items[GARBAGE], period, actor=CLERK, actor_id=actor_id
        )
    units = _unit_ids(session, community_id)
    desk = [
        Received(units[number], amount, method, reference, at, CLERK)
        for number, amount, method, reference, at in _desk(period)
    ]
    desk.sort(key=lambda money: (money.received_at, money.unit_id))
    taking.take_payments(session, community_id, desk, actor_id=actor_id)
    paid_online = _online(period)
    if paid_online is not None:
        pay_online(session, community_id, units[paid_online[0]], paid_online[1])
    return len(desk) + (paid_online is not None)


def _season(period: Period) -> int:
    """The year the garbage fee's season (September to August) of `period` starts."""
    return period.year if period.month >= year.FIRST.month else period.year - 1


def _garbage_days(period: Period) -> list[tuple[date, tuple[str, ...]]]:
    """The garbage payers' days that fall in `period`, moved to its season."""
    shift = _season(period) - year.FIRST.year
    days = [(day.replace(year=day.year + shift), units) for day, units in schedule().garbage]
    return [(day, units) for day, units in days if day in period]


def _online(period: Period) -> tuple[str, datetime] | None:
    """The demo owner's garbage fee of the first season, paid online on its day, if in `period`."""
    if _season(period) != year.FIRST.year:
        return None
    for day, units in _garbage_days(period):
        if schedule().online in units:
            return schedule().online, _at(day, units.index(schedule().online))
    return None


def _desk(period: Period) -> list[tuple[str, Fen, str, str, datetime]]:
    """(unit, amount, method, reference, when) of every payment at the desk in `period`."""
    paid = []
    for index, number in enumerate(schedule().leased):
        day = period.first_day + timedelta(days=index % PARKING_DAYS)
        reference = f"CW{period.year}{period.month:02d}-P{index + 1:02d}"
        paid.append((number, year.PARKING_RENT, "transfer", reference, _at(day, index)))
    online = _online(period)
    for day, numbers in _garbage_days(period):
        for index, number in enumerate(numbers):
            if online is not None and number == online[0]:
                continue
            method = "transfer" if index % 3 == 2 else "card"
            reference = f"LJ{_season(period)}-{number}"
            paid.append((number, year.GARBAGE_FEE, method, reference, _at(day, index)))
    return paid


def pay_online(session: Session, community_id: int, unit_id: int, at: datetime) -> str:
    """The owner pays the garbage fee on the phone: order, signed notice, booking; the order."""
    channel = channel_named("development")
    if not isinstance(channel, DevelopmentChannel):
        raise Invalid("the demo's online payment needs the development channel")
    opened = online.open_order(
        session,
        community_id,
        unit_id=unit_id,
        amount=year.GARBAGE_FEE,
        description=f"{year.FIRST.year}至{year.FIRST.year + 1}年度 生活垃圾清运费",
        channel=channel,
        now=at,
        minutes=30,
        nonce=ONLINE_NONCE,
    )
    order_no = opened.order.order_no
    paid = PaidNotice(
        order_no, ONLINE_TXN.format(day=at), year.GARBAGE_FEE, at + timedelta(minutes=1)
    )
    # Signed now, as the channel would sign it: the channel refuses a stale signature.
    headers, body = channel.sign_notice(paid, at=clock.now())
    answer = online.receive_notice(session, channel, headers, body, now=paid.paid_at)
    if answer is not ChannelAnswer.SUCCESS:
        raise Invalid("the development channel's notification was refused")
    online_booking.book_paid_orders(session, community_id)
    return order_no


def collected_in(period: Period) -> dict[str, Fen]:
    """What the payments of `period` bring in, by income account (pure: for checks ahead)."""
    households = sum(len(units) for _, units in _garbage_days(period))
    return {
        "6002": year.PARKING_RENT.times(year.PARKING_SPACES),
        "6004": year.GARBAGE_FEE.times(households),
    }
