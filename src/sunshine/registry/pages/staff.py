"""The staff area under /c/{code}/registry: the workbench, buildings and units.

Reading needs VIEW_REGISTRY, changing MANAGE_REGISTRY. Every form runs in a savepoint,
so a refused one leaves no trace and comes back (422) with the problems and what was typed.
"""

from __future__ import annotations

from typing import Annotated
from typing import Any

from fastapi import APIRouter
from fastapi import Form
from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra import clock
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
from sunshine.registry.pages.common import FormInt
from sunshine.registry.pages.common import FormText
from sunshine.registry.pages.common import open_community
from sunshine.registry.pages.common import render_page
from sunshine.registry.pages.common import saved
from sunshine.registry.schemas import area_text
from sunshine.registry.schemas import unit_change
from sunshine.registry.schemas import unit_draft

router = APIRouter(include_in_schema=False)
PartyId = Annotated[RowId | None, Form()]


@router.get(STAFF)
def staff_index(request: Request, code: str, session: DbSession, viewer: CurrentViewer) -> Response:
    """The staff workbench: the registry's counts, and the way to the books, notices and budgets."""
    community = open_community(session, viewer, code, Action.VIEW_REGISTRY)
    summary = registry.summarise(session, community)
    return render_page(
        request,
        viewer,
        community,
        "registry/staff.html",
        summary=summary,
        can_publish=identity.can(viewer, Action.PUBLISH_NOTICE, community.id),
        can_book=identity.can(viewer, Action.BOOK_ENTRY, community.id),
        can_view_closing=identity.can(viewer, Action.VIEW_CLOSING, community.id),
    )


# --- buildings ----------------------------------------------------------------


def _buildings_page(
    request: Request, session: Session, viewer: Viewer, community: Community, **context: Any
) -> Response:
    buildings = registry.list_buildings(session, community.id)
    form = context.pop("form", {"code": "", "name": "", "floors": ""})
    return render_page(
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
    community = open_community(session, viewer, code, Action.VIEW_REGISTRY)
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
    community = open_community(session, viewer, code, Action.MANAGE_REGISTRY)
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
    return saved(f"/c/{community.code}/registry/buildings", building.name)


# --- units --------------------------------------------------------------------


def _units_page(
    request: Request,
    session: Session,
    viewer: Viewer,
    community: Community,
    *,
    building_id: RowId | None = None,
    q: str = "",
    page: int = 1,
    **context: Any,
) -> Response:
    blank = {"number": "", "area": "", "area_source": "registry", "use": "residential"}
    form = context.pop("form", {**blank, "sale_state": "delivered"})
    found = registry.search_units(session, community.id, text=q, building_id=building_id, page=page)
    return render_page(
        request,
        viewer,
        community,
        "registry/units.html",
        buildings=registry.list_buildings(session, community.id),
        building_id=building_id,
        q=q,
        found=found,
        units=found.items,
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
    building: RowId | None = None,
    q: str = "",
    page: RowId = 1,
) -> Response:
    """Units with area, source, use, sale state and owners, a page at a time.

    Of one building (`building`), or whose number contains `q`.
    """
    community = open_community(session, viewer, code, Action.VIEW_REGISTRY)
    return _units_page(request, session, viewer, community, building_id=building, q=q, page=page)


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
    community = open_community(session, viewer, code, Action.MANAGE_REGISTRY)
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
    return saved(f"/c/{community.code}/registry/units", unit.number)


def unit_page(
    request: Request,
    session: Session,
    viewer: Viewer,
    community: Community,
    unit_id: RowId,
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
            "note": unit.note,
        },
    )
    return render_page(
        request,
        viewer,
        community,
        "registry/unit.html",
        unit=unit,
        owners=registry.owners_by_unit(session, community.id).get(unit.id, []),
        residents=registry.residents_of(session, community.id, unit.id),
        past_residents=registry.past_residents_of(session, community.id, unit.id),
        history=registry.ownership_history(session, community.id, unit.id),
        reasons=list(rules.TransferReason),
        today=clock.today().isoformat(),
        parties=[p.party for p in registry.list_parties(session, community.id)],
        form=form,
        **context,
    )


