"""Online orders: open one at a channel, take the channel's notifications, close the expired.

A notification's money is booked exactly once. The channel verifies its signature and reads it
(`channels.base.Channel.read_notice`); here the notice is checked against our own order,
which is locked first (SELECT … FOR UPDATE on PostgreSQL; SQLite has one writer, and a
notification is a write from its first statement), so the same notice twice at the same
moment books once: the second sees the order paid by the same transaction and is a
duplicate, answered as success so that the channel stops sending it. The transaction id
is also unique per channel in the table, and the ledger entry's external id. The order is
marked paid here and the channel answered at once; the ledger entry follows moments later,
many orders in one batch (`online_booking`), so a busy channel is answered in milliseconds.

A notice that pays an order that was closed or had expired is still booked — the money
really came in — and the order is flagged for staff. Anything refused (forged, stale,
unknown order, another amount, another transaction for a paid order) is kept in
`billing_refused_notice` with its reason, and the channel is answered "fail".
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.billing.models.orders import OnlineOrder
from sunshine.billing.models.orders import RefusedNotice
from sunshine.billing.rules.channels import MAX_ORDER
from sunshine.billing.rules.channels import ORDER_NO_MAX
from sunshine.billing.rules.channels import TXN_ID_MAX
from sunshine.billing.rules.channels import ChannelAnswer
from sunshine.billing.rules.channels import OrderRequest
from sunshine.billing.rules.channels import OrderStatus
from sunshine.billing.rules.channels import PaidNotice
from sunshine.billing.rules.channels import PayInstruction
from sunshine.billing.rules.channels import Refusal
from sunshine.billing.rules.channels import Refused
from sunshine.billing.rules.channels import check_notice
from sunshine.billing.rules.channels import community_of
from sunshine.billing.rules.channels import flag_for
from sunshine.billing.rules.channels import order_number
from sunshine.billing.service.channels.base import Channel
from sunshine.billing.service.channels.registry import channel_named
from sunshine.billing.service.taking import chosen_problems
from sunshine.billing.service.taking import open_bills
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.kernel.errors import SunshineError
from sunshine.kernel.money import Fen
from sunshine.registry import service as registry

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Opened:
    order: OnlineOrder
    instruction: PayInstruction


def open_order(
    session: Session,
    community_id: int,
    *,
    unit_id: int,
    amount: Fen,
    description: str,
    channel: Channel,
    now: datetime,
    minutes: int,
    bill_ids: Sequence[int] | None = None,
    nonce: str | None = None,
) -> Opened:
    """Record an order for a unit's money and place it with `channel`; what the payer needs.

    `bill_ids`, the bills the payer chose, must be open bills of the unit (Invalid); the
    payment pays them when the order is booked (`online_settle`), else the oldest first.
    `nonce` is the order number's random part (8 hex digits); only the demo gives one, so
    that its loads write the same bytes.
    """
    if not Fen(0) < amount <= MAX_ORDER:
        raise Invalid(
            "an online payment is between 0.01 and {most} yuan", args={"most": str(MAX_ORDER)}
        )
    registry.get_unit(session, community_id, unit_id)  # NotFound for another community's
    if bill_ids is not None and (
        chosen := chosen_problems(open_bills(session, community_id, unit_id), bill_ids)
    ):
        raise Invalid("the order was not opened", problems=chosen)
    order = OnlineOrder(
        community_id=community_id,
        order_no=order_number(community_id, now, nonce or secrets.token_hex(4)),
        unit_id=unit_id,
        amount=amount,
        description=description[:128],
        channel=channel.name.value,
        status=OrderStatus.CREATED,
        created_at=now,
        expires_at=now + timedelta(minutes=minutes),
        flag="",
        bill_ids=",".join(str(i) for i in dict.fromkeys(bill_ids or ())),
    )
    session.add(order)
    session.flush()
    request = OrderRequest(order.order_no, amount, order.description, order.expires_at)
    return Opened(order, channel.create_order(request))


def receive_notice(
    session: Session, channel: Channel, headers: Mapping[str, str], body: bytes, *, now: datetime
) -> ChannelAnswer:
    """Verify, check and book one notification; how to answer the channel."""
    verdict = channel.read_notice(headers, body)
    refused = _book(session, channel, verdict) if isinstance(verdict, PaidNotice) else verdict
    if refused is None:
        return ChannelAnswer.SUCCESS
    _record(session, channel, refused, body, now=now)
    return ChannelAnswer.SUCCESS if refused.reason is Refusal.DUPLICATE else ChannelAnswer.FAIL


def _book(session: Session, channel: Channel, notice: PaidNotice) -> Refused | None:
    """Book the notice against our order (None), or say why not."""
    refused = Refused(Refusal.UNKNOWN_ORDER, notice.order_no, notice.transaction_id)
    community_id = community_of(notice.order_no)
    if community_id is None or len(notice.transaction_id) > TXN_ID_MAX:
        return refused
    order = _locked(session, community_id, notice.order_no)
    if order is None:
        return refused
    if order.channel != channel.name.value:
        return Refused(Refusal.WRONG_CHANNEL, notice.order_no, notice.transaction_id)
    why = check_notice(
        notice, amount=order.amount, status=order.status, paid_by=order.transaction_id
    )
    if why is None and _paid_another(session, order, notice.transaction_id):
        why = Refusal.OTHER_TRANSACTION
    if why is not None:
        return Refused(why, notice.order_no, notice.transaction_id)
    order.flag = flag_for(order.status)
    order.status = OrderStatus.PAID
    order.transaction_id = notice.transaction_id
    order.paid_at = notice.paid_at
    session.flush()  # booked in the ledger moments later, in a batch (online_booking)
    if order.flag:
        log.warning("order %s paid after it was %s", order.order_no, order.flag)
    return None


def _locked(session: Session, community_id: int, order_no: str) -> OnlineOrder | None:
    query = select(OnlineOrder).where(
        OnlineOrder.community_id == community_id, OnlineOrder.order_no == order_no
    )
    return session.scalar(query.with_for_update().execution_options(populate_existing=True))


def _paid_another(session: Session, order: OnlineOrder, transaction_id: str) -> bool:
    """Whether this transaction already paid another order (the channel would never say so)."""
    other = session.scalar(
        select(OnlineOrder.id).where(
            OnlineOrder.community_id == order.community_id,
            OnlineOrder.channel == order.channel,
            OnlineOrder.transaction_id == transaction_id,
        )
    )
    return other is not None and other != order.id


def _record(
    session: Session, channel: Channel, refused: Refused, body: bytes, *, now: datetime
) -> None:
    log.warning(
        "%s notification refused (%s): order %r", channel.name, refused.reason, refused.order_no
    )
    community_id = community_of(refused.order_no) if refused.order_no else None
    session.add(
        RefusedNotice(
            channel=channel.name.value,
            reason=refused.reason,
            received_at=now,
            community_id=community_id,
            order_no=refused.order_no[:ORDER_NO_MAX],
            transaction_id=refused.transaction_id[:TXN_ID_MAX],
            body_sha256=hashlib.sha256(body).hexdigest(),
        )
    )
    session.flush()


def find_order(session: Session, community_id: int, order_no: str) -> OnlineOrder:
    """The order with this number in this community. Raises NotFound."""
    order = session.scalar(
        select(OnlineOrder).where(
            OnlineOrder.community_id == community_id, OnlineOrder.order_no == order_no
        )
    )
    if order is None:
        raise NotFound("there is no order {number}", args={"number": order_no[:ORDER_NO_MAX]})
    return order


def order_by_number(session: Session, order_no: str) -> OnlineOrder:
    """The order with this number, in whichever community it names. Raises NotFound."""
    community_id = community_of(order_no)
    if community_id is None:
        raise NotFound("there is no order {number}", args={"number": order_no[:ORDER_NO_MAX]})
    return find_order(session, community_id, order_no)


def close_order(
    session: Session,
    community_id: int,
    order_no: str,
    *,
    channel: Channel,
    now: datetime,
    status: OrderStatus = OrderStatus.CLOSED,
) -> OnlineOrder:
    """Close an order that is not paid, at the channel first. Raises Conflict if it is paid."""
    order = _locked(session, community_id, order_no)
    if order is None:
        raise NotFound("there is no order {number}", args={"number": order_no[:ORDER_NO_MAX]})
    if order.status is not OrderStatus.CREATED:
        raise Conflict(
            "order {number} is {status} already",
            args={"number": order_no, "status": order.status.value},
        )
    channel.close_order(order.order_no)
    order.status = status
    order.closed_at = now
    session.flush()
    return order


def expired_orders(session: Session, community_id: int, *, now: datetime) -> list[str]:
    """The numbers of this community's open orders whose time has run out."""
    return list(
        session.scalars(
            select(OnlineOrder.order_no)
            .where(
                OnlineOrder.community_id == community_id,
                OnlineOrder.status == OrderStatus.CREATED,
                OnlineOrder.expires_at <= now,
            )
            .order_by(OnlineOrder.id)
        )
    )


def close_expired(session: Session, community_id: int, *, now: datetime) -> list[str]:
    """Close this community's expired orders at their channels; the numbers closed.

    An order its channel will not close now (out of reach) stays open for the next run.
    """
    closed = []
    for order_no in expired_orders(session, community_id, now=now):
        order = find_order(session, community_id, order_no)
        channel = channel_named(order.channel)
        if channel is None:
            continue
        try:
            with session.begin_nested():
                close_order(
                    session,
                    community_id,
                    order_no,
                    channel=channel,
                    now=now,
                    status=OrderStatus.EXPIRED,
                )
        except SunshineError as exc:
            log.warning("order %s not closed: %s", order_no, exc)
            continue
        closed.append(order_no)
    return closed


def refused_notices(session: Session, *, limit: int = 100) -> list[RefusedNotice]:
    """The latest refused notifications, newest first."""
    query = select(RefusedNotice).order_by(RefusedNotice.id.desc()).limit(limit)
    return list(session.scalars(query))
