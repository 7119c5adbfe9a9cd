"""Use cases of the registry: vehicles, registered by their checked plate, and parking spaces."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import Problem
from sunshine.kernel.plates import check_plate
from sunshine.registry import rules
from sunshine.registry.models import ParkingSpace
from sunshine.registry.models import Party
from sunshine.registry.models import Unit
from sunshine.registry.models import Vehicle
from sunshine.registry.service.units import find_unit


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