@router.get(f"{STAFF}/units/{{unit_id}}")
def unit(
    request: Request, code: str, unit_id: RowId, session: DbSession, viewer: CurrentViewer
) -> Response:
    """One unit: its facts (with an edit form), owners and residents."""
    community = open_community(session, viewer, code, Action.VIEW_REGISTRY)
    return unit_page(request, session, viewer, community, unit_id)


@router.post(f"{STAFF}/units/{{unit_id}}", dependencies=[CsrfChecked])
def change_unit(
    request: Request,
    code: str,
    unit_id: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    area: FormText,
    area_source: Annotated[rules.AreaSource, Form()],
    use: Annotated[rules.UnitUse, Form()],
    sale_state: Annotated[rules.SaleState, Form()],
    note: FormText = "",
) -> Response:
    """Correct a unit's area (with its source), use, sale state or remarks."""
    community = open_community(session, viewer, code, Action.MANAGE_REGISTRY)
    try:
        with session.begin_nested():  # a refused form leaves no trace
            change = unit_change(
                area, area_source=area_source, use=use, sale_state=sale_state, note=note
            )
            changed = registry.update_unit(session, community.id, unit_id, change)
    except Invalid as exc:
        form = {
            "area": area, "area_source": area_source, "use": use, "sale_state": sale_state,
            "note": note,
        }  # fmt: skip
        return unit_page(
            request, session, viewer, community, unit_id, form=form, error=exc, status_code=422
        )
    session.commit()
    return saved(f"/c/{community.code}/registry/units/{unit_id}", changed.number)


@router.post(f"{STAFF}/units/{{unit_id}}/owners", dependencies=[CsrfChecked])
def set_owner(
    request: Request,
    code: str,
    unit_id: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    party: FormText = "",
    party_id: PartyId = None,
    share_percent: FormInt = 100,
    designated_voter: Annotated[bool, Form()] = False,
) -> Response:
    """Record an owner's share of the unit, and whether they are its designated voter.

    The person is picked by typing (`party`: "#17 …", a name or a phone) or by id.
    """
    community = open_community(session, viewer, code, Action.MANAGE_REGISTRY)
    try:
        with session.begin_nested():  # a refused form leaves no trace
            registry.set_owner(
                session,
                community.id,
                unit_id=unit_id,
                party_id=chosen_party(session, community, party, party_id),
                share_percent=share_percent,
                designated_voter=designated_voter,
            )
    except Invalid as exc:
        return unit_page(
            request, session, viewer, community, unit_id, owner_error=exc, status_code=422
        )
    session.commit()
    unit_number = registry.get_unit(session, community.id, unit_id).number
    return saved(f"/c/{community.code}/registry/units/{unit_id}", unit_number)


def chosen_party(session: Session, community: Community, party: str, party_id: int | None) -> int:
    """The person a form names: by id, else as typed in the searchable picker."""
    if party_id is not None:
        return party_id
    return registry.find_party(session, community.id, party).id


@router.post(f"{STAFF}/units/{{unit_id}}/residents", dependencies=[CsrfChecked])
def add_resident(
    request: Request,
    code: str,
    unit_id: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    kind: Annotated[rules.ResidentKind, Form()],
    party: FormText = "",
    party_id: PartyId = None,
) -> Response:
    """Record that a person lives in the unit (owner, family member or tenant)."""
    community = open_community(session, viewer, code, Action.MANAGE_REGISTRY)
    try:
        with session.begin_nested():  # a refused form leaves no trace
            chosen = chosen_party(session, community, party, party_id)
            registry.add_resident(
                session, community.id, unit_id=unit_id, party_id=chosen, kind=kind
            )
    except Invalid as exc:
        return unit_page(
            request, session, viewer, community, unit_id, resident_error=exc, status_code=422
        )
    session.commit()
    unit_number = registry.get_unit(session, community.id, unit_id).number
    return saved(f"/c/{community.code}/registry/units/{unit_id}", unit_number)
