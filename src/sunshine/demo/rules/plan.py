"""The reference community on paper: units, owners, residents and vehicles, without a database.

Pure and deterministic, so the same community comes out on every machine and every run:
no `random`, no clock. Where a value should look varied (areas, plates) it is derived
from a SHA-256 of the unit number, whose output never changes between Python versions.

Shape (seed/SCENARIO.md): 4 buildings × 4 staircases (单元) × 6 floors × 2 units per
floor = 192 residential units, numbered building-staircase-room (1-2-301). Every
person is clearly synthetic: names read 王某017, phones sit in 1990000xxxx.

What goes into the database, and in which order, is `demo/service/load.py`'s business.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from sunshine.registry.rules import AreaSource
from sunshine.registry.rules import ResidentKind
from sunshine.registry.rules import SaleState

BUILDINGS = 4
STAIRCASES = 4
FLOORS = 6
ROOMS_PER_FLOOR = 2

DEVELOPER = "developer"

# Each staircase repeats one floor plan on every floor: (room 01, room 02) in m².
# The per-unit deviation below stands for the small differences a survey finds.
_LAYOUTS = {
    1: (Decimal("62.48"), Decimal("75.36")),
    2: (Decimal("58.72"), Decimal("86.14")),
    3: (Decimal("66.05"), Decimal("71.90")),
    4: (Decimal("55.80"), Decimal("92.26")),
}

# Two ground-floor units the original builder never sold (once its site office), so the
# rules for developer-held units have something to act on; their area is the surveyed one.
DEVELOPER_HELD = frozenset({"4-4-101", "4-4-102"})
# Top-floor units re-surveyed during the 2023 renovation.
SURVEYED = frozenset({"3-1-601", "3-1-602"})
# Bought but not yet registered (lawful possession): only the contract gives an area.
UNREGISTERED = frozenset({"2-2-101", "3-3-602", "4-1-201"})
# Second unit → the unit whose owner also owns it; the second one is let to a tenant.
SECOND_UNITS = {
    "2-3-502": "1-1-201",
    "3-1-101": "2-2-402",
    "4-2-302": "3-4-601",
    "4-1-601": "1-3-102",
}
# Units held by a couple, 50/50; the first-named owner is the designated voter.
CO_OWNED = frozenset({"1-1-301", "2-1-201", "2-4-602", "3-2-402", "3-3-101", "4-3-501"})
# The 物管会 members: owners of these units. The first one logs in as `committee`.
COMMITTEE_UNITS = ("2-1-302", "3-2-201", "4-3-402", "1-4-502")
# The owner who logs in by phone, and the tenant who does.
OWNER_UNIT = "1-2-301"
TENANT_UNIT = "1-1-501"

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯"
    "邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
_PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I or O: plates never use them


@dataclass(frozen=True, slots=True)
class UnitPlan:
    number: str
    serial: int  # 1..192 in building, staircase, floor, room order
    area: str  # m², two decimals, as text so it is exact
    area_source: AreaSource
    sale_state: SaleState


@dataclass(frozen=True, slots=True)
class PersonPlan:
    key: str
    name: str
    phone: str


@dataclass(frozen=True, slots=True)
class OwnershipPlan:
    unit: str
    person: str  # a PersonPlan key, or DEVELOPER
    share_percent: int
    designated_voter: bool
    registered: bool


@dataclass(frozen=True, slots=True)
class ResidencyPlan:
    unit: str
    person: str
    kind: ResidentKind


@dataclass(frozen=True, slots=True)
class VehiclePlan:
    plate: str
    unit: str
    person: str


@dataclass(frozen=True, slots=True)
class Plan:
    units: tuple[UnitPlan, ...]
    people: tuple[PersonPlan, ...]
    ownerships: tuple[OwnershipPlan, ...]
    residencies: tuple[ResidencyPlan, ...]
    vehicles: tuple[VehiclePlan, ...]


def _digest(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")


def person(serial: int) -> PersonPlan:
    """The synthetic person with this serial: 1–999 owners, 3001+ co-owners, 5001+ tenants."""
    surname = _SURNAMES[serial % len(_SURNAMES)]
    return PersonPlan(
        key=f"p{serial}", name=f"{surname}某{serial:03d}", phone=f"1990000{serial:04d}"
    )


def unit_numbers() -> list[str]:
    """All 192 numbers in order: 1-1-101, 1-1-102, 1-1-201 … 4-4-602."""
    return [
        f"{building}-{staircase}-{floor}{room:02d}"
        for building in range(1, BUILDINGS + 1)
        for staircase in range(1, STAIRCASES + 1)
        for floor in range(1, FLOORS + 1)
        for room in range(1, ROOMS_PER_FLOOR + 1)
    ]


def unit_plan(number: str, serial: int) -> UnitPlan:
    """The area, its source and the sale state of one unit."""
    staircase, room = int(number.split("-")[1]), int(number[-2:])
    deviation = Decimal(_digest(number) % 61) / 100  # 0.00–0.60 m²
    area = _LAYOUTS[staircase][room - 1] + deviation
    source = AreaSource.REGISTRY
    if number in DEVELOPER_HELD or number in SURVEYED:
        source = AreaSource.SURVEY
    elif number in UNREGISTERED:
        source = AreaSource.CONTRACT
    sale = SaleState.DEVELOPER_HELD if number in DEVELOPER_HELD else SaleState.DELIVERED
    return UnitPlan(number, serial, f"{area:.2f}", source, sale)


def serial_of(number: str) -> int:
    """The position of a unit in `unit_numbers()`, from 1; its owner has the same serial."""
    return unit_numbers().index(number) + 1


def owner_phone(number: str) -> str:
    return person(serial_of(number)).phone


def tenant_phone(number: str) -> str:
    return person(5000 + serial_of(number)).phone


def _is_let(number: str, serial: int) -> bool:
    # Every 16th unit (from the 9th) is let, and so is every owner's second unit.
    return number in SECOND_UNITS or (serial % 16 == 9 and number not in DEVELOPER_HELD)


def _plate(index: int) -> str:
    """A valid Changzhou (苏D) plate; every fifth is a new-energy one (8 characters)."""
    number = (index * 7919 + 1234) % 10000  # 7919 is prime to 10000: no two plates alike
    if index % 5 == 4:
        return f"苏D{'DF'[index % 2]}{number:05d}"
    return f"苏D{_PLATE_LETTERS[index % len(_PLATE_LETTERS)]}{number:04d}"


def _owners(number: str, serial: int) -> list[PersonPlan]:
    """Who owns a unit, the designated voter first; empty for the developer's units."""
    if number in DEVELOPER_HELD:
        return []
    first = person(serial_of(SECOND_UNITS[number]) if number in SECOND_UNITS else serial)
    return [first, person(3000 + serial)] if number in CO_OWNED else [first]


