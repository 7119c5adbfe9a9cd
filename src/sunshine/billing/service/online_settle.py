"""Booking paid online orders: each one is a payment, taken as the desk takes one.

Paid orders are booked by `taking.take_payments`, the desk's own path, many in one go
(method "online", the channel's transaction as the reference, received when the channel
says it was paid): each pays the bills the payer chose (those still open; none left: the
oldest, as any payment), or the unit's oldest, keeps the rest as a prepayment, and gets
its receipt. The payment's key is the transaction (`pay:{channel}:{transaction}`, also the
entry's external id), so a transaction is booked once however often this runs; and since
the books' lock is taken first, a desk payment taken at the same moment for the same bill
runs before or after the batch, never beside it. The order keeps its payment and that
payment's entry. A batch is a few queries whatever its size (`online_booking` books up to
500 in one transaction), so a busy channel's orders hold the books only briefly.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from sunshine.billing.models.orders import OnlineOrder
from sunshine.billing.service.taking import Received
from sunshine.billing.service.taking import take_payments
from sunshine.infra import clock
from sunshine.kernel.periods import Period
from sunshine.ledger import service as ledger

KEY_MAX = 64  # billing_payment.request_key
CHANNEL_NAMES = {"wechat": "微信支付", "alipay": "支付宝", "development": "开发渠道"}


def settle_paid_orders(session: Session, community_id: int, orders: Sequence[OnlineOrder]) -> None:
    """Book paid orders of one community, all or none; each gets its payment and entry."""
    if not orders:
        return
    ledger.lock_books(session, community_id)  # before the first read: the desk waits for us
    closed = ledger.closed_through(session, community_id)
    today = clock.today()
    received = [_money(order, _booking_day(order, closed, today)) for order in orders]
    payments = take_payments(session, community_id, received, actor_id=None)
    for order, payment in zip(orders, payments, strict=True):
        order.payment_id = payment.id
        order.entry_id = payment.entry_id
    session.flush()


def _money(order: OnlineOrder, day: date) -> Received:
    assert order.paid_at is not None  # _booking_day checked both
    assert order.transaction_id is not None
    key = payment_key(order.channel, order.transaction_id)
    return Received(
        unit_id=order.unit_id,
        amount=order.amount,
        method="online",
        reference=order.transaction_id,
        received_at=order.paid_at,
        actor=f"在线支付 {CHANNEL_NAMES.get(order.channel, order.channel)} / {order.channel}",
        bill_ids=order.chosen_bills,
        request_key=key,
        booked_on=day,
        external_id=key,
        skip_paid=True,
    )


def payment_key(channel: str, transaction_id: str) -> str:
    """The payment's one-time key: the channel's transaction (hashed when it is too long)."""
    key = f"pay:{channel}:{transaction_id}"
    if len(key) <= KEY_MAX:
        return key
    return f"pay:{channel}:sha256:{hashlib.sha256(transaction_id.encode()).hexdigest()}"[:KEY_MAX]


def _booking_day(order: OnlineOrder, closed: Period | None, today: date) -> date:
    """The day it was paid (in China), or today when that month is closed already."""
    if order.paid_at is None or order.transaction_id is None:
        raise ValueError(f"order {order.order_no} is not paid")
    paid = clock.local(order.paid_at).date()
    if paid > today or (closed is not None and Period.of(paid) <= closed):
        return today
    return paid
