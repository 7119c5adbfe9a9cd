"""HTML pages of the registry: the community home page and the staff area under /c/{code}/registry.

Every route finds the community by code and asks identity.service.authorize with the
action it needs (a viewer with no role there gets 404). Owners and residents see the
community's aggregates and their own household only; other people's names, phones and
plates appear only in the staff area (VIEW_REGISTRY), committee members' names masked
everywhere (LAW.md 3). Every POST is CSRF-checked, commits once and redirects; on
Invalid the same page comes back (422) with the problems and what was typed.
"""

from __future__ import annotations

from typing import Annotated
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter
from fastapi import File
from fastapi import Form
from fastapi import Query
from fastapi import Request
from fastapi import UploadFile
from fastapi.responses import RedirectResponse
from fastapi.responses import Response
from sqlalchemy.orm import Session

from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.identity.rules import Role
from sunshine.infra.web import CsrfChecked
from sunshine.infra.web import CurrentViewer
from sunshine.infra.web import DbSession
from sunshine.infra.web import Viewer
from sunshine.infra.web import locale_of
from sunshine.infra.web import render
from sunshine.kernel.errors import Invalid
from sunshine.kernel.masking import mask_name
from sunshine.registry import roster
from sunshine.registry import rules
from sunshine.registry import service as registry
from sunshine.registry.models import Community
from sunshine.registry.roster_format import HEADERS
from sunshine.registry.roster_format import describe
from sunshine.registry.schemas import MAX_ROSTER_BYTES
from sunshine.registry.schemas import RosterFormat
from sunshine.registry.schemas import area_text
from sunshine.registry.schemas import pack_upload
from sunshine.registry.schemas import roster_data
from sunshine.registry.schemas import roster_download
from sunshine.registry.schemas import unit_change
from sunshine.registry.schemas import unit_draft
from sunshine.registry.schemas import unpack_upload

router = APIRouter(include_in_schema=False)

HOME = "/c/{code}"
STAFF = "/c/{code}/registry"
FormText = Annotated[str, Form()]
FormInt = Annotated[int, Form()]


def N_(message: str) -> str:  # noqa: N802 - the gettext marker the catalog extractor knows
    """Mark `message` for translation; the template translates it."""
    return message


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
}
# The field a problem points at (Problem.where), as a form labels it.
FIELDS: dict[str, str] = {
    "code": N_("Building code"),
    "name": N_("Name"),
    "floors": N_("Floors"),
    "number": N_("Unit number"),
    "area": N_("Area"),
    "share_percent": N_("Share"),
    "plate": N_("Plate"),
    "unit": N_("Unit"),
    "party": N_("Person"),
    "phone": N_("Phone"),
}
CHOICES = {
    "uses": list(rules.UnitUse),
    "sources": list(rules.AreaSource),
    "sale_states": list(rules.SaleState),
    "resident_kinds": list(rules.ResidentKind),
    "party_kinds": list(rules.PartyKind),
}


def _open(session: Session, viewer: Viewer, code: str, action: Action) -> Community:
    """The community with this code, once the viewer may do `action` there."""
    community = registry.get_community(session, code)
    identity.authorize(viewer, action, community.id)
    return community


