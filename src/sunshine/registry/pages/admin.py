"""The platform admin's communities at /admin/communities: every community, and a new one.

Creating a community needs MANAGE_COMMUNITY from a city-wide role (the platform admin): it
concerns no existing community, so `identity.authorize_platform` asks. A created community
opens its roster import next, where the admin fills it from the property company's roster.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi import Request
from fastapi.responses import RedirectResponse
from fastapi.responses import Response
from sqlalchemy.orm import Session

from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra.web import CsrfChecked
from sunshine.infra.web import CurrentViewer
from sunshine.infra.web import DbSession
from sunshine.infra.web import render
from sunshine.kernel.errors import Invalid
from sunshine.registry import rules
from sunshine.registry import service as registry
from sunshine.registry.pages.common import LABELS
from sunshine.registry.pages.common import FormText
from sunshine.registry.rules.roster_format import N_
from sunshine.registry.schemas import community_draft

router = APIRouter(include_in_schema=False)
ADMIN = "/admin/communities"
FIELDS: dict[str, str] = {
    "code": N_("Community code"),
    "name": N_("Community name"),
    "name_en": N_("English name"),
    "city": N_("City"),
    "district": N_("District"),
    "street": N_("Street office"),
    "neighbourhood": N_("Neighbourhood committee"),
    "address": N_("Address"),
    "trustee_company": N_("Trustee"),
    "trustee_since": N_("Trustee since"),
    "built_year": N_("Year built"),
    "committee_kind": N_("Owners' body"),
}


def _page(request: Request, session: Session, **context: Any) -> Response:
    status_code = context.pop("status_code", 200)
    form = context.pop("form", {})
    return render(
        request,
        "registry/admin_communities.html",
        {
            "communities": registry.list_communities(session),
            "form": {name: form.get(name, "") for name in FIELDS},
            "fields": FIELDS,
            "labels": LABELS,
            "committee_kinds": list(rules.CommitteeKind),
            **context,
        },
        status_code=status_code,
    )


@router.get(ADMIN)
def communities(request: Request, session: DbSession, viewer: CurrentViewer) -> Response:
    """Every community on this server, and the form to create one."""
    identity.authorize_platform(viewer, Action.MANAGE_COMMUNITY)
    return _page(request, session)


@router.post(ADMIN, dependencies=[CsrfChecked])
def create(  # noqa: PLR0913, PLR0917 - one argument per form field
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    code: FormText = "",
    name: FormText = "",
    name_en: FormText = "",
    city: FormText = "",
    district: FormText = "",
    street: FormText = "",
    neighbourhood: FormText = "",
    address: FormText = "",
    trustee_company: FormText = "",
    trustee_since: FormText = "",
    built_year: FormText = "",
    committee_kind: FormText = "",
) -> Response:
    """Create the community; then fill it by roster import."""
    identity.authorize_platform(viewer, Action.MANAGE_COMMUNITY)
    typed = {
        "code": code,
        "name": name,
        "name_en": name_en,
        "city": city,
        "district": district,
        "street": street,
        "neighbourhood": neighbourhood,
        "address": address,
        "trustee_company": trustee_company,
        "trustee_since": trustee_since,
        "built_year": built_year,
        "committee_kind": committee_kind,
    }
    try:
        with session.begin_nested():
            community = registry.create_community(session, community_draft(typed))
    except Invalid as exc:
        return _page(request, session, form=typed, error=exc, status_code=422)
    session.commit()
    return RedirectResponse(f"/c/{community.code}/registry/roster", status_code=303)
