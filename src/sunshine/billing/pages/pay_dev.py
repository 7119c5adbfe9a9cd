"""The development channel's pay page: the payer "pays" on a phone, as at a real channel.

GET /pay/dev/{order} shows the order; POST pays it: the page makes the notification the
development channel sends — signed with its secret, a fresh transaction id — and hands it
to `online.receive_notice`, the code every channel's notification goes through, then shows
the order again, with the way back to the order's page (/c/{code}/my/orders/{order}), as a
real cashier returns the payer to the merchant. Only orders placed with the development
channel are found here; like a real channel's cashier page it needs no login (the order
number is the payer's link) and shows no unit or person.
"""

from __future__ import annotations

import secrets

from fastapi import APIRouter
from fastapi import Request
from fastapi.responses import RedirectResponse
from fastapi.responses import Response

from sunshine.billing.models.orders import OnlineOrder
from sunshine.billing.rules.channels import ChannelName
from sunshine.billing.rules.channels import OrderStatus
from sunshine.billing.rules.channels import PaidNotice
from sunshine.billing.service import online
from sunshine.billing.service import online_booking
from sunshine.billing.service.channels.development import DevelopmentChannel
from sunshine.billing.service.channels.registry import channel_named
from sunshine.infra import clock
from sunshine.infra.web import CsrfChecked
from sunshine.infra.web import DbSession
from sunshine.infra.web import render
from sunshine.infra.web import translator
from sunshine.kernel.errors import NotFound
from sunshine.kernel.errors import SunshineError
from sunshine.registry import service as registry

router = APIRouter(prefix="/pay/dev", include_in_schema=False)


def _order(session: DbSession, order_no: str) -> OnlineOrder:
    try:
        order = online.order_by_number(session, order_no)
    except SunshineError:
        order = None
    if order is None or order.channel != ChannelName.DEVELOPMENT.value:
        raise NotFound("there is no order {number}", args={"number": order_no[:32]})
    return order


def _channel() -> DevelopmentChannel:
    channel = channel_named(ChannelName.DEVELOPMENT.value)
    if not isinstance(channel, DevelopmentChannel):
        raise NotFound("there is no payment channel called {name}", args={"name": "development"})
    return channel


def _return_url(session: DbSession, order: OnlineOrder) -> str:
    """Where a channel sends the payer back to: the order's page in its community."""
    found = registry.list_communities(session, frozenset({order.community_id}))
    return f"/c/{found[0].code}/my/orders/{order.order_no}" if found else "/"


@router.get("/{order_no}")
def pay_page(order_no: str, request: Request, session: DbSession) -> Response:
    order = _order(session, order_no)
    _ = translator(request)
    names = {
        OrderStatus.CREATED: _("waiting for payment"),
        OrderStatus.PAID: _("paid"),
        OrderStatus.CLOSED: _("closed"),
        OrderStatus.EXPIRED: _("expired"),
    }
    payable = order.status is OrderStatus.CREATED and clock.now() < order.expires_at
    context = {
        "order": order,
        "status_text": names[order.status],
        "payable": payable,
        "back": _return_url(session, order),
    }
    return render(request, "billing/pay_dev.html", context)


@router.post("/{order_no}", dependencies=[CsrfChecked])
def pay(order_no: str, session: DbSession) -> Response:
    order = _order(session, order_no)
    channel = _channel()
    now = clock.now()
    if order.status is not OrderStatus.CREATED or now >= order.expires_at:
        return RedirectResponse(f"/pay/dev/{order.order_no}", status_code=303)
    notice = PaidNotice(order.order_no, "DEV" + secrets.token_hex(12), order.amount, now)
    headers, body = channel.sign_notice(notice, at=now)
    online.receive_notice(session, channel, headers, body, now=now)
    session.commit()
    online_booking.wake_booker()
    return RedirectResponse(f"/pay/dev/{order.order_no}", status_code=303)
