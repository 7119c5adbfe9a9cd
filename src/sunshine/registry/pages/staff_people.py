"""The staff area's people and vehicles under /c/{code}/registry, searchable and paged.

Reading needs VIEW_REGISTRY, changing MANAGE_REGISTRY, as in `staff`.
"""

from __future__ import annotations

from typing import Annotated
from typing import Any

from fastapi import APIRouter
from fastapi import Form
from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from sunshine.identity.rules import Action
from sunshine.infra.inputs import RowId
from sunshine.infra.web import CsrfChecked
from sunshine.infra.web import CurrentViewer
from sunshine.infra.web import DbSession
from sunshine.infra.web import Viewer
from sunshine.kernel.errors import Invalid
from sunshine.registry import rules
from sunshine.registry import service as registry
from sunshine.registry.models import Community
from sunshine.registry.pages.common import STAFF
from sunshine.registry.pages.common import FormText
from sunshine.registry.pages.common import open_community
from sunshine.registry.pages.common import render_page
from sunshine.registry.pages.common import saved

router = APIRouter(include_in_schema=False)


# --- people -------------------------------------------------------------------


def _people_page(
    request: Request,
    session: Session,
    viewer: Viewer,
    community: Community,
    *,
    q: str = "",
    page: int = 1,
    **context: Any,
) -> Response:
    form = context.pop("form", {"name": "", "phone": "", "kind": "person", "id_number": ""})
    found = registry.search_parties(session, community.id, text=q, page=page)
    return render_page(
        request,
        viewer,
        community,
        "registry/people.html",
        q=q,
        found=found,
        parties=found.items,
        form=form,
        **context,
    )


@router.get(f"{STAFF}/people")
def people(
    request: Request,
    code: str,
    session: DbSession,
    viewer: CurrentViewer,
    q: str = "",
    page: RowId = 1,
) -> Response:
    """Owners, residents and organisations with their units, by name, phone or unit number."""
    community = open_community(session, viewer, code, Action.VIEW_REGISTRY)
    return _people_page(request, session, viewer, community, q=q, page=page)


@router.post(f"{STAFF}/people", dependencies=[CsrfChecked])
def add_person(
    request: Request,
    code: str,
    session: DbSession,
    viewer: CurrentViewer,
    name: FormText = "",
    phone: FormText = "",
    kind: Annotated[rules.PartyKind, Form()] = rules.PartyKind.PERSON,
    id_number: FormText = "",
) -> Response:
    community = open_community(session, viewer, code, Action.MANAGE_REGISTRY)
    try:
        with session.begin_nested():  # a refused form leaves no trace
            party = registry.add_party(
                session, community.id, name=name, phone=phone, kind=kind, id_number=id_number
            )
    except Invalid as exc:
        form = {"name": name, "phone": phone, "kind": kind, "id_number": id_number}
        return _people_page(
            request, session, viewer, community, form=form, error=exc, status_code=422
        )
    session.commit()
    return saved(f"/c/{community.code}/registry/people", party.name)


# --- vehicles -----------------------------------------------------------------


def _vehicles_page(
    request: Request,
    session: Session,
    viewer: Viewer,
    community: Community,
    *,
    q: str = "",
    page: int = 1,
    **context: Any,
) -> Response:
    form = context.pop("form", {"plate": "", "unit": "", "note": ""})
    found = registry.search_vehicles(session, community.id, text=q, page=page)
    numbers = {u.id: u.number for u in registry.list_units(session, community.id)}
    names = {
        v.party_id: registry.get_party(session, community.id, v.party_id).name
        for v in found.items
        if v.party_id
    }
    return render_page(
        request,
        viewer,
        community,
        "registry/vehicles.html",
        q=q,
        found=found,
        vehicles=found.items,
        numbers=numbers,
        names=names,
        form=form,
        **context,
    )


@router.get(f"{STAFF}/vehicles")
def vehicles(
    request: Request,
    code: str,
    session: DbSession,
    viewer: CurrentViewer,
    q: str = "",
    page: RowId = 1,
) -> Response:
    """Vehicles by plate, note or unit number, a page at a time."""
    community = open_community(session, viewer, code, Action.VIEW_REGISTRY)
    return _vehicles_page(request, session, viewer, community, q=q, page=page)


@router.post(f"{STAFF}/vehicles", dependencies=[CsrfChecked])
def register_vehicle(
    request: Request,
    code: str,
    session: DbSession,
    viewer: CurrentViewer,
    plate: FormText = "",
    unit: FormText = "",
    note: FormText = "",
) -> Response:
    """Register a vehicle; the plate is normalised, and every reason it is not a plate shown."""
    community = open_community(session, viewer, code, Action.MANAGE_REGISTRY)
    try:
        with session.begin_nested():  # a refused form leaves no trace
            vehicle = registry.register_vehicle_at(
                session, community.id, plate=plate, unit_number=unit, note=note
            )
    except Invalid as exc:
        form = {"plate": plate, "unit": unit, "note": note}
        return _vehicles_page(
            request, session, viewer, community, form=form, error=exc, status_code=422
        )
    session.commit()
    return saved(f"/c/{community.code}/registry/vehicles", vehicle.plate)
