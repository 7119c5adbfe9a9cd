"""Use cases for the community registry.

Functions take a session, never commit, and raise kernel errors with every problem
found; every query is scoped by community_id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.infra import clock
from sunshine.infra.db import TenantKeyed
from sunshine.infra.tenancy import CommunityRef
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.kernel.errors import Problem
from sunshine.kernel.plates import check_plate
from sunshine.registry import rules
from sunshine.registry.models import Building
from sunshine.registry.models import Community
from sunshine.registry.models import Ownership
from sunshine.registry.models import ParkingSpace
from sunshine.registry.models import Party
from sunshine.registry.models import Residency
from sunshine.registry.models import Unit
from sunshine.registry.models import Vehicle


@dataclass(frozen=True, slots=True)
class CommunityDraft:
    """The facts a community is created with."""

    code: str
    name: str
    city: str
    district: str
    street: str
    neighbourhood: str
    committee_kind: rules.CommitteeKind
    name_en: str = ""
    address: str = ""
    built_year: int | None = None
    trustee_company: str = ""
    trustee_since: date | None = None


@dataclass(frozen=True, slots=True)
class CommunitySummary:
    """What the community home page shows."""

    community: Community
    buildings: int
    units: int
    households: int  # residential units
    owners: int
    vehicles: int
    resident_spaces: int
    visitor_spaces: int


# --- communities -----------------------------------------------------------


def create_community(session: Session, draft: CommunityDraft) -> Community:
    """Register a new community (tenant)."""
    problems = [
        Problem("required", "{field} is required", {"field": name}, name)
        for name in ("code", "name", "city", "district", "street", "neighbourhood")
        if not getattr(draft, name).strip()
    ]
    if draft.code and not draft.code.isascii():
        problems.append(
            Problem(
                "code_ascii",
                "the community code {code} must use Latin letters and digits",
                {"code": draft.code},
                "code",
            )
        )
    if find_community(session, draft.code):
        problems.append(
            Problem(
                "code_taken", "the community code {code} is taken", {"code": draft.code}, "code"
            )
        )
    if problems:
        raise Invalid("the community was not created", problems=problems)
    community = Community(
        code=draft.code.strip().lower(),
        name=draft.name.strip(),
        name_en=draft.name_en,
        city=draft.city,
        district=draft.district,
        street=draft.street,
        neighbourhood=draft.neighbourhood,
        address=draft.address,
        built_year=draft.built_year,
        trustee_company=draft.trustee_company,
        trustee_since=draft.trustee_since,
        committee_kind=draft.committee_kind,
        created_at=clock.now(),
    )
    session.add(community)
    session.flush()
    return community


def find_community(session: Session, code: str) -> Community | None:
    return session.scalar(select(Community).where(Community.code == code.strip().lower()))


def community_ref(session: Session, code: str) -> CommunityRef | None:
    """The lookup other parts use through infra.tenancy (they may not import registry)."""
    community = find_community(session, code)
    return None if community is None else CommunityRef(community.id, community.code, community.name)


def get_community(session: Session, code: str) -> Community:
    """The community with this code. Raises NotFound."""
    community = find_community(session, code)
    if community is None:
        raise NotFound("there is no community {code}", args={"code": code})
    return community


def list_communities(session: Session, ids: frozenset[int] | None = None) -> list[Community]:
    """Communities by name; only `ids` when given (None: all)."""
    query = select(Community).order_by(Community.name)
    if ids is not None:
        query = query.where(Community.id.in_(ids))
    return list(session.scalars(query))


def summarise(session: Session, community: Community) -> CommunitySummary:
    """Counts for the community home page."""
    cid = community.id

    def count(model: type[TenantKeyed], *where: ColumnElement[bool]) -> int:
        query = select(func.count()).select_from(model).where(model.community_id == cid, *where)
        return session.scalar(query) or 0

    return CommunitySummary(
        community=community,
        buildings=count(Building),
        units=count(Unit),
        households=count(Unit, Unit.use == rules.UnitUse.RESIDENTIAL),
        owners=session.scalar(
            select(func.count(func.distinct(Ownership.party_id))).where(
                Ownership.community_id == cid
            )
        )
        or 0,
        vehicles=count(Vehicle),
        resident_spaces=count(ParkingSpace, ParkingSpace.kind == rules.SpaceKind.RESIDENT),
        visitor_spaces=count(ParkingSpace, ParkingSpace.kind == rules.SpaceKind.VISITOR),
    )


# --- buildings and units ---------------------------------------------------


def add_building(
    session: Session, community_id: int, *, code: str, name: str, floors: int
) -> Building:
    """Add a building; its code is the first part of its unit numbers."""
    problems = rules.length_problems(code=code, building_name=name)
    if not code.strip().isdigit():
        problems.append(
            Problem(
                "building_code", "the building code {code} must be a number", {"code": code}, "code"
            )
        )
    if not 0 < floors < 200:
        problems.append(
            Problem(
                "floors",
                "a building has 1 to 199 floors, not {floors}",
                {"floors": floors},
                "floors",
            )
        )
    if find_building(session, community_id, code.strip()):
        problems.append(
            Problem("building_taken", "building {code} already exists", {"code": code}, "code")
        )
    if problems:
        raise Invalid("the building was not added", problems=problems)
    building = Building(
        community_id=community_id,
        code=code.strip(),
        name=name.strip() or f"{code.strip()}幢",
        floors=floors,
    )
    session.add(building)
    session.flush()
    return building


def find_building(session: Session, community_id: int, code: str) -> Building | None:
    return session.scalar(
        select(Building).where(Building.community_id == community_id, Building.code == code)
    )


def list_buildings(session: Session, community_id: int) -> list[Building]:
    return list(
        session.scalars(
            select(Building).where(Building.community_id == community_id).order_by(Building.id)
        )
    )


@dataclass(frozen=True, slots=True)
class UnitDraft:
    """A unit as typed in a form or read from a roster row."""

    number: str
    area: Decimal
    area_source: rules.AreaSource = rules.AreaSource.REGISTRY
    use: rules.UnitUse = rules.UnitUse.RESIDENTIAL
    sale_state: rules.SaleState = rules.SaleState.DELIVERED


def unit_problems(
    session: Session, community_id: int, draft: UnitDraft
) -> tuple[Building | None, list[Problem]]:
    """Every reason `draft` cannot be stored as a new unit, and the building it belongs to."""
    problems = rules.unit_number_problems(draft.number)
    building = None
    if not problems:
        building = find_building(session, community_id, draft.number.split("-")[0])
        if building is None:
            problems.append(
                Problem(
                    "building_missing",
                    "building {code} does not exist",
                    {"code": draft.number.split("-")[0]},
                    "number",
                )
            )
        elif rules.floor_of(draft.number) > building.floors:
            problems.append(
                Problem(
                    "floor_range",
                    "{number} is above the top floor ({floors}) of its building",
                    {"number": draft.number, "floors": building.floors},
                    "number",
                )
            )
    if draft.area <= 0:
        problems.append(
            Problem(
                "area_range",
                "the area {value} must be above 0 and below 100000 m²",
                {"value": str(draft.area)},
                "area",
            )
        )
    return building, problems


def add_unit(session: Session, community_id: int, draft: UnitDraft) -> Unit:
    """Add a unit to its building (the building is read from the unit number)."""
    building, problems = unit_problems(session, community_id, draft)
    if find_unit(session, community_id, draft.number):
        problems.append(
            Problem(
                "unit_taken", "unit {number} already exists", {"number": draft.number}, "number"
            )
        )
    if problems or building is None:
        raise Invalid("the unit was not added", problems=problems)
    unit = Unit(
        community_id=community_id,
        building_id=building.id,
        number=draft.number,
        floor=rules.floor_of(draft.number),
        use=draft.use,
        area=draft.area,
        area_source=draft.area_source,
        sale_state=draft.sale_state,
    )
    session.add(unit)
    session.flush()
    return unit


def find_unit(session: Session, community_id: int, number: str) -> Unit | None:
    return session.scalar(
        select(Unit).where(Unit.community_id == community_id, Unit.number == number)
    )


def get_unit(session: Session, community_id: int, unit_id: int) -> Unit:
    """The unit with this id in this community. Raises NotFound."""
    unit = session.get(Unit, (community_id, unit_id))
    if unit is None:
        raise NotFound("unit {id} does not exist", args={"id": unit_id})
    return unit


def list_units(
    session: Session, community_id: int, *, building_id: int | None = None
) -> list[Unit]:
    query = (
        select(Unit)
        .where(Unit.community_id == community_id)
        .order_by(Unit.building_id, Unit.number)
    )
    if building_id is not None:
        query = query.where(Unit.building_id == building_id)
    return list(session.scalars(query))


# --- people ----------------------------------------------------------------


def add_party(
    session: Session,
    community_id: int,
    *,
    name: str,
    phone: str = "",
    kind: rules.PartyKind = rules.PartyKind.PERSON,
    id_number: str = "",
    is_developer: bool = False,
) -> Party:
    """Add a person or organisation (owner, resident, developer)."""
    phone = rules.normalise_phone(phone) if phone else ""
    problems = rules.length_problems(name=name, id_number=id_number)
    if not name.strip():
        problems.append(Problem("name_empty", "the name is empty", where="name"))
    if phone:
        problems.extend(rules.phone_problems(phone))
    if problems:
        raise Invalid("the person was not added", problems=problems)
    party = Party(
        community_id=community_id,
        kind=kind,
        name=name.strip(),
        phone=phone,
        id_number=id_number.strip(),
        is_developer=is_developer,
    )
    session.add(party)
    session.flush()
    return party


def get_party(session: Session, community_id: int, party_id: int) -> Party:
    """The party with this id in this community. Raises NotFound."""
    party = session.get(Party, (community_id, party_id))
    if party is None:
        raise NotFound("person {id} does not exist", args={"id": party_id})
    return party


def find_party_by_phone(session: Session, community_id: int, phone: str) -> Party | None:
    return session.scalar(
        select(Party)
        .where(Party.community_id == community_id, Party.phone == phone)
        .order_by(Party.id)
        .limit(1)
    )


def set_owner(
    session: Session,
    community_id: int,
    *,
    unit_id: int,
    party_id: int,
    share_percent: int = 100,
    designated_voter: bool = True,
    registered: bool = True,
    since_on: date | None = None,
) -> Ownership:
    """Record that a party owns (a share of) a unit; shares of one unit may not pass 100%.

    Co-owners are one person for votes (LAW.md 1): exactly one of them is the designated voter.
    """
    get_unit(session, community_id, unit_id)
    get_party(session, community_id, party_id)
    others = [o for o in owners_of(session, community_id, unit_id) if o.party_id != party_id]
    problems: list[Problem] = []
    if not 0 < share_percent <= 100 or sum(o.share_percent for o in others) + share_percent > 100:
        problems.append(
            Problem(
                "share_total",
                "the owners' shares of a unit must add up to at most 100%",
                where="share_percent",
            )
        )
    if problems:
        raise Invalid("the ownership was not recorded", problems=problems)
    if designated_voter:
        for other in others:
            other.is_designated_voter = False
    ownership = session.get(Ownership, (community_id, unit_id, party_id)) or Ownership(
        community_id=community_id, unit_id=unit_id, party_id=party_id
    )
    ownership.share_percent = share_percent
    ownership.is_designated_voter = designated_voter or not others
    ownership.registered = registered
    ownership.since_on = since_on
    session.add(ownership)
    session.flush()
    return ownership


def owners_of(session: Session, community_id: int, unit_id: int) -> list[Ownership]:
    return list(
        session.scalars(
            select(Ownership).where(
                Ownership.community_id == community_id, Ownership.unit_id == unit_id
            )
        )
    )


def units_of_party(session: Session, community_id: int, party_id: int) -> list[Unit]:
    """The units a party owns or lives in."""
    owned = select(Ownership.unit_id).where(
        Ownership.community_id == community_id, Ownership.party_id == party_id
    )
    lived = select(Residency.unit_id).where(
        Residency.community_id == community_id, Residency.party_id == party_id
    )
    query = (
        select(Unit)
        .where(Unit.community_id == community_id, Unit.id.in_(owned.union(lived)))
        .order_by(Unit.number)
    )
    return list(session.scalars(query))


def add_resident(
    session: Session,
    community_id: int,
    *,
    unit_id: int,
    party_id: int,
    kind: rules.ResidentKind,
    since_on: date | None = None,
) -> Residency:
    """Record that a party lives in a unit (owner, family member or tenant)."""
    get_unit(session, community_id, unit_id)
    get_party(session, community_id, party_id)
    residency = session.get(Residency, (community_id, unit_id, party_id)) or Residency(
        community_id=community_id, unit_id=unit_id, party_id=party_id
    )
    residency.kind = kind
    residency.since_on = since_on
    session.add(residency)
    session.flush()
    return residency


# --- vehicles and parking spaces ------------------------------------------


def register_vehicle(
    session: Session,
    community_id: int,
    *,
    plate: str,
    unit_id: int | None = None,
    party_id: int | None = None,
    note: str = "",
) -> Vehicle:
    """Register a vehicle by its plate, normalised (苏Ｄ·ab123 → 苏DAB123) and checked."""
    checked = check_plate(plate)
    problems = [*checked.problems, *rules.length_problems(note=note)]
    if checked.ok and find_vehicle(session, community_id, checked.plate):
        problems.append(
            Problem(
                "plate_taken",
                "the plate {plate} is already registered",
                {"plate": checked.plate},
                "plate",
            )
        )
    if unit_id is not None and session.get(Unit, (community_id, unit_id)) is None:
        problems.append(
            Problem("unit_missing", "unit {id} does not exist", {"id": unit_id}, "unit")
        )
    if party_id is not None and session.get(Party, (community_id, party_id)) is None:
        problems.append(
            Problem("party_missing", "person {id} does not exist", {"id": party_id}, "party")
        )
    if problems:
        raise Invalid("the vehicle was not registered", problems=problems)
    vehicle = Vehicle(
        community_id=community_id,
        plate=checked.plate,
        unit_id=unit_id,
        party_id=party_id,
        note=note,
    )
    session.add(vehicle)
    session.flush()
    return vehicle


def find_vehicle(session: Session, community_id: int, plate: str) -> Vehicle | None:
    return session.scalar(
        select(Vehicle).where(Vehicle.community_id == community_id, Vehicle.plate == plate)
    )


def list_vehicles(session: Session, community_id: int) -> list[Vehicle]:
    return list(
        session.scalars(
            select(Vehicle).where(Vehicle.community_id == community_id).order_by(Vehicle.plate)
        )
    )


def add_parking_spaces(
    session: Session,
    community_id: int,
    *,
    kind: rules.SpaceKind,
    codes: list[str],
    location: str = "",
) -> list[ParkingSpace]:
    """Mark parking spaces; the parking part leases and allocates them."""
    taken = {s.code for s in list_parking_spaces(session, community_id)}
    clashes = sorted(set(codes) & taken)
    if clashes or len(set(codes)) != len(codes):
        raise Invalid(
            "parking space codes must be unique: {codes}", args={"codes": ", ".join(clashes)}
        )
    spaces = [
        ParkingSpace(community_id=community_id, code=code, kind=kind, location=location)
        for code in codes
    ]
    session.add_all(spaces)
    session.flush()
    return spaces


def list_parking_spaces(session: Session, community_id: int) -> list[ParkingSpace]:
    return list(
        session.scalars(
            select(ParkingSpace)
            .where(ParkingSpace.community_id == community_id)
            .order_by(ParkingSpace.id)
        )
    )


# --- edits for the staff area ----------------------------------------------


@dataclass(frozen=True, slots=True)
class UnitChange:
    """What a staff member may change on a unit; None leaves a fact as it is."""

    area: Decimal | None = None
    area_source: rules.AreaSource | None = None
    use: rules.UnitUse | None = None
    sale_state: rules.SaleState | None = None


@dataclass(frozen=True, slots=True)
class PartyUnits:
    """A party with the numbers of the units it owns and lives in."""

    party: Party
    owned: list[str]
    lived: list[str]


@dataclass(frozen=True, slots=True)
class HouseholdUnit:
    """One unit of a viewer's own household, with its vehicles."""

    unit: Unit
    share_percent: int | None  # None: lives there without owning it
    resident_kind: rules.ResidentKind | None
    vehicles: list[Vehicle]