def _page(
    request: Request,
    viewer: Viewer,
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


def _saved(url: str, what: str) -> Response:
    """After a change: back to the page (POST, redirect, GET), naming what was saved."""
    return RedirectResponse(f"{url}?saved={quote(what)}", status_code=303)


# --- the community home page --------------------------------------------------


@router.get(HOME)
def community_home(
    request: Request, code: str, session: DbSession, viewer: CurrentViewer
) -> Response:
    """Facts, committee and counts for anyone with a role here; owners also see their household."""
    community = _open(session, viewer, code, Action.VIEW_COMMUNITY)
    committee = [
        mask_name(user.display_name)
        for user, role in identity.list_members(session, community.id)
        if role == Role.COMMITTEE
    ]
    household = (
        registry.household_of(session, community.id, viewer.user_id)
        if identity.can(viewer, Action.VIEW_OWN_HOUSEHOLD, community.id)
        else None
    )
    return _page(
        request,
        viewer,
        community,
        "registry/home.html",
        summary=registry.summarise(session, community),
        committee=committee,
        household=household,
    )


@router.get(STAFF)
def staff_index(request: Request, code: str, session: DbSession, viewer: CurrentViewer) -> Response:
    """The staff area's front page: counts and the sections."""
    community = _open(session, viewer, code, Action.VIEW_REGISTRY)
    summary = registry.summarise(session, community)
    return _page(request, viewer, community, "registry/staff.html", summary=summary)


# --- buildings ----------------------------------------------------------------


def _buildings_page(
    request: Request, session: Session, viewer: Viewer, community: Community, **context: Any
) -> Response:
    buildings = registry.list_buildings(session, community.id)
    form = context.pop("form", {"code": "", "name": "", "floors": ""})
    return _page(
        request,
        viewer,
        community,
        "registry/buildings.html",
        buildings=buildings,
        form=form,
        **context,
    )


@router.get(f"{STAFF}/buildings")
def buildings(request: Request, code: str, session: DbSession, viewer: CurrentViewer) -> Response:
    community = _open(session, viewer, code, Action.VIEW_REGISTRY)
    return _buildings_page(request, session, viewer, community)


@router.post(f"{STAFF}/buildings", dependencies=[CsrfChecked])
def add_building(
    request: Request,
    code: str,
    session: DbSession,
    viewer: CurrentViewer,
    building_code: FormText = "",
    name: FormText = "",
    floors: FormInt = 0,
) -> Response:
    community = _open(session, viewer, code, Action.MANAGE_REGISTRY)
    try:
        with session.begin_nested():  # a refused form leaves no trace
            building = registry.add_building(
                session, community.id, code=building_code, name=name, floors=floors
            )
    except Invalid as exc:
        form = {"code": building_code, "name": name, "floors": floors}
        return _buildings_page(
            request, session, viewer, community, form=form, error=exc, status_code=422
        )
    session.commit()
    return _saved(f"/c/{community.code}/registry/buildings", building.name)


# --- units --------------------------------------------------------------------


def _units_page(
    request: Request,
    session: Session,
    viewer: Viewer,
    community: Community,
    *,
    building_id: int | None = None,
    **context: Any,
) -> Response:
    blank = {"number": "", "area": "", "area_source": "registry", "use": "residential"}
    form = context.pop("form", {**blank, "sale_state": "delivered"})
    return _page(
        request,
        viewer,
        community,
        "registry/units.html",
        buildings=registry.list_buildings(session, community.id),
        building_id=building_id,
        units=registry.list_units(session, community.id, building_id=building_id),
        owners=registry.owners_by_unit(session, community.id),
        form=form,
        **context,
    )


@router.get(f"{STAFF}/units")
def units(
    request: Request,
    code: str,
    session: DbSession,
    viewer: CurrentViewer,
    building: int | None = None,
) -> Response:
    """Units with area, source, use, sale state and owners; optionally of one building."""
    community = _open(session, viewer, code, Action.VIEW_REGISTRY)
    return _units_page(request, session, viewer, community, building_id=building)


@router.post(f"{STAFF}/units", dependencies=[CsrfChecked])
def add_unit(
    request: Request,
    code: str,
    session: DbSession,
    viewer: CurrentViewer,
    number: FormText = "",
    area: FormText = "",
    area_source: Annotated[rules.AreaSource, Form()] = rules.AreaSource.REGISTRY,
    use: Annotated[rules.UnitUse, Form()] = rules.UnitUse.RESIDENTIAL,
    sale_state: Annotated[rules.SaleState, Form()] = rules.SaleState.DELIVERED,
) -> Response:
    community = _open(session, viewer, code, Action.MANAGE_REGISTRY)
    try:
        with session.begin_nested():  # a refused form leaves no trace
            draft = unit_draft(
                number, area, area_source=area_source, use=use, sale_state=sale_state
            )
            unit = registry.add_unit(session, community.id, draft)
    except Invalid as exc:
        form = {
            "number": number,
            "area": area,
            "area_source": area_source,
            "use": use,
            "sale_state": sale_state,
        }
        return _units_page(
            request, session, viewer, community, form=form, error=exc, status_code=422
        )
    session.commit()
    return _saved(f"/c/{community.code}/registry/units", unit.number)


def _unit_page(
    request: Request,
    session: Session,
    viewer: Viewer,
    community: Community,
    unit_id: int,
    **context: Any,
) -> Response:
    unit = registry.get_unit(session, community.id, unit_id)
    form = context.pop(
        "form",
        {
            "area": area_text(unit.area),
            "area_source": unit.area_source,
            "use": unit.use,
            "sale_state": unit.sale_state,
        },
    )
    return _page(
        request,
        viewer,
        community,
        "registry/unit.html",
        unit=unit,
        owners=registry.owners_by_unit(session, community.id).get(unit.id, []),
        residents=registry.residents_of(session, community.id, unit.id),
        parties=[p.party for p in registry.list_parties(session, community.id)],
        form=form,
        **context,
    )


@router.get(f"{STAFF}/units/{{unit_id}}")
def unit(
    request: Request, code: str, unit_id: int, session: DbSession, viewer: CurrentViewer
) -> Response:
    """One unit: its facts (with an edit form), owners and residents."""
    community = _open(session, viewer, code, Action.VIEW_REGISTRY)
    return _unit_page(request, session, viewer, community, unit_id)


@router.post(f"{STAFF}/units/{{unit_id}}", dependencies=[CsrfChecked])
def change_unit(
    request: Request,
    code: str,
    unit_id: int,
    session: DbSession,
    viewer: CurrentViewer,
    area: FormText,
    area_source: Annotated[rules.AreaSource, Form()],
    use: Annotated[rules.UnitUse, Form()],
    sale_state: Annotated[rules.SaleState, Form()],
) -> Response:
    """Correct a unit's area (with its source), use or sale state."""
    community = _open(session, viewer, code, Action.MANAGE_REGISTRY)
    try:
        with session.begin_nested():  # a refused form leaves no trace
            change = unit_change(area, area_source=area_source, use=use, sale_state=sale_state)
            changed = registry.update_unit(session, community.id, unit_id, change)
    except Invalid as exc:
        form = {"area": area, "area_source": area_source, "use": use, "sale_state": sale_state}
        return _unit_page(
            request, session, viewer, community, unit_id, form=form, error=exc, status_code=422
        )
    session.commit()
    return _saved(f"/c/{community.code}/registry/units/{unit_id}", changed.number)


@router.post(f"{STAFF}/units/{{unit_id}}/owners", dependencies=[CsrfChecked])
def set_owner(
    request: Request,
    code: str,
    unit_id: int,
    session: DbSession,
    viewer: CurrentViewer,
    party_id: FormInt,
    share_percent: FormInt = 100,
    designated_voter: Annotated[bool, Form()] = False,
) -> Response:
    """Record an owner's share of the unit, and whether they are its designated voter."""
    community = _open(session, viewer, code, Action.MANAGE_REGISTRY)
    try:
        with session.begin_nested():  # a refused form leaves no trace
            registry.set_owner(
                session,
                community.id,
                unit_id=unit_id,
                party_id=party_id,
                share_percent=share_percent,
                designated_voter=designated_voter,
            )
    except Invalid as exc:
        return _unit_page(
            request, session, viewer, community, unit_id, owner_error=exc, status_code=422
        )
    session.commit()
    unit_number = registry.get_unit(session, community.id, unit_id).number
    return _saved(f"/c/{community.code}/registry/units/{unit_id}", unit_number)


@router.post(f"{STAFF}/units/{{unit_id}}/residents", dependencies=[CsrfChecked])
def add_resident(
    code: str,
    unit_id: int,
    session: DbSession,
    viewer: CurrentViewer,
    party_id: FormInt,
    kind: Annotated[rules.ResidentKind, Form()],
) -> Response:
    """Record that a person lives in the unit (owner, family member or tenant)."""
    community = _open(session, viewer, code, Action.MANAGE_REGISTRY)
    registry.add_resident(session, community.id, unit_id=unit_id, party_id=party_id, kind=kind)
    session.commit()
    unit_number = registry.get_unit(session, community.id, unit_id).number
    return _saved(f"/c/{community.code}/registry/units/{unit_id}", unit_number)


# --- people -------------------------------------------------------------------


def _people_page(
    request: Request, session: Session, viewer: Viewer, community: Community, **context: Any
) -> Response:
    form = context.pop("form", {"name": "", "phone": "", "kind": "person", "id_number": ""})
    parties = registry.list_parties(session, community.id)
    return _page(
        request, viewer, community, "registry/people.html", parties=parties, form=form, **context
    )


@router.get(f"{STAFF}/people")
def people(request: Request, code: str, session: DbSession, viewer: CurrentViewer) -> Response:
    """Owners, residents and organisations with their units."""
    community = _open(session, viewer, code, Action.VIEW_REGISTRY)
    return _people_page(request, session, viewer, community)


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
    community = _open(session, viewer, code, Action.MANAGE_REGISTRY)
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
    return _saved(f"/c/{community.code}/registry/people", party.name)


# --- vehicles -----------------------------------------------------------------


def _vehicles_page(
    request: Request, session: Session, viewer: Viewer, community: Community, **context: Any
) -> Response:
    form = context.pop("form", {"plate": "", "unit": "", "note": ""})
    numbers = {u.id: u.number for u in registry.list_units(session, community.id)}
    names = {p.party.id: p.party.name for p in registry.list_parties(session, community.id)}
    return _page(
        request,
        viewer,
        community,
        "registry/vehicles.html",
        vehicles=registry.list_vehicles(session, community.id),
        numbers=numbers,
        names=names,
        form=form,
        **context,
    )


@router.get(f"{STAFF}/vehicles")
def vehicles(request: Request, code: str, session: DbSession, viewer: CurrentViewer) -> Response:
    community = _open(session, viewer, code, Action.VIEW_REGISTRY)
    return _vehicles_page(request, session, viewer, community)


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
    community = _open(session, viewer, code, Action.MANAGE_REGISTRY)
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
    return _saved(f"/c/{community.code}/registry/vehicles", vehicle.plate)


# --- roster import and export -------------------------------------------------


def _roster_page(
    request: Request, viewer: Viewer, community: Community, **context: Any
) -> Response:
    return _page(
        request,
        viewer,
        community,
        "registry/roster.html",
        describe=describe,
        kinds=roster.KIND_LABELS,
        headers=HEADERS,
        max_mb=MAX_ROSTER_BYTES // 2**20,
        **context,
    )


@router.get(f"{STAFF}/roster")
def roster_page(request: Request, code: str, session: DbSession, viewer: CurrentViewer) -> Response:
    """Upload a roster (XLSX or CSV) for a dry run, or download the roster."""
    community = _open(session, viewer, code, Action.VIEW_REGISTRY)
    return _roster_page(request, viewer, community)


@router.post(f"{STAFF}/roster/preview", dependencies=[CsrfChecked])
def preview_roster(
    request: Request,
    code: str,
    session: DbSession,
    viewer: CurrentViewer,
    file: Annotated[UploadFile, File()],
) -> Response:
    """The dry run: every bad row by line and reason, and what would change; nothing written."""
    community = _open(session, viewer, code, Action.IMPORT_ROSTER)
    try:
        data = roster_data(file.file.read(MAX_ROSTER_BYTES + 1))
    except Invalid as exc:
        return _roster_page(request, viewer, community, error=exc, status_code=422)
    name = file.filename or ""
    plan = roster.plan_import(session, community.id, data=data, filename=name)
    content, sha256 = pack_upload(data)
    upload = {"filename": name, "content": content, "sha256": sha256}
    status = 200 if plan.ok else 422
    return _roster_page(request, viewer, community, plan=plan, upload=upload, status_code=status)


@router.post(f"{STAFF}/roster/apply", dependencies=[CsrfChecked])
def apply_roster(
    request: Request,
    code: str,
    session: DbSession,
    viewer: CurrentViewer,
    content: FormText,
    sha256: FormText,
    filename: FormText = "",
) -> Response:
    """Apply the file the dry run checked (sent back whole, with its SHA-256): all or nothing."""
    community = _open(session, viewer, code, Action.IMPORT_ROSTER)
    try:
        data = unpack_upload(content, sha256)
        with session.begin_nested():  # a refused roster leaves no trace
            result = roster.apply_import(session, community.id, data=data, filename=filename)
    except Invalid as exc:
        return _roster_page(request, viewer, community, error=exc, status_code=422)
    session.commit()
    return _roster_page(request, viewer, community, result=result, filename=filename)


@router.get(f"{STAFF}/roster/export")
def export_roster(
    code: str,
    session: DbSession,
    viewer: CurrentViewer,
    fmt: Annotated[RosterFormat, Query(alias="format")] = "xlsx",
) -> Response:
    """Download the roster in the import format (XLSX, or CSV in UTF-8 with BOM)."""
    community = _open(session, viewer, code, Action.EXPORT_ROSTER)
    content = roster.export_roster(session, community.id, fmt=fmt)
    media_type, headers = roster_download(community.code, fmt)
    return Response(content, media_type=media_type, headers=headers)
