"""What the registry's HTML pages share: paths, form types, labels, opening and rendering a page.

Nothing here is a route; `home`, `staff` and `roster` hold those.
"""

from __future__ import annotations

from typing import Annotated
from typing import Any
from urllib.parse import quote

from fastapi import Form
from fastapi import Request
from fastapi.responses import RedirectResponse
from fastapi.responses import Response
from sqlalchemy.orm import Session

from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra.web import Viewer
from sunshine.infra.web import locale_of
from sunshine.infra.web import render
from sunshine.registry import rules
from sunshine.registry import service as registry
from sunshine.registry.models import Community
from sunshine.registry.rules.roster_format import N_

HOME = "/c/{code}"
STAFF = "/c/{code}/registry"
FormText = Annotated[str, Form()]
FormInt = Annotated[int, Form()]


# Enum values as people read them (the template passes them through _()).
LABELS: dict[str, str] = {
    rules.UnitUse.RESIDENTIAL: N_("Residential"),
    rules.UnitUse.COMMERCIAL: N_("Commercial"),
    rules.UnitUse.OTHER: N_("Other use"),
    rules.AreaSource.REGISTRY: N_("Property register"),
    rules.AreaSource.SURVEY: N_("Survey"),
    rules.AreaSource.CONTRACT: N_("Sale contract"),
    rules.SaleState.DEVELOPER_HELD: N_("Held by the developer"),
    rules.SaleState.SOLD_UNDELIVERED: N_("Sold, not yet delivered"),
    rules.SaleState.DELIVERED: N_("Delivered"),
    rules.ResidentKind.OWNER_OCCUPIER: N_("Owner living there"),
    rules.ResidentKind.FAMILY: N_("Family member"),
    rules.ResidentKind.TENANT: N_("Tenant"),
    rules.SpaceKind.RESIDENT: N_("Resident space"),
    rules.SpaceKind.VISITOR: N_("Visitor space"),
    rules.CommitteeKind.OWNERS_COMMITTEE: N_("Owners' committee (业委会)"),
    rules.CommitteeKind.PROPERTY_COMMITTEE: N_("Property management committee (物管会)"),
    rules.PartyKind.PERSON: N_("Individual"),
    rules.PartyKind.ORGANISATION: N_("Organisation"),
    rules.TransferReason.SALE: N_("Sale"),
    rules.TransferReason.INHERITANCE: N_("Inheritance"),
    rules.TransferReason.GIFT: N_("Gift"),
    rules.TransferReason.CO_OWNER_CHANGE: N_("Change of co-owners"),
}
# The field a problem points at (Problem.where), as a form labels it.
FIELDS: dict[str, str] = {
    "code": N_("Building code"),
    "name": N_("Name or title"),
    "floors": N_("Floors"),
    "number": N_("Unit number"),
    "area": N_("Area"),
    "share_percent": N_("Share"),
    "plate": N_("Plate"),
    "unit": N_("Unit"),
    "party": N_("Person"),
    "phone": N_("Phone"),
    "effective_on": N_("Effective date"),
    "to": N_("New owners"),
    "voucher_ref": N_("Voucher"),
    "id_number": N_("ID number"),
    "note": N_("Remarks"),
    "on": N_("Date"),
}
CHOICES = {
    "uses": list(rules.UnitUse),
    "sources": list(rules.AreaSource),
    "sale_states": list(rules.SaleState),
    "resident_kinds": list(rules.ResidentKind),
    "party_kinds": list(rules.PartyKind),
}


def open_community(session: Session, viewer: Viewer | None, code: str, action: Action) -> Community:
    """The community with this code, once the viewer may do `action` there."""
    community = registry.get_community(session, code)
    identity.authorize(viewer, action, registry.ref_of(community))
    return community


def render_page(
    request: Request,
    viewer: Viewer | None,
    community: Community,
    template: str,
    *,
    status_code: int = 200,
    **context: Any,
) -> Response:
    """Render a registry page with the community, the viewer's rights and the label tables."""
    cid = community.id
    shown_name = community.name_en if locale_of(request) == "en" and community.name_en else ""
    base = {
        "community": community,
        "community_name": shown_name or community.name,
        "staff": identity.can(viewer, Action.VIEW_REGISTRY, cid),
        "can_manage": identity.can(viewer, Action.MANAGE_REGISTRY, cid),
        "can_import": identity.can(viewer, Action.IMPORT_ROSTER, cid),
        "can_export": identity.can(viewer, Action.EXPORT_ROSTER, cid),
        "labels": LABELS,
        "fields": FIELDS,
        "saved": request.query_params.get("saved", ""),
        **CHOICES,
    }
    return render(request, template, {**base, **context}, status_code=status_code)


def saved(url: str, what: str) -> Response:
    """After a change: back to the page (POST, redirect, GET), naming what was saved."""
    return RedirectResponse(f"{url}?saved={quote(what)}", status_code=303)