def update_unit(session: Session, community_id: int, unit_id: int, change: UnitChange) -> Unit:
    """Correct a unit's area (with its source), use or sale state."""
    unit = get_unit(session, community_id, unit_id)
    if change.area is not None and not 0 < change.area < Decimal(100000):
        raise Invalid(
            "the unit was not changed",
            problems=[
                Problem(
                    "area_range",
                    "the area {value} must be above 0 and below 100000 m²",
                    {"value": str(change.area)},
                    "area",
                )
            ],
        )
    if change.area is not None:
        unit.area = change.area
    if change.area_source is not None:
        unit.area_source = change.area_source
    if change.use is not None:
        unit.use = change.use
    if change.sale_state is not None:
        unit.sale_state = change.sale_state
    session.flush()
    return unit


def owners_by_unit(session: Session, community_id: int) -> dict[int, list[tuple[Ownership, Party]]]:
    """Every unit's owners with their parties, keyed by unit id."""
    query = (
        select(Ownership, Party)
        .join(
            Party,
            (Party.community_id == Ownership.community_id) & (Party.id == Ownership.party_id),
        )
        .where(Ownership.community_id == community_id)
        .order_by(Ownership.unit_id, Ownership.share_percent.desc(), Party.id)
    )
    result: dict[int, list[tuple[Ownership, Party]]] = {}
    for ownership, party in session.execute(query):
        result.setdefault(ownership.unit_id, []).append((ownership, party))
    return result


