"""JSON API of the registry (mounted at /api/v1): communities, buildings, units, people, vehicles.

Every route finds the community by its code and asks identity.service.authorize before
reading anything; someone with no role there gets 404, as if it did not exist. Owners
and residents may read a community's summary; the roster (units with owners, people,
vehicles) needs VIEW_REGISTRY, and changes need MANAGE_REGISTRY. Writes commit once,
in the route, before answering.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from fastapi import File
from fastapi import Query
from fastapi import Request
from fastapi import Response
from fastapi import UploadFile
from sqlalchemy.orm import Session

from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra.body_limit import allow_body
from sunshine.infra.inputs import RowId
from sunshine.infra.web import CsrfChecked
from sunshine.infra.web import CurrentViewer
from sunshine.infra.web import DbSession
from sunshine.infra.web import OptionalViewer
from sunshine.infra.web import Viewer
from sunshine.infra.web import translator
from sunshine.registry import service as registry
from sunshine.registry.models import Community
from sunshine.registry.schemas import XLSX
from sunshine.registry.schemas import BuildingCreate
from sunshine.registry.schemas import BuildingRead
from sunshine.registry.schemas import CommunityCreate
from sunshine.registry.schemas import CommunityRead
from sunshine.registry.schemas import CommunitySummaryRead
from sunshine.registry.schemas import OwnerCreate
from sunshine.registry.schemas import OwnershipRead
from sunshine.registry.schemas import PartyCreate
from sunshine.registry.schemas import PartyRead
from sunshine.registry.schemas import RosterFormat
from sunshine.registry.schemas import RosterImportRead
from sunshine.registry.schemas import UnitCreate
from sunshine.registry.schemas import UnitRead
from sunshine.registry.schemas import UnitUpdate
from sunshine.registry.schemas import VehicleCreate
from sunshine.registry.schemas import VehicleRead
from sunshine.registry.schemas import roster_data
from sunshine.registry.schemas import roster_download
from sunshine.registry.schemas import roster_max_bytes
from sunshine.registry.schemas import unit_change
from sunshine.registry.schemas import unit_draft
from sunshine.registry.service import roster

router = APIRouter(tags=["registry"])

BASE = "/communities/{code}"


def _open(session: Session, viewer: Viewer | None, code: str, action: Action) -> Community:
    """The community with this code, once the viewer may do `action` there."""
    community = registry.get_community(session, code)
    identity.authorize(viewer, action, registry.ref_of(community))
    return community


def _unit_read(session: Session, community_id: int, unit_id: RowId) -> UnitRead:
    unit = registry.get_unit(session, community_id, unit_id)
    owners = registry.owners_by_unit(session, community_id).get(unit.id, [])
    return UnitRead.from_model(unit, owners)


@router.get("/communities")
def list_communities(session: DbSession, viewer: CurrentViewer) -> list[CommunityRead]:
    """The communities the viewer may open."""
    communities = registry.list_communities(session, identity.communities_of(viewer))
    return [CommunityRead.from_model(c) for c in communities]


@router.post("/communities", status_code=201, dependencies=[CsrfChecked])
def create_community(
    body: CommunityCreate, session: DbSession, viewer: CurrentViewer
) -> CommunityRead:
    """Create a community (platform admin); fill it next with a roster import."""
    identity.authorize_platform(viewer, Action.MANAGE_COMMUNITY)
    community = registry.create_community(session, body.draft())
    session.commit()
    return CommunityRead.from_model(community)


@router.get(BASE)
def show_community(code: str, session: DbSession, viewer: OptionalViewer) -> CommunitySummaryRead:
    """A community's facts and counts (anyone, where its disclosure is public)."""
    community = _open(session, viewer, code, Action.READ_PUBLIC)
    return CommunitySummaryRead.from_model(registry.summarise(session, community))


@router.get(f"{BASE}/buildings")
def list_buildings(code: str, session: DbSession, viewer: CurrentViewer) -> list[BuildingRead]:
    community = _open(session, viewer, code, Action.VIEW_COMMUNITY)
    return [BuildingRead.from_model(b) for b in registry.list_buildings(session, community.id)]


@router.post(f"{BASE}/buildings", status_code=201, dependencies=[CsrfChecked])
def add_building(
    code: str, body: BuildingCreate, session: DbSession, viewer: CurrentViewer
) -> BuildingRead:
    community = _open(session, viewer, code, Action.MANAGE_REGISTRY)
    building = registry.add_building(
        session, community.id, code=body.code, name=body.name, floors=body.floors
    )
    session.commit()
    return BuildingRead.from_model(building)


@router.get(f"{BASE}/units")
def list_units(
    code: str, session: DbSession, viewer: CurrentViewer, building_id: RowId | None = None
) -> list[UnitRead]:
    """Units with their owners, optionally of one building."""
    community = _open(session, viewer, code, Action.VIEW_REGISTRY)
    owners = registry.owners_by_unit(session, community.id)
    units = registry.list_units(session, community.id, building_id=building_id)
    return [UnitRead.from_model(u, owners.get(u.id, [])) for u in units]


@router.post(f"{BASE}/units", status_code=201, dependencies=[CsrfChecked])
def add_unit(code: str, body: UnitCreate, session: DbSession, viewer: CurrentViewer) -> UnitRead:
    """Add a unit; the area is a string with at most two decimals, kept exact."""
    community = _open(session, viewer, code, Action.MANAGE_REGISTRY)
    draft = unit_draft(
        body.number,
        body.area,
        area_source=body.area_source,
        use=body.use,
        sale_state=body.sale_state,
    )
    unit = registry.add_unit(session, community.id, draft)
    session.commit()
    return UnitRead.from_model(unit, [])


