"""Use cases of the registry: buildings and units, added, found, listed and corrected.

A unit's area is checked by the one area rule, `rules.area_problems`, whether it was
typed, read from a roster or corrected by staff.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.kernel.errors import Problem
from sunshine.registry import rules
from sunshine.registry.models import Building
from sunshine.registry.models import Unit


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
    problems.extend(rules.area_problems(draft.area))
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


def lock_unit(session: Session, community_id: int, unit_id: int) -> Unit:
    """The unit, locked to the end of the transaction (PostgreSQL; SQLite has one writer).

    Changes of who owns or lives in a unit take it first, so two at once run one after
    the other and the second sees what the first did (a transfer: the owners changed).
    """
    unit = session.scalar(
        select(Unit)
        .where(Unit.community_id == community_id, Unit.id == unit_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
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


@dataclass(frozen=True, slots=True)
class UnitChange:
    """What a staff member may change on a unit; None leaves a fact as it is."""

    area: Decimal | None = None
    area_source: rules.AreaSource | None = None
    use: rules.UnitUse | None = None
    sale_state: rules.SaleState | None = None
    note: str | None = None  # 备注, staff only


def update_unit(session: Session, community_id: int, unit_id: int, change: UnitChange) -> Unit:
    """Correct a unit's area (with its source), use, sale state or remarks."""
    unit = get_unit(session, community_id, unit_id)
    problems = [] if change.area is None else rules.area_problems(change.area)
    if change.note is not None:
        problems += rules.length_problems(note=change.note)
    if problems:
        raise Invalid("the unit was not changed", problems=problems)
    if change.area is not None:
        unit.area = change.area
    if change.area_source is not None:
        unit.area_source = change.area_source
    if change.use is not None:
        unit.use = change.use
    if change.sale_state is not None:
        unit.sale_state = change.sale_state
    if change.note is not None:
        unit.note = change.note.strip()
    session.flush()
    return unit
