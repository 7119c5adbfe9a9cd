"""Received taken for a unit, at the desk or online; refunds; what a unit paid.

Every payment holds the books' lock from its first read (`ledger.lock_books`: an advisory
transaction lock on PostgreSQL; SQLite's one writer, whose unit of work begins IMMEDIATE),
so two clerks paying the same bill at the same moment run one after the other: the second
reads the bill as the first left it, and no bill is ever paid beyond its amount (the
database's CHECK `paid_fen <= amount_fen` would refuse it anyway). Online payments take
the same path (`taking.take_payments`, from `online_settle`) under the same lock: a desk
payment racing a channel's notification for the same bill is one of the two, never both.

Where income is recognised on collection (rules.income), the payment's entry also moves
what it paid of each bill from 2205 into that bill's item's income account.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.billing.models import Allocation
from sunshine.billing.models import Bill
from sunshine.billing.models import Payment
from sunshine.billing.service.taking import Received
from sunshine.billing.service.taking import take_payments
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import NotFound
from sunshine.kernel.money import Fen
from sunshine.ledger import service as ledger


def take_payment(  # noqa: PLR0913 - the interface agreed with the channels, plus who and a key
    session: Session,
    *,
    community_id: int,
    unit_id: int,
    amount: Fen,
    method: str,
    reference: str,
    received_at: datetime,
    bill_ids: Sequence[int] | None = None,
    actor: str,
    actor_id: int | None = None,
    request_key: str | None = None,
    booked_on: date | None = None,
    external_id: str | None = None,
) -> Payment:
    """Book money received for a unit and spread it over its bills (rules.allocation).

    Dr 1001 (or 1002 for cash) the amount; Cr 1122 what pays bills, oldest first unless
    `bill_ids` are given; Cr 2203 the rest, a prepayment the next bills use. A
    `request_key` (the desk form's one-time key, a channel's transaction) seen before
    returns that payment: the form sent twice books the money once. The entry is dated
    `booked_on`, else the day it was received (in China); `external_id` is the entry's
    (an online payment's: its channel's transaction, as the ledger has always keyed them).
    A batch of one of `taking.take_payments`, which the online booker calls with many.
    """
    money = Received(
        unit_id=unit_id,
        amount=amount,
        method=method,
        reference=reference,
        received_at=received_at,
        actor=actor,
        bill_ids=bill_ids,
        request_key=request_key,
        booked_on=booked_on,
        external_id=external_id,
    )
    [payment] = take_payments(session, community_id, [money], actor_id=actor_id)
    return payment


def refund_payment(
    session: Session,
    community_id: int,
    payment_id: int,
    *,
    reason: str,
    on: date,
    actor_id: int | None = None,
) -> Payment:
    """Give a payment back: its entry is reversed, with the reason, and its bills reopen.

    Refused when a billing run has spent part of its prepayment on later bills: that money
    is no longer the payer's to take back as it was paid.
    """
    ledger.lock_books(session, community_id)
    payment = get_payment(session, community_id, payment_id)
    if payment.refund_entry_id is not None:
        raise Conflict("payment {id} is refunded already", args={"id": payment_id})
    allocations = allocations_of(session, community_id, payment_id)
    if any(row.run_id is not None for row in allocations):
        raise Conflict(
            "payment {id} paid later bills from its prepayment; it cannot be refunded whole",
            args={"id": payment_id},
        )
    reversal = ledger.reverse_entry(
        session, community_id, payment.entry_id, reason=reason, actor_id=actor_id, booked_on=on
    )
    for row in allocations:
        bill = session.get(Bill, (community_id, row.bill_id))
        assert bill is not None  # a foreign key
        bill.paid_fen -= row.amount_fen
    payment.refund_entry_id = reversal.id
    payment.refund_reason = reason.strip()
    session.flush()
    return payment


def get_payment(session: Session, community_id: int, payment_id: int) -> Payment:
    payment = session.get(Payment, (community_id, payment_id))
    if payment is None:
        raise NotFound("no payment {id}", args={"id": payment_id})
    return payment


def allocations_of(session: Session, community_id: int, payment_id: int) -> list[Allocation]:
    query = select(Allocation).where(
        Allocation.community_id == community_id, Allocation.payment_id == payment_id
    )
    return list(session.scalars(query.order_by(Allocation.id)))


def unit_bills(session: Session, community_id: int, unit_id: int) -> list[Bill]:
    query = select(Bill).where(Bill.community_id == community_id, Bill.unit_id == unit_id)
    return list(session.scalars(query.order_by(Bill.period.desc(), Bill.id.desc())))


def unit_payments(session: Session, community_id: int, unit_id: int) -> list[Payment]:
    query = select(Payment).where(Payment.community_id == community_id, Payment.unit_id == unit_id)
    return list(session.scalars(query.order_by(Payment.received_at.desc(), Payment.id.desc())))
