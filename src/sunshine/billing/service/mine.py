"""An owner's own money: the bills they are liable for, their payments, receipts, prepayment.

Whose bill it is was fixed when it was issued (`Bill.payer_party_id`, from the registry's
`liable_on`): a bill is the viewer's when they are its payer, or when they own its unit now
together with its payer (co-owners are liable together). So an owner sees the bills issued to
them — not the tenant's bills for an item the resident pays, not the former owner's bills of
a unit bought later — and a former owner still sees what was issued to them. The viewer's
units are the units they own or live in now and the units of their bills; payments,
receipts, orders and prepayments are shown for those units only. Anything else is NotFound,
as if it were not there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.billing.models import Bill
from sunshine.billing.models import Receipt
from sunshine.billing.models.orders import OnlineOrder
from sunshine.billing.rules import collect as rules
from sunshine.billing.service import online
from sunshine.billing.service import receipts
from sunshine.billing.service.channels.base import Channel
from sunshine.billing.service.items import list_items
from sunshine.billing.service.prepayments import prepayment_of
from sunshine.billing.service.terms import late_fee_clause
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.kernel.errors import Problem
from sunshine.kernel.money import ZERO
from sunshine.kernel.money import Fen
from sunshine.registry import service as registry

PAID_SHOWN = 24  # the latest paid bills on the page; the receipts hold the rest


@dataclass(frozen=True, slots=True)
class Whose:
    """Who the viewer is here: their people, and which bills and units are theirs."""

    party_ids: frozenset[int]
    payers: frozenset[tuple[int, int]]  # (unit, party) pairs whose bills are the viewer's
    unit_ids: frozenset[int]  # units they own or live in now

    def owns_bill(self, bill: Bill) -> bool:
        payer = bill.payer_party_id
        return payer in self.party_ids or (bill.unit_id, payer) in self.payers


def whose(session: Session, community_id: int, user_id: int) -> Whose:
    """The viewer's people, their co-owners' bills, their present units."""
    parties = frozenset(registry.parties_of_user(session, community_id, user_id))
    household = registry.household_of(session, community_id, user_id)
    payers = {
        (home.unit.id, owner.party_id)
        for home in household
        if home.share_percent is not None
        for owner in registry.owners_of(session, community_id, home.unit.id)
    }
    return Whose(parties, frozenset(payers), frozenset(home.unit.id for home in household))


def _my_bills(session: Session, community_id: int, who: Whose) -> list[Bill]:
    payer_ids = who.party_ids | {party for _, party in who.payers}
    if not payer_ids:
        return []
    query = select(Bill).where(
        Bill.community_id == community_id, Bill.payer_party_id.in_(sorted(payer_ids))
    )
    bills = session.scalars(query.order_by(Bill.unit_id, Bill.period, Bill.due_on, Bill.id))
    return [bill for bill in bills if who.owns_bill(bill)]


@dataclass(frozen=True, slots=True)
class MyBill:
    """One bill as its payer sees it: what is still owed, how late, in which ageing band."""

    bill: Bill
    item_name: str
    owed: Fen
    days_late: int  # past the due date; 0 or less: not due yet
    band: int | None  # index in rules.BANDS when overdue
    late_fee: Fen  # 0 unless the trust contract has the clause (never booked; LAW.md 2)

    @property
    def overdue(self) -> bool:
        return self.band is not None


@dataclass(slots=True)
class MyUnit:
    unit_id: int
    number: str
    prepaid: Fen = ZERO
    open: list[MyBill] = field(default_factory=list)
    paid: list[MyBill] = field(default_factory=list)

    @property
    def owed(self) -> Fen:
        return sum((line.owed for line in self.open), ZERO)


@dataclass(frozen=True, slots=True)
class MyMoney:
    units: list[MyUnit]
    bands: tuple[Fen, ...]  # overdue, by rules.BANDS
    clause: rules.LateFeeClause  # the contract's late-fee clause, or none (0)

    @property
    def late_fees(self) -> Fen:
        return sum((line.late_fee for unit in self.units for line in unit.open), ZERO)

    @property
    def total_due(self) -> Fen:
        return sum((unit.owed for unit in self.units), ZERO)

    @property
    def overdue(self) -> Fen:
        return sum(self.bands, ZERO)

    @property
    def prepaid(self) -> Fen:
        return sum((unit.prepaid for unit in self.units), ZERO)


def _line(bill: Bill, item_name: str, today: date, clause: rules.LateFeeClause) -> MyBill:
    days = (today - bill.due_on).days
    owed = Fen(bill.amount_fen.value - bill.paid_fen.value)
    band = rules.band_of(days) if days >= 0 and owed.value > 0 else None
    fee = clause.fee(owed, days) if band is not None else ZERO
    return MyBill(bill, item_name, owed, days, band, fee)


def my_money(session: Session, community_id: int, user_id: int, today: date) -> MyMoney:
    """The viewer's units with their open and paid bills, prepayment, and what is overdue."""
    who = whose(session, community_id, user_id)
    bills = _my_bills(session, community_id, who)
    names = {item.id: item.name for item in list_items(session, community_id)}
    unit_ids = sorted(who.unit_ids | {bill.unit_id for bill in bills})
    units = {
        unit_id: MyUnit(unit_id, registry.get_unit(session, community_id, unit_id).number)
        for unit_id in unit_ids
    }
    bands = [0] * len(rules.BANDS)
    clause = late_fee_clause(session, community_id)
    for bill in bills:
        line = _line(bill, names.get(bill.item_id, ""), today, clause)
        unit = units[bill.unit_id]
        (unit.open if line.owed.value > 0 else unit.paid).append(line)
        if line.band is not None:
            bands[line.band] += line.owed.value
    for unit in units.values():
        unit.paid = sorted(unit.paid, key=lambda line: line.bill.period, reverse=True)
        unit.paid = unit.paid[:PAID_SHOWN]
        unit.prepaid = prepayment_of(session, community_id, unit.unit_id)
    ordered = sorted(units.values(), key=lambda unit: unit.number)
    return MyMoney(ordered, tuple(Fen(value) for value in bands), clause)


