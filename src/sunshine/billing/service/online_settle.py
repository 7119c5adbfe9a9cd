"""Booking paid online orders in the trust ledger: the one place the integrator joins up.

Until billing's desk payments (`billing.service.payments.take_payment`) are on this
branch, a paid order is booked here as money received into the trust bank account and
held for the unit as a prepayment: Dr 1001 信托资金银行存款 / Cr 2203 预收业主款项. Each
entry's external id is the channel's transaction, so the ledger itself books a
transaction once even if this were called twice. The narration names the channel and our
order number, never the unit or a person (it is published); the order keeps the link
(`entry_id`). Orders are booked many at a time (`ledger.post_entries`, a few queries per
batch), which is what lets a busy channel's notifications be answered quickly
(`online_booking`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from sunshine.billing.models.orders import OnlineOrder
from sunshine.billing.rules.channels import PaidNotice
from sunshine.infra import clock
from sunshine.kernel.periods import Period
from sunshine.ledger import rules as ledger_rules
from sunshine.ledger import service as ledger

TRUST_BANK = "1001"
PREPAYMENT = "2203"
SOURCE = "online"
CHANNEL_NAMES = {"wechat": "微信支付", "alipay": "支付宝", "development": "开发渠道"}


def settle_paid_order(session: Session, order: OnlineOrder, notice: PaidNotice) -> int:
    """Book one paid order for its unit; the ledger entry's number (kept on the order)."""
    if (order.transaction_id, order.paid_at) != (notice.transaction_id, notice.paid_at):
        raise ValueError("the notice is not the one that paid the order")
    settle_paid_orders(session, order.community_id, [order])
    assert order.entry_id is not None  # set just above
    return order.entry_id


def settle_paid_orders(session: Session, community_id: int, orders: Sequence[OnlineOrder]) -> None:
    """Book paid orders of one community, all or none; each order gets its entry's number."""
    if not orders:
        return
    closed = ledger.closed_through(session, community_id)
    today = clock.today()
    drafts = [_draft(order, _booking_day(order, closed, today)) for order in orders]
    keys: list[str | None] = [f"pay:{o.channel}:{o.transaction_id}" for o in orders]
    numbers = ledger.post_entries(
        session, community_id, drafts, actor_id=None, source=SOURCE, external_ids=keys
    )
    for order, number in zip(orders, numbers, strict=True):
        order.entry_id = number
    session.flush()


def _draft(order: OnlineOrder, day: date) -> ledger_rules.EntryDraft:
    channel = CHANNEL_NAMES.get(order.channel, order.channel)
    return ledger_rules.EntryDraft(
        booked_on=day,
        narration=f"在线缴费（{channel}）订单 {order.order_no}",
        postings=(
            ledger_rules.PostingDraft(TRUST_BANK, order.amount),
            ledger_rules.PostingDraft(PREPAYMENT, -order.amount),
        ),
    )


def _booking_day(order: OnlineOrder, closed: Period | None, today: date) -> date:
    """The day it was paid (in China), or today when that month is closed already."""
    if order.paid_at is None:
        raise ValueError(f"order {order.order_no} is not paid")
    paid = clock.local(order.paid_at).date()
    if paid > today or (closed is not None and Period.of(paid) <= closed):
        return today
    return paid
