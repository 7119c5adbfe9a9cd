"""What billing's staff pages share: the base path, rendering, refusals shown in place."""

from __future__ import annotations

from typing import Annotated
from typing import Any

from fastapi import Form
from fastapi import Request
from fastapi.responses import Response

from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra.tenancy import CommunityRef
from sunshine.infra.web import Viewer
from sunshine.infra.web import render
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound

BILLING = "/c/{code}/billing"
FormText = Annotated[str, Form()]
# What a form may be refused with, shown on the page in place (the status as the API's).
Refusal = Invalid | Conflict | NotFound
REFUSALS = (Invalid, Conflict, NotFound)
STATUS: dict[type[Refusal], int] = {Invalid: 422, Conflict: 409, NotFound: 404}
# Where a Problem points, in the words of the forms (translated in the template).
FIELDS = {
    "code": "Code of the item",
    "item_code": "Code of the item",
    "name": "Name of the item",
    "account_code": "Income account",
    "first_month": "First month of its year",
    "rate": "Rate",
    "period": "Month",
    "amount": "Amount",
    "method": "Method",
    "bill_ids": "Bills",
    "reason": "Reason",
    "booked_on": "Date",
    "issued_on": "Date",
    "starts_on": "From",
    "ends_on": "Until",
    "unit_number": "Unit number",
    "authority": "Decided by (vote:V/M or decision:N)",
}


def render_billing(
    request: Request,
    viewer: Viewer,
    community: CommunityRef,
    template: str,
    *,
    status_code: int = 200,
    **context: Any,
) -> Response:
    cid = community.id
    base = {
        "community": community,
        "community_name": community.name,
        "staff": identity.can(viewer, Action.VIEW_REGISTRY, cid),
        "can_manage": identity.can(viewer, Action.MANAGE_LEDGER, cid),
        "owner": identity.can(viewer, Action.VIEW_OWN_HOUSEHOLD, cid),  # a receipt: own nav
        "fields": FIELDS,
    }
    return render(request, template, {**base, **context}, status_code=status_code)