def residents_of(
    session: Session, community_id: int, unit_id: int
) -> list[tuple[Residency, Party]]:
    """Who lives in a unit, with their parties."""
    query = (
        select(Residency, Party)
        .join(
            Party,
            (Party.community_id == Residency.community_id) & (Party.id == Residency.party_id),
        )
        .where(Residency.community_id == community_id, Residency.unit_id == unit_id)
        .order_by(Party.id)
    )
    return [(residency, party) for residency, party in session.execute(query)]


def list_parties(session: Session, community_id: int) -> list[PartyUnits]:
    """Every party in the community, with the units it owns and lives in."""
    numbers = {u.id: u.number for u in list_units(session, community_id)}
    owned: dict[int, list[str]] = {}
    lived: dict[int, list[str]] = {}
    for ownership in session.scalars(
        select(Ownership).where(Ownership.community_id == community_id)
    ):
        owned.setdefault(ownership.party_id, []).append(numbers[ownership.unit_id])
    for residency in session.scalars(
        select(Residency).where(Residency.community_id == community_id)
    ):
        lived.setdefault(residency.party_id, []).append(numbers[residency.unit_id])
    parties = session.scalars(
        select(Party).where(Party.community_id == community_id).order_by(Party.id)
    )
    return [
        PartyUnits(p, sorted(owned.get(p.id, [])), sorted(lived.get(p.id, []))) for p in parties
    ]