def _ownerships(number: str, owners: list[PersonPlan]) -> list[OwnershipPlan]:
    registered = number not in UNREGISTERED
    if not owners:
        return [
            OwnershipPlan(
                number, DEVELOPER, share_percent=100, designated_voter=True, registered=registered
            )
        ]
    share = 100 // len(owners)
    return [
        OwnershipPlan(
            number, o.key, share_percent=share, designated_voter=i == 0, registered=registered
        )
        for i, o in enumerate(owners)
    ]


def reference_plan() -> Plan:
    """Everything the reference community holds, in the order it is written."""
    units = tuple(unit_plan(n, i) for i, n in enumerate(unit_numbers(), start=1))
    people: list[PersonPlan] = []
    ownerships: list[OwnershipPlan] = []
    residencies: list[ResidencyPlan] = []
    vehicles: list[VehiclePlan] = []
    for unit in units:
        owners = _owners(unit.number, unit.serial)
        # An owner of two units is written once, with the first.
        people.extend(o for o in owners if o not in people)
        ownerships.extend(_ownerships(unit.number, owners))
        if not owners:
            continue  # the developer's units stand empty
        if _is_let(unit.number, unit.serial):
            tenant = person(5000 + unit.serial)
            people.append(tenant)
            occupants, kind = [tenant], ResidentKind.TENANT
        else:
            occupants, kind = owners, ResidentKind.OWNER_OCCUPIER
        residencies.extend(ResidencyPlan(unit.number, o.key, kind) for o in occupants)
        if unit.serial % 3 == 0:
            vehicles.append(VehiclePlan(_plate(len(vehicles)), unit.number, occupants[0].key))
    return Plan(units, tuple(people), tuple(ownerships), tuple(residencies), tuple(vehicles))
