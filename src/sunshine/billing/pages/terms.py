"""The community's collection terms at /c/{code}/billing/terms.

The trust contract's late-fee clause as data, whether public figures may list room
numbers, and when billed money becomes income (fixed once there are bills). Staff who
book see them; the manager (MANAGE_LEDGER) records them. Off by default: no late fee
without a clause (LAW.md 2), no room numbers in public (LAW.md 3), income on billing.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from fastapi import Form
from fastapi import Request
from fastapi.responses import RedirectResponse
from fastapi.responses import Response

from sunshine.billing.pages.common import BILLING
from sunshine.billing.pages.common import REFUSALS
from sunshine.billing.pages.common import STATUS
from sunshine.billing.pages.common import FormText
from sunshine.billing.pages.common import render_billing
from sunshine.billing.rules.collect import COURT_MAY_REDUCE
from sunshine.billing.rules.income import IncomeBasis
from sunshine.billing.service import terms as service
from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra.web import CsrfChecked
from sunshine.infra.web import CurrentCommunity
from sunshine.infra.web import CurrentViewer
from sunshine.infra.web import DbSession

router = APIRouter(include_in_schema=False)
TERMS = f"{BILLING}/terms"
Count = Annotated[int, Form(ge=0, le=10_000)]


@router.get(TERMS)
def terms_page(
    request: Request, session: DbSession, viewer: CurrentViewer, community: CurrentCommunity
) -> Response:
    identity.authorize(viewer, Action.BOOK_ENTRY, community.id)
    terms = service.terms_of(session, community.id)
    return render_billing(
        request, viewer, community, "billing/terms.html", terms=terms, court=COURT_MAY_REDUCE
    )


@router.post(TERMS, dependencies=[CsrfChecked])
def set_terms(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    late_fee_bp: Count = 0,
    late_fee_from_day: Annotated[int, Form(ge=1, le=10_000)] = 1,
    late_fee_cap_bp: Annotated[int | None, Form(ge=0, le=1_000_000)] = None,
    clause_ref: FormText = "",
    public_rooms: Annotated[bool, Form()] = False,
    income_on: Annotated[IncomeBasis | None, Form()] = None,
) -> Response:
    """Record the terms as the contract writes them (a rate of 0: no clause)."""
    identity.authorize(viewer, Action.MANAGE_LEDGER, community.id)
    try:
        with session.begin_nested():
            service.set_terms(
                session,
                community.id,
                late_fee_bp=late_fee_bp,
                late_fee_from_day=late_fee_from_day,
                late_fee_cap_bp=late_fee_cap_bp,
                clause_ref=clause_ref[:200],
                public_rooms=public_rooms,
                income_on=income_on,
            )
    except REFUSALS as exc:
        return render_billing(
            request,
            viewer,
            community,
            "billing/terms.html",
            status_code=STATUS[type(exc)],
            terms=service.terms_of(session, community.id),
            court=COURT_MAY_REDUCE,
            error=exc,
        )
    session.commit()
    return RedirectResponse(f"/c/{community.code}/billing/terms", status_code=303)