def my_unit_ids(session: Session, community_id: int, user_id: int) -> frozenset[int]:
    """The units whose payments and receipts the viewer may see."""
    who = whose(session, community_id, user_id)
    return who.unit_ids | {bill.unit_id for bill in _my_bills(session, community_id, who)}


@dataclass(frozen=True, slots=True)
class Chosen:
    """Open bills of one unit, all the viewer's, chosen to pay together."""

    unit_id: int
    bill_ids: tuple[int, ...]
    amount: Fen


def choose_bills(
    session: Session, community_id: int, user_id: int, bill_ids: Sequence[int]
) -> Chosen:
    """Check that every chosen bill is the viewer's, open, and of one unit. Raises Invalid."""
    who = whose(session, community_id, user_id)
    open_bills = {
        b.id: b for b in _my_bills(session, community_id, who) if b.paid_fen < b.amount_fen
    }
    problems = [
        Problem("bill", "bill {id} is not one of your open bills", {"id": i}, where="bill_ids")
        for i in bill_ids
        if i not in open_bills
    ]
    if not bill_ids:
        problems.append(Problem("bill", "choose at least one bill", where="bill_ids"))
    chosen = [open_bills[i] for i in dict.fromkeys(bill_ids) if i in open_bills]
    if len({bill.unit_id for bill in chosen}) > 1:
        problems.append(Problem("bill", "pay one unit's bills at a time", where="bill_ids"))
    if problems:
        raise Invalid("the bills cannot be paid online", problems=problems)
    amount = Fen(sum(bill.amount_fen.value - bill.paid_fen.value for bill in chosen))
    return Chosen(chosen[0].unit_id, tuple(bill.id for bill in chosen), amount)


def pay_online(
    session: Session,
    community_id: int,
    user_id: int,
    bill_ids: Sequence[int],
    *,
    channel: Channel,
    now: datetime,
    minutes: int,
) -> online.Opened:
    """Open an order at `channel` for the chosen bills of one of the viewer's units."""
    chosen = choose_bills(session, community_id, user_id, bill_ids)
    return online.open_order(
        session,
        community_id,
        unit_id=chosen.unit_id,
        amount=chosen.amount,
        description=f"物业缴费（{len(chosen.bill_ids)}笔账单）",  # no unit: channels show it
        channel=channel,
        now=now,
        minutes=minutes,
        bill_ids=chosen.bill_ids,  # paid exactly, when the order is booked (online_settle)
    )


def my_order(session: Session, community_id: int, user_id: int, order_no: str) -> OnlineOrder:
    """One of the viewer's units' online orders. Raises NotFound for anyone else's."""
    order = online.find_order(session, community_id, order_no)
    if order.unit_id not in my_unit_ids(session, community_id, user_id):
        raise NotFound("there is no order {number}", args={"number": order_no[:32]})
    return order


def receipt_of_order(session: Session, order: OnlineOrder) -> Receipt | None:
    """The receipt of the payment that booked a paid order, once it is booked."""
    if order.payment_id is None:
        return None
    return receipts.receipt_of_payment(session, order.community_id, order.payment_id)


def order_bills(session: Session, order: OnlineOrder) -> list[Bill]:
    """The bills the order was opened for, oldest first (none: it pays the oldest first)."""
    chosen = order.chosen_bills
    if not chosen:
        return []
    query = select(Bill).where(Bill.community_id == order.community_id, Bill.id.in_(chosen))
    return list(session.scalars(query.order_by(Bill.period, Bill.id)))


def my_receipts(session: Session, community_id: int, user_id: int) -> list[receipts.ReceiptRow]:
    """The receipts of the viewer's units, newest first."""
    rows = [
        row
        for unit_id in my_unit_ids(session, community_id, user_id)
        for row in receipts.list_receipts(session, community_id, unit_id=unit_id)
    ]
    return sorted(rows, key=lambda row: row.receipt.number, reverse=True)


def my_orders(
    session: Session, community_id: int, user_id: int, *, limit: int = 20
) -> list[OnlineOrder]:
    """The latest online orders of the viewer's units, newest first, whatever their state."""
    units = my_unit_ids(session, community_id, user_id)
    if not units:
        return []
    query = (
        select(OnlineOrder)
        .where(OnlineOrder.community_id == community_id, OnlineOrder.unit_id.in_(sorted(units)))
        .order_by(OnlineOrder.created_at.desc(), OnlineOrder.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def may_see_unit(session: Session, community_id: int, user_id: int, unit_id: int) -> bool:
    return unit_id in my_unit_ids(session, community_id, user_id)