def household_of(session: Session, community_id: int, user_id: int) -> list[HouseholdUnit]:
    """The units a user owns or lives in here (matched by Party.user_id), with their vehicles."""
    party_ids = list(
        session.scalars(
            select(Party.id).where(Party.community_id == community_id, Party.user_id == user_id)
        )
    )
    if not party_ids:
        return []
    shares: dict[int, int] = {}
    for ownership in session.scalars(
        select(Ownership).where(
            Ownership.community_id == community_id, Ownership.party_id.in_(party_ids)
        )
    ):
        shares[ownership.unit_id] = shares.get(ownership.unit_id, 0) + ownership.share_percent
    kinds = {
        r.unit_id: r.kind
        for r in session.scalars(
            select(Residency).where(
                Residency.community_id == community_id, Residency.party_id.in_(party_ids)
            )
        )
    }
    units = list(
        session.scalars(
            select(Unit)
            .where(Unit.community_id == community_id, Unit.id.in_(set(shares) | set(kinds)))
            .order_by(Unit.number)
        )
    )
    vehicles = session.scalars(
        select(Vehicle)
        .where(
            Vehicle.community_id == community_id,
            Vehicle.unit_id.in_([u.id for u in units]) | Vehicle.party_id.in_(party_ids),
        )
        .order_by(Vehicle.plate)
    ).all()
    return [
        HouseholdUnit(
            unit=u,
            share_percent=shares.get(u.id),
            resident_kind=kinds.get(u.id),
            vehicles=[v for v in vehicles if v.unit_id == u.id],
        )
        for u in units
    ]


def register_vehicle_at(
    session: Session, community_id: int, *, plate: str, unit_number: str = "", note: str = ""
) -> Vehicle:
    """Register a vehicle for the unit with this number (blank: no unit), as typed in a form."""
    number = unit_number.strip()
    unit = find_unit(session, community_id, number) if number else None
    if number and unit is None:
        problems = [
            *check_plate(plate).problems,
            Problem("unit_missing", "unit {number} does not exist", {"number": number}, "unit"),
        ]
        raise Invalid("the vehicle was not registered", problems=problems)
    return register_vehicle(
        session, community_id, plate=plate, unit_id=unit.id if unit else None, note=note.strip()
    )
