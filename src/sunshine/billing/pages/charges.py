"""Charge items, their rates and billing runs at /c/{code}/billing (staff).

Staff who book (BOOK_ENTRY) see the items, rates and runs; the manager (MANAGE_LEDGER)
adds items, sets rates and bills a month: the preview says how many bills and how much,
and nothing is written until the confirmation is posted. A refusal comes back on the page.
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

from sunshine.billing import service
from sunshine.billing.pages.common import BILLING
from sunshine.billing.pages.common import REFUSALS
from sunshine.billing.pages.common import STATUS
from sunshine.billing.pages.common import FormText
from sunshine.billing.pages.common import Refusal
from sunshine.billing.pages.common import render_billing
from sunshine.billing.rules.charges import ChargeKind
from sunshine.billing.rules.charges import Liable
from sunshine.billing.schemas import bills as schemas
from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra.authority import authority_href
from sunshine.infra.inputs import RowId
from sunshine.infra.tenancy import CommunityRef
from sunshine.infra.web import CsrfChecked
from sunshine.infra.web import CurrentCommunity
from sunshine.infra.web import CurrentViewer
from sunshine.infra.web import DbSession
from sunshine.infra.web import Viewer
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.registry import service as registry

router = APIRouter(include_in_schema=False)


@router.get(BILLING)
def billing_page(
    request: Request, session: DbSession, viewer: CurrentViewer, community: CurrentCommunity
) -> Response:
    """The charge items with their rates, the runs so far, and the form that bills a month."""
    identity.authorize(viewer, Action.BOOK_ENTRY, community.id)
    return _page(request, session, viewer, community)


@router.post(f"{BILLING}/items", dependencies=[CsrfChecked])
def add_item(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    item_code: FormText = "",
    name: FormText = "",
    kind: FormText = "",
    account_code: FormText = "",
    liable: FormText = "owner",
    first_month: Annotated[int, Form(ge=1, le=12)] = 1,
) -> Response:
    identity.authorize(viewer, Action.MANAGE_LEDGER, community.id)
    try:
        with session.begin_nested():
            service.add_item(
                session,
                community.id,
                code=item_code,
                name=name,
                kind=_kind(kind),
                account_code=account_code,
                liable=_liable(liable),
                first_month=first_month,
            )
    except REFUSALS as exc:
        return _refused(request, session, viewer, community, exc)
    session.commit()
    return RedirectResponse(f"/c/{community.code}/billing", status_code=303)


@router.post(f"{BILLING}/items/{{item_id}}/rates", dependencies=[CsrfChecked])
def set_rate(
    request: Request,
    item_id: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    rate: FormText = "",
    effective_from: FormText = "",
    authority: FormText = "",
) -> Response:
    identity.authorize(viewer, Action.MANAGE_LEDGER, community.id)
    try:
        with session.begin_nested():
            amount = schemas.parse_yuan(rate, where="rate")
            day = schemas.parse_day(effective_from, where="effective_from")
            service.set_rate(
                session,
                community.id,
                item_id,
                rate=amount,
                effective_from=day,
                actor=viewer.display_name,
                authority=authority or None,
                actor_id=viewer.user_id,
            )
    except REFUSALS as exc:
        return _refused(request, session, viewer, community, exc)
    session.commit()
    return RedirectResponse(f"/c/{community.code}/billing", status_code=303)


@router.get(f"{BILLING}/runs/preview")
def preview(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    item: str = "",
    period: str = "",
) -> Response:
    """What billing the month would issue (count, total, prepayments used): nothing written."""
    identity.authorize(viewer, Action.MANAGE_LEDGER, community.id)
    try:
        found = service.item_by_code(session, community.id, item)
        month = schemas.parse_period(period)
        plan = service.preview_run(session, community.id, found.id, month)
    except REFUSALS as exc:
        return _refused(request, session, viewer, community, exc)
    return _page(request, session, viewer, community, plan=plan, item_name=found.name)


@router.post(f"{BILLING}/runs", dependencies=[CsrfChecked])
def post_run(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    item: FormText = "",
    period: FormText = "",
    confirm: Annotated[bool, Form()] = False,
) -> Response:
    """Bill the month, as previewed: each liable unit or lease once, booked in the ledger."""
    identity.authorize(viewer, Action.MANAGE_LEDGER, community.id)
    try:
        with session.begin_nested():
            if not confirm:
                raise Invalid("tick the box to confirm the bills")
            found = service.item_by_code(session, community.id, item)
            month = schemas.parse_period(period)
            service.post_run(
                session,
                community.id,
                found.id,
                month,
                actor=viewer.display_name,
                actor_id=viewer.user_id,
            )
    except REFUSALS as exc:
        return _refused(request, session, viewer, community, exc)
    session.commit()
    return RedirectResponse(f"/c/{community.code}/billing", status_code=303)


@router.post(f"{BILLING}/leases", dependencies=[CsrfChecked])
def add_lease(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    space: FormText = "",
    unit_number: FormText = "",
    starts_on: FormText = "",
    ends_on: FormText = "",
) -> Response:
    """Let a parking space to a unit (the list parking rent is billed from)."""
    identity.authorize(viewer, Action.MANAGE_LEDGER, community.id)
    try:
        with session.begin_nested():
            unit = registry.find_unit(session, community.id, unit_number.strip()[:16])
            if unit is None:
                raise NotFound("no unit {number}", args={"number": unit_number.strip()[:16]})
            service.add_lease(
                session,
                community.id,
                space=space,
                unit_id=unit.id,
                starts_on=schemas.parse_day(starts_on, where="starts_on"),
                ends_on=schemas.parse_day(ends_on, where="ends_on") if ends_on.strip() else None,
            )
    except REFUSALS as exc:
        return _refused(request, session, viewer, community, exc)
    session.commit()
    return RedirectResponse(f"/c/{community.code}/billing", status_code=303)


def _kind(text: str) -> ChargeKind:
    try:
        return ChargeKind(text)
    except ValueError:
        raise Invalid("choose how the charge is measured") from None


def _liable(text: str) -> Liable:
    try:
        return Liable(text)
    except ValueError:
        raise Invalid("choose who pays the charge") from None


def _refused(
    request: Request, session: Session, viewer: Viewer, community: CommunityRef, exc: Refusal
) -> Response:
    return _page(request, session, viewer, community, error=exc, status_code=STATUS[type(exc)])


def _page(
    request: Request,
    session: Session,
    viewer: Viewer,
    community: CommunityRef,
    *,
    status_code: int = 200,
    **context: Any,
) -> Response:
    cid = community.id
    items = service.list_items(session, cid)
    leases = service.list_leases(session, cid)
    return render_billing(
        request,
        viewer,
        community,
        "billing/charges.html",
        status_code=status_code,
        items=items,
        rates={i.id: service.rates_of(session, cid, i.id) for i in items},
        rate_authorities={
            rate_id: (cited, authority_href(community.code, cited))
            for i in items
            for rate_id, cited in service.rate_authorities(session, cid, i.id).items()
        },
        names={i.id: i.name for i in items},
        runs=service.list_runs(session, cid)[:50],
        accounts=service.income_accounts(session, cid),
        leases=leases,
        unit_numbers={
            u: registry.get_unit(session, cid, u).number for u in {x.unit_id for x in leases}
        },
        kinds=list(ChargeKind),
        **context,
    )