@router.get(f"{BASE}/units/{{unit_id}}")
def show_unit(code: str, unit_id: RowId, session: DbSession, viewer: CurrentViewer) -> UnitRead:
    community = _open(session, viewer, code, Action.VIEW_REGISTRY)
    return _unit_read(session, community.id, unit_id)


@router.patch(f"{BASE}/units/{{unit_id}}", dependencies=[CsrfChecked])
def change_unit(
    code: str, unit_id: RowId, body: UnitUpdate, session: DbSession, viewer: CurrentViewer
) -> UnitRead:
    """Correct a unit's area (and its source), use, sale state or remarks."""
    community = _open(session, viewer, code, Action.MANAGE_REGISTRY)
    change = unit_change(
        body.area,
        area_source=body.area_source,
        use=body.use,
        sale_state=body.sale_state,
        note=body.note,
    )
    registry.update_unit(session, community.id, unit_id, change)
    session.commit()
    return _unit_read(session, community.id, unit_id)


@router.post(f"{BASE}/units/{{unit_id}}/owners", status_code=201, dependencies=[CsrfChecked])
def set_owner(
    code: str, unit_id: RowId, body: OwnerCreate, session: DbSession, viewer: CurrentViewer
) -> OwnershipRead:
    """Record that a party owns (a share of) the unit; one co-owner is the designated voter."""
    community = _open(session, viewer, code, Action.MANAGE_REGISTRY)
    ownership = registry.set_owner(
        session,
        community.id,
        unit_id=unit_id,
        party_id=body.party_id,
        share_percent=body.share_percent,
        designated_voter=body.designated_voter,
        registered=body.registered,
        since_on=body.since_on,
    )
    party = registry.get_party(session, community.id, body.party_id)
    session.commit()
    return OwnershipRead.from_model(ownership, party)


@router.get(f"{BASE}/parties")
def list_parties(code: str, session: DbSession, viewer: CurrentViewer) -> list[PartyRead]:
    """People and organisations with the units they own and live in (ID numbers masked)."""
    community = _open(session, viewer, code, Action.VIEW_REGISTRY)
    return [PartyRead.from_units(p) for p in registry.list_parties(session, community.id)]


@router.post(f"{BASE}/parties", status_code=201, dependencies=[CsrfChecked])
def add_party(code: str, body: PartyCreate, session: DbSession, viewer: CurrentViewer) -> PartyRead:
    community = _open(session, viewer, code, Action.MANAGE_REGISTRY)
    party = registry.add_party(
        session,
        community.id,
        name=body.name,
        phone=body.phone,
        kind=body.kind,
        id_number=body.id_number,
        is_developer=body.is_developer,
    )
    session.commit()
    return PartyRead.from_model(party, [], [])


@router.get(f"{BASE}/vehicles")
def list_vehicles(code: str, session: DbSession, viewer: CurrentViewer) -> list[VehicleRead]:
    community = _open(session, viewer, code, Action.VIEW_REGISTRY)
    return [VehicleRead.from_model(v) for v in registry.list_vehicles(session, community.id)]


@router.post(f"{BASE}/vehicles", status_code=201, dependencies=[CsrfChecked])
def register_vehicle(
    code: str, body: VehicleCreate, session: DbSession, viewer: CurrentViewer
) -> VehicleRead:
    """Register a vehicle; the plate is normalised (苏ｄ·12345 → 苏D12345) and checked."""
    community = _open(session, viewer, code, Action.MANAGE_REGISTRY)
    vehicle = registry.register_vehicle(
        session,
        community.id,
        plate=body.plate,
        unit_id=body.unit_id,
        party_id=body.party_id,
        note=body.note,
    )
    session.commit()
    return VehicleRead.from_model(vehicle)


@router.post(f"{BASE}/roster/import", dependencies=[CsrfChecked])
@allow_body(roster_max_bytes)
def import_roster(
    request: Request,
    code: str,
    file: Annotated[UploadFile, File(description="the roster, XLSX or CSV (UTF-8 or GBK)")],
    session: DbSession,
    viewer: CurrentViewer,
    dry_run: bool = True,
) -> RosterImportRead:
    """Check a roster file (dry run: every bad row and every change, nothing written) or apply it.

    Applying is all or nothing: with any problem the answer is 422 listing them all.
    """
    community = _open(session, viewer, code, Action.IMPORT_ROSTER)
    data = roster_data(file.file.read(roster_max_bytes() + 1))
    name = file.filename or ""
    if dry_run:
        plan = roster.plan_import(session, community.id, data=data, filename=name)
        return RosterImportRead.from_outcome(plan, translator(request))
    result = roster.apply_import(session, community.id, data=data, filename=name)
    session.commit()
    return RosterImportRead.from_outcome(result, translator(request))


@router.get(
    f"{BASE}/roster/export",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}, XLSX: {}}}},
)
def export_roster(
    code: str,
    session: DbSession,
    viewer: CurrentViewer,
    fmt: Annotated[RosterFormat, Query(alias="format")] = "xlsx",
) -> Response:
    """The roster in the import format, as XLSX or as CSV (UTF-8 with BOM)."""
    community = _open(session, viewer, code, Action.EXPORT_ROSTER)
    content = roster.export_roster(session, community.id, fmt=fmt)
    media_type, headers = roster_download(community.code, fmt)
    return Response(content, media_type=media_type, headers=headers)
