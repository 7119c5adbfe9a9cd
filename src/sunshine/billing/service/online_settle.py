"""Booking a paid online order in the trust ledger: one function, which the integrator joins up.

Until billing's desk payments (`billing.service.payments.take_payment`) are on this
branch, a paid order is booked here as money received into the trust bank account and
held for the unit as a prepayment: Dr 1001 信托资金银行存款 / Cr 2203 预收业主款项. The
entry's external id is the channel's transaction, so the ledger itself books a
transaction once even if this were called twice. The narration names the channel and our
order number, never the unit or a person (it is published); the order keeps the link.
"""

from __future__ import annotations

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
    """Book the order's money for its unit; the ledger entry's number (kept on the order)."""
    channel = CHANNEL_NAMES.get(order.channel, order.channel)
    draft = ledger_rules.EntryDraft(
        booked_on=_booking_day(session, order.community_id, notice),
        narration=f"在线缴费（{channel}）订单 {order.order_no}",
        postings=(
            ledger_rules.PostingDraft(TRUST_BANK, order.amount),
            ledger_rules.PostingDraft(PREPAYMENT, -order.amount),
        ),
    )
    entry = ledger.post_entry(
        session,
        order.community_id,
        draft,
        actor_id=None,
        source=SOURCE,
        external_id=f"pay:{order.channel}:{notice.transaction_id}",
    )
    order.entry_id = entry.id
    return entry.id


def _booking_day(session: Session, community_id: int, notice: PaidNotice) -> date:
    """The day it was paid (in China), or today when that month is closed already."""
    paid = clock.local(notice.paid_at).date()
    today = clock.today()
    if paid > today or ledger.is_closed(session, community_id, Period.of(paid)):
        return today
    return paid
