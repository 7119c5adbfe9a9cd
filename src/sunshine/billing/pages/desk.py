"""The front desk at /c/{code}/billing/units: a unit's bills and payments, taking a payment.

A clerk (BOOK_ENTRY) finds the unit by its number, sees each bill with what is paid and
owed and every payment, and takes money in cash, by card or by bank transfer: it pays the
oldest bills first unless bills are ticked, and what is left over is a prepayment. A
payment is refunded with its reason (its ledger entry is reversed).
"""

from __future__ import annotations

import secrets
from typing import Annotated
from typing import Any

from fastapi import APIRouter
from fastapi import Form
from fastapi import Request
from fastapi.responses import RedirectResponse
from fastapi.responses import Response
from sqlalchemy.orm import Session

from sunshine.billing import service
from sunshine.billing.pages.common import BILLING
from sunshine.billing.pages.common import REFUSALS
from sunshine.billing.pages.common import STATUS
from sunshine.billing.pages.common import FormText
from sunshine.billing.pages.common import Refusal
from sunshine.billing.pages.common import render_billing
from sunshine.billing.rules.allocation import METHOD_NAMES
from sunshine.billing.schemas import bills as schemas
from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra import clock
from sunshine.infra.inputs import RowId
from sunshine.infra.tenancy import CommunityRef
from sunshine.infra.web import CsrfChecked
from sunshine.infra.web import CurrentCommunity
from sunshine.infra.web import CurrentViewer
from sunshine.infra.web import DbSession
from sunshine.infra.web import Viewer
from sunshine.kernel.errors import NotFound
from sunshine.kernel.money import ZERO
from sunshine.registry import service as registry

router = APIRouter(include_in_schema=False)
UNITS = f"{BILLING}/units"


@router.get(UNITS)
def find_unit(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    number: str = "",
) -> Response:
    """The desk: type a unit's number (1-1-101) to open its bills."""
    identity.authorize(viewer, Action.BOOK_ENTRY, community.id)
    if number.strip():
        unit = registry.find_unit(session, community.id, number.strip()[:16])
        if unit is not None:
            return RedirectResponse(f"/c/{community.code}/billing/units/{unit.id}", status_code=303)
        error = NotFound("no unit {number}", args={"number": number.strip()[:16]})
        return render_billing(
            request,
            viewer,
            community,
            "billing/desk.html",
            error=error,
            number=number,
            status_code=404,
        )
    return render_billing(request, viewer, community, "billing/desk.html", number="")


@router.get(f"{UNITS}/{{unit_id}}")
def unit_page(
    request: Request,
    unit_id: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
) -> Response:
    """A unit's bills (what is paid and owed), its payments, and the desk's payment form."""
    identity.authorize(viewer, Action.BOOK_ENTRY, community.id)
    return _page(request, session, viewer, community, unit_id)


@router.post(f"{UNITS}/{{unit_id}}/payments", dependencies=[CsrfChecked])
def take_payment(
    request: Request,
    unit_id: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    amount: FormText = "",
    method: FormText = "cash",
    reference: FormText = "",
    bill_ids: Annotated[list[RowId] | None, Form(max_length=500)] = None,
    key: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    identity.authorize(viewer, Action.BOOK_ENTRY, community.id)
    try:
        with session.begin_nested():
            service.take_payment(
                session,
                community_id=community.id,
                unit_id=unit_id,
                amount=schemas.parse_yuan(amount, where="amount"),
                method=method,
                reference=reference[:64],
                received_at=clock.now(),
                bill_ids=bill_ids or None,
                actor=viewer.display_name,
                actor_id=viewer.user_id,
                request_key=key or None,
            )
    except REFUSALS as exc:
        return _refused(request, session, viewer, community, unit_id, exc)
    session.commit()
    return RedirectResponse(f"/c/{community.code}/billing/units/{unit_id}", status_code=303)


@router.post(f"{BILLING}/payments/{{payment_id}}/refund", dependencies=[CsrfChecked])
def refund(
    request: Request,
    payment_id: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    reason: FormText = "",
) -> Response:
    identity.authorize(viewer, Action.BOOK_ENTRY, community.id)
    payment = service.get_payment(session, community.id, payment_id)
    try:
        with session.begin_nested():
            service.refund_payment(
                session,
                community.id,
                payment_id,
                reason=reason[:200],
                on=clock.today(),
                actor_id=viewer.user_id,
            )
    except REFUSALS as exc:
        return _refused(request, session, viewer, community, payment.unit_id, exc)
    session.commit()
    url = f"/c/{community.code}/billing/units/{payment.unit_id}"
    return RedirectResponse(url, status_code=303)


def _refused(
    request: Request,
    session: Session,
    viewer: Viewer,
    community: CommunityRef,
    unit_id: int,
    exc: Refusal,
) -> Response:
    status = STATUS[type(exc)]
    return _page(request, session, viewer, community, unit_id, error=exc, status_code=status)


def _page(
    request: Request,
    session: Session,
    viewer: Viewer,
    community: CommunityRef,
    unit_id: int,
    *,
    status_code: int = 200,
    **context: Any,
) -> Response:
    cid = community.id
    unit = registry.get_unit(session, cid, unit_id)
    bills = service.unit_bills(session, cid, unit_id)
    return render_billing(
        request,
        viewer,
        community,
        "billing/unit.html",
        status_code=status_code,
        unit=unit,
        bills=bills,
        payments=service.unit_payments(session, cid, unit_id),
        names={i.id: i.name for i in service.list_items(session, cid)},
        prepaid=service.prepayment_of(session, cid, unit_id),
        methods=METHOD_NAMES,
        key=secrets.token_urlsafe(24),  # one per form shown: a second press books nothing
        owed=sum((b.amount_fen - b.paid_fen for b in bills), ZERO),
        **context,
    )
