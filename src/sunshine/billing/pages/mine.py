"""The owners' own money, on a phone: /c/{code}/my/bills, /my/orders/{order}, /my/receipts.

An owner (or resident) logged in by phone code sees the bills they are liable for
(`service.mine` says whose a bill is), ticks some or all open bills of a unit and pays them
online: the order is opened at a channel and the browser goes to the channel's page (the
development channel's /pay/dev/{order} in the demo), which sends them back to the order's
page here. That page waits — htmx asks every few seconds — until the channel's notification
is booked, then links the receipt. Anyone else's bills, orders and receipts are not found.
"""

from __future__ import annotations

from typing import Annotated
from typing import Any

from fastapi import APIRouter
from fastapi import Form
from fastapi import Request
from fastapi.responses import RedirectResponse
from fastapi.responses import Response
from sqlalchemy.orm import Session

from sunshine.billing.pages.common import FIELDS
from sunshine.billing.rules import collect as rules
from sunshine.billing.rules.channels import ChannelName
from sunshine.billing.rules.channels import OrderStatus
from sunshine.billing.service import mine
from sunshine.billing.service.channels.base import Channel
from sunshine.billing.service.channels.registry import channel_named
from sunshine.billing.service.items import list_items
from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra import clock
from sunshine.infra.inputs import RowId
from sunshine.infra.settings import get_settings
from sunshine.infra.tenancy import CommunityRef
from sunshine.infra.web import CsrfChecked
from sunshine.infra.web import CurrentCommunity
from sunshine.infra.web import CurrentViewer
from sunshine.infra.web import DbSession
from sunshine.infra.web import Viewer
from sunshine.infra.web import render
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.kernel.errors import SunshineError
from sunshine.registry import service as registry

router = APIRouter(include_in_schema=False)
MY = "/c/{code}/my"
POLL_SECONDS = 2  # how often the order's page asks whether the payment is booked


def _mine(viewer: Viewer, community: CommunityRef) -> None:
    """Owners and residents of this community; others are refused as `authorize` does."""
    identity.authorize(viewer, Action.VIEW_OWN_HOUSEHOLD, community)


def offered_channels() -> list[Channel]:
    """The configured channel for new orders, then WeChat Pay and Alipay where set up.

    The development channel is offered only where it is the configured one (the demo).
    """
    names = [get_settings().pay_channel, ChannelName.WECHAT.value, ChannelName.ALIPAY.value]
    offered: list[Channel] = []
    for name in dict.fromkeys(names):
        try:
            channel = channel_named(name)
        except SunshineError:  # not set up here
            continue
        if channel is not None:
            offered.append(channel)
    return offered


def _offered(name: str) -> Channel:
    """The offered channel of this name. Raises Invalid."""
    found = next((c for c in offered_channels() if c.name.value == name), None)
    if found is None:
        raise Invalid("there is no payment channel called {name}", args={"name": name[:16]})
    return found


def _render(
    request: Request,
    community: CommunityRef,
    template: str,
    *,
    status_code: int = 200,
    **context: Any,
) -> Response:
    base = {"community": community, "community_name": community.name, "fields": FIELDS}
    return render(request, template, {**base, **context}, status_code=status_code)


def _bills_page(
    request: Request,
    session: Session,
    viewer: Viewer,
    community: CommunityRef,
    *,
    status_code: int = 200,
    error: SunshineError | None = None,
) -> Response:
    money = mine.my_money(session, community.id, viewer.user_id, clock.today())
    return _render(
        request,
        community,
        "billing/my_bills.html",
        status_code=status_code,
        money=money,
        bands=rules.BANDS,
        court=rules.COURT_MAY_REDUCE,
        channels=[c.name.value for c in offered_channels()],
        error=error,
    )


@router.get(f"{MY}/bills")
def my_bills(
    request: Request, session: DbSession, viewer: CurrentViewer, community: CurrentCommunity
) -> Response:
    """My units' open bills (overdue ones by ageing band), the total due, paid bills, prepayment."""
    _mine(viewer, community)
    return _bills_page(request, session, viewer, community)


@router.post(f"{MY}/pay", dependencies=[CsrfChecked])
def pay(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    bill_ids: Annotated[list[RowId] | None, Form(max_length=500)] = None,
    channel: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    """Open an order for the ticked bills at the chosen channel; off to the channel's page."""
    _mine(viewer, community)
    try:
        with session.begin_nested():
            opened = mine.pay_online(
                session,
                community.id,
                viewer.user_id,
                bill_ids or [],
                channel=_offered(channel),
                now=clock.now(),
                minutes=get_settings().pay_order_minutes,
            )
    except (Invalid, NotFound) as exc:
        status = 404 if isinstance(exc, NotFound) else 422
        return _bills_page(request, session, viewer, community, status_code=status, error=exc)
    session.commit()
    order_page = f"/c/{community.code}/my/orders/{opened.order.order_no}"
    if opened.instruction.url:
        return RedirectResponse(opened.instruction.url, status_code=303)
    context: dict[str, Any] = {
        "order": opened.order,
        "code_url": opened.instruction.code_url,
        "back": order_page,
    }
    return _render(request, community, "billing/my_pay_code.html", **context)


def _order_context(
    session: Session, community: CommunityRef, order_no: str, user_id: int
) -> dict[str, Any]:
    order = mine.my_order(session, community.id, user_id, order_no)
    receipt = mine.receipt_of_order(session, order)
    waiting = order.status is OrderStatus.CREATED and clock.now() < order.expires_at
    booking = order.status is OrderStatus.PAID and order.entry_id is None
    return {
        "order": order,
        "bills": mine.order_bills(session, order),
        "names": {item.id: item.name for item in list_items(session, community.id)},
        "receipt": receipt,
        "waiting": waiting,
        "booking": booking,
        "poll": POLL_SECONDS if waiting or booking else None,
    }


@router.get(f"{MY}/orders/{{order_no}}")
def order_page(
    request: Request,
    order_no: str,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
) -> Response:
    """Where the channel sends the payer back: the order, then its receipt once booked."""
    _mine(viewer, community)
    context = _order_context(session, community, order_no[:64], viewer.user_id)
    return _render(request, community, "billing/my_order.html", **context)


@router.get(f"{MY}/orders/{{order_no}}/status")
def order_status(
    request: Request,
    order_no: str,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
) -> Response:
    """The order's state alone, which the order's page asks for until the payment is booked."""
    _mine(viewer, community)
    context = _order_context(session, community, order_no[:64], viewer.user_id)
    return _render(request, community, "billing/my_order_status.html", **context)


@router.get(f"{MY}/receipts")
def my_receipts(
    request: Request, session: DbSession, viewer: CurrentViewer, community: CurrentCommunity
) -> Response:
    """My units' receipts and payments, each linking its page and PDF; my online orders."""
    _mine(viewer, community)
    rows = mine.my_receipts(session, community.id, viewer.user_id)
    units = {row.payment.unit_id for row in rows}
    numbers = {u: registry.get_unit(session, community.id, u).number for u in units}
    orders = mine.my_orders(session, community.id, viewer.user_id)
    return _render(
        request,
        community,
        "billing/my_receipts.html",
        rows=rows,
        numbers=numbers,
        orders=orders,
        now=clock.now(),
    )
