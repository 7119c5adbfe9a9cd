"""Planning a roster import: compare each row with what the community holds, list the changes.

Internal to `roster`: the `Planner` reads the file (through `roster_files` and the pure
rules), matches people (by phone within the community, else by name among the people
of the same unit), and records each change with the step that makes it, in the order
the steps must run: buildings, units, people, ownerships, residents, vehicles. Nothing
runs until `roster.apply_import` runs the steps.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from typing import Literal
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.infra.settings import get_settings
from sunshine.kernel.errors import Problem
from sunshine.registry import service
from sunshine.registry.models import Building
from sunshine.registry.models import Ownership
from sunshine.registry.models import Party
from sunshine.registry.models import Residency
from sunshine.registry.models import Unit
from sunshine.registry.models import Vehicle
from sunshine.registry.rules import ResidentKind
from sunshine.registry.rules import floor_of
from sunshine.registry.rules import roster_files
from sunshine.registry.rules.roster_format import HEADERS
from sunshine.registry.rules.roster_format import LIVING
from sunshine.registry.rules.roster_format import N_
from sunshine.registry.rules.roster_format import OWNING
from sunshine.registry.rules.roster_format import Role
from sunshine.registry.rules.roster_rows import PersonKey
from sunshine.registry.rules.roster_rows import RosterRow
from sunshine.registry.rules.roster_rows import file_problems
from sunshine.registry.rules.roster_rows import flag
from sunshine.registry.rules.roster_rows import parse_row
from sunshine.registry.rules.roster_rows import person_keys
from sunshine.registry.rules.roster_rows import settle_owners

Progress = Callable[[int, int], None]
Step = Callable[[], None]
_T = TypeVar("_T")
RESIDENT_KINDS = {
    Role.OWNER_OCCUPIER: ResidentKind.OWNER_OCCUPIER,
    Role.FAMILY: ResidentKind.FAMILY,
    Role.TENANT: ResidentKind.TENANT,
}


@dataclass(frozen=True, slots=True)
class Change:
    """One thing an import creates or updates, for people to read before applying."""

    kind: str  # one of KINDS
    action: Literal["create", "update"]
    subject: str  # "1-1-101", "张三", "1-1-101 张三", "苏D12345"
    fields: tuple[str, ...] = ()  # on update: the column keys that change


@dataclass
class Snapshot:
    """The community's registry, read once, so planning is one pass over the rows."""

    buildings: dict[str, Building]
    units: dict[str, Unit]
    parties: dict[int, Party]
    by_phone: dict[str, Party]
    ownerships: dict[int, list[Ownership]]  # by unit id
    residencies: dict[tuple[int, int], Residency]  # by (unit id, party id)
    vehicles: dict[str, Vehicle]
    residents: dict[int, list[Residency]] = field(default_factory=dict)  # by unit id
    plates: dict[int, list[Vehicle]] = field(default_factory=dict)  # by unit id

    def __post_init__(self) -> None:
        for residency in self.residencies.values():
            self.residents.setdefault(residency.unit_id, []).append(residency)
        for vehicle in self.vehicles.values():
            if vehicle.unit_id is not None:
                self.plates.setdefault(vehicle.unit_id, []).append(vehicle)

    @classmethod
    def read(cls, session: Session, community_id: int) -> Snapshot:
        def rows(model: type[_T]) -> list[_T]:
            query = select(model).where(model.community_id == community_id)  # type: ignore[attr-defined]
            return list(session.scalars(query))

        parties = {p.id: p for p in sorted(rows(Party), key=lambda p: p.id)}
        ownerships: dict[int, list[Ownership]] = defaultdict(list)
        for ownership in rows(Ownership):
            ownerships[ownership.unit_id].append(ownership)
        return cls(
            buildings={b.code: b for b in rows(Building)},
            units={u.number: u for u in rows(Unit)},
            parties=parties,
            by_phone={p.phone: p for p in reversed(parties.values()) if p.phone},
            ownerships=ownerships,
            residencies={(r.unit_id, r.party_id): r for r in rows(Residency)},
            vehicles={v.plate: v for v in rows(Vehicle)},
        )

    def people_of(self, unit: Unit) -> list[Party]:
        """The owners and residents of a unit, by id."""
        ids = {o.party_id for o in self.ownerships.get(unit.id, [])}
        ids |= {r.party_id for r in self.residents.get(unit.id, [])}
        return [self.parties[i] for i in sorted(ids)]


# --- planning -----------------------------------------------------------------


@dataclass
class _Person:
    key: PersonKey
    name: str
    phone: str
    party: Party | None
    note: str = ""


@dataclass
class _Owner:
    unit: str
    key: PersonKey
    name: str
    share: int
    voter: bool
    old: Ownership | None

    @property
    def delta(self) -> int:
        return self.share - (self.old.share_percent if self.old else 0)


@dataclass
class Planner:
    """Works out the changes row by row, each with the step that makes it."""

    session: Session
    community_id: int
    known: Snapshot
    columns: dict[str, str] = field(default_factory=dict)
    rows: list[RosterRow] = field(default_factory=list)
    keys: dict[int, PersonKey] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    people: dict[PersonKey, _Person] = field(default_factory=dict)
    # (unit, party) pairs already matched: two people of one unit never become one party,
    # while a person without a phone may own several units (a developer does).
    claimed: set[tuple[str, int]] = field(default_factory=set)
    steps: list[tuple[Change, Step]] = field(default_factory=list)
    line_count: int = 0

    def read(self, data: bytes, filename: str) -> None:
        sheet, problems = roster_files.read_sheet(
            data, filename=filename, max_rows=get_settings().roster_max_rows
        )
        self.problems += problems
        if sheet is None:
            return
        self.columns, self.line_count = sheet.columns, len(sheet.rows)
        for line, cells in sheet.rows:
            row, problems = parse_row(line, cells, sheet.columns)
            self.problems += problems
            if row is not None:
                self.rows.append(row)
        self.keys = person_keys(self.rows)
        self.problems += file_problems(self.rows, self.keys, self.columns)

    def plan(self, progress: Progress) -> None:
        for done, row in enumerate(self.rows, start=1):
            if row.has_person:
                self.match_person(row)
            progress(done, len(self.rows))
        self.plan_buildings()
        self.plan_units()
        self.plan_people()
        for number, rows in _group(r for r in self.rows if r.role in OWNING and r.has_person):
            self.plan_owners(number, rows)
        self.plan_residents()
        self.plan_vehicles()
        self.problems.sort(key=lambda p: (_row_of(p), p.where))

    def step(self, change: Change, step: Step) -> None:
        self.steps.append((change, step))

    def match_person(self, row: RosterRow) -> None:
        key = self.keys[row.line]
        if key in self.people:
            self.people[key].note = self.people[key].note or row.note
            return
        party = self.known.by_phone.get(row.phone) if row.phone else None
        unit = self.known.units.get(row.unit)
        if party is None and unit is not None:
            same = [p for p in self.known.people_of(unit) if p.name == row.name]
            party = next((p for p in same if (row.unit, p.id) not in self.claimed), None)
        if party is not None:
            self.claimed.add((row.unit, party.id))
        self.people[key] = _Person(key, row.name, row.phone, party, row.note)

    def plan_buildings(self) -> None:
        floors: dict[str, int] = {}
        for row in self.rows:
            floors[row.building] = max(floors.get(row.building, 0), floor_of(row.unit))
        for code, top in floors.items():
            building = self.known.buildings.get(code)
            if building is None:
                self.step(Change("building", "create", code), self.make_building(code, top))
            elif building.floors < top:
                self.step(
                    Change("building", "update", code, ("floors",)), _set(building, floors=top)
                )

    def make_building(self, code: str, floors: int) -> Step:
        def step() -> None:
            made = service.add_building(
                self.session, self.community_id, code=code, name=f"{code}幢", floors=floors
            )
            self.known.buildings[code] = made

        return step

    def plan_units(self) -> None:
        for number, rows in _group(self.rows):
            row = rows[0]
            facts = {k: getattr(row, k) for k in ("area", "area_source", "use", "sale_state")}
            # A row naming nobody speaks of the unit itself; its 备注 is the unit's.
            note = next((r.note for r in rows if not r.has_person and r.note), "")
            unit = self.known.units.get(number)
            if unit is None:
                draft = service.UnitDraft(number=number, **facts)
                self.step(Change("unit", "create", number), self.make_unit(draft, note))
                continue
            if note:
                facts["note"] = note
            changed = tuple(k for k, v in facts.items() if getattr(unit, k) != v)
            if changed:
                self.step(Change("unit", "update", number, changed), _set(unit, **facts))

    def make_unit(self, draft: service.UnitDraft, note: str) -> Step:
        def step() -> None:
            made = service.add_unit(self.session, self.community_id, draft)
            made.note = note
            self.known.units[draft.number] = made

        return step

    def plan_people(self) -> None:
        for person in self.people.values():
            party = person.party
            if party is None:
                self.step(Change("person", "create", person.name), self.make_party(person))
                continue
            said = {"name": person.name, "phone": person.phone, "note": person.note}
            new = {k: v for k, v in said.items() if v and v != getattr(party, k)}
            if new:
                change = Change("person", "update", person.name, tuple(new))
                self.step(change, _set(party, **new))

    def make_party(self, person: _Person) -> Step:
        def step() -> None:
            person.party = service.add_party(
                self.session,
                self.community_id,
                name=person.name,
                phone=person.phone,
                note=person.note,
            )

        return step

    def plan_owners(self, number: str, rows: list[RosterRow]) -> None:
        unit = self.known.units.get(number)
        held = {o.party_id: o for o in self.known.ownerships.get(unit.id, [])} if unit else {}
        lines = {self.party_id(r): r.line for r in rows}
        others = [o for party_id, o in held.items() if party_id not in lines]
        settled, problems = settle_owners(
            rows,
            columns=self.columns,
            others_share=sum(o.share_percent for o in others),
            current_voter=next(
                (lines[p] for p, o in held.items() if o.is_designated_voter and p in lines), None
            ),
            voter_elsewhere=any(o.is_designated_voter for o in others),
        )
        self.problems += problems
        owners: list[_Owner] = []
        for row, settle in zip(rows, settled, strict=True):
            old = held.get(self.party_id(row) or 0)
            if old is None or (old.share_percent, old.is_designated_voter) != (
                settle.share,
                settle.voter,
            ):
                owners.append(
                    _Owner(number, self.keys[row.line], row.name, settle.share, settle.voter, old)
                )
        # Shrinking shares go first, so the owners' total never passes 100% on the way.
        for owner in sorted(owners, key=lambda o: o.delta):
            subject = f"{number} {owner.name}"
            if owner.old is None:
                self.step(Change("ownership", "create", subject), self.make_owner(owner))
            else:
                fields = ("share",) * (owner.old.share_percent != owner.share) + ("voter",) * (
                    owner.old.is_designated_voter != owner.voter
                )
                self.step(Change("ownership", "update", subject, fields), self.make_owner(owner))

    def party_id(self, row: RosterRow) -> int | None:
        party = self.people[self.keys[row.line]].party
        return None if party is None else party.id

    def make_owner(self, owner: _Owner) -> Step:
        def step() -> None:
            service.set_owner(
                self.session,
                self.community_id,
                unit_id=self.known.units[owner.unit].id,
                party_id=self.person_id(owner.key),
                share_percent=owner.share,
                designated_voter=owner.voter,
            )

        return step

    def person_id(self, key: PersonKey) -> int:
        party = self.people[key].party
        assert party is not None  # INVARIANT: people are made before their ownerships
        return party.id

    def plan_residents(self) -> None:
        for row in self.rows:
            if not row.has_person or row.role not in LIVING:
                continue
            kind = RESIDENT_KINDS[row.role]
            unit, party_id = self.known.units.get(row.unit), self.party_id(row)
            old = self.known.residencies.get((unit.id, party_id)) if unit and party_id else None
            if old is not None and old.kind == kind:
                continue
            action: Literal["create", "update"] = "create" if old is None else "update"
            change = Change(
                "residency", action, f"{row.unit} {row.name}", ("role",) * (old is not None)
            )
            self.step(change, self.make_resident(row.unit, self.keys[row.line], kind))

    def make_resident(self, number: str, key: PersonKey, kind: ResidentKind) -> Step:
        def step() -> None:
            service.add_resident(
                self.session,
                self.community_id,
                unit_id=self.known.units[number].id,
                party_id=self.person_id(key),
                kind=kind,
            )

        return step

    def plan_vehicles(self) -> None:
        numbers = {u.id: u.number for u in self.known.units.values()}
        column = self.columns.get("plates", HEADERS["plates"])
        for row in self.rows:
            unit = self.known.units.get(row.unit)
            for plate in row.plates:
                held = self.known.vehicles.get(plate)
                if held is None:
                    key = self.keys.get(row.line)
                    self.step(
                        Change("vehicle", "create", plate), self.make_vehicle(plate, row.unit, key)
                    )
                elif unit is None or held.unit_id != unit.id:
                    elsewhere = numbers.get(held.unit_id or 0, "—")
                    template = N_("the plate {plate} is already registered to unit {number}")
                    self.problems.append(
                        flag(
                            row.line, column, "plate_taken", template, plate=plate, number=elsewhere
                        )
                    )

    def make_vehicle(self, plate: str, number: str, key: PersonKey | None) -> Step:
        def step() -> None:
            service.register_vehicle(
                self.session,
                self.community_id,
                plate=plate,
                unit_id=self.known.units[number].id,
                party_id=None if key is None else self.person_id(key),
            )

        return step


def _group(rows: Iterable[RosterRow]) -> list[tuple[str, list[RosterRow]]]:
    """Rows by unit number, in the order units first appear."""
    groups: dict[str, list[RosterRow]] = {}
    for row in rows:
        groups.setdefault(row.unit, []).append(row)
    return list(groups.items())


def _set(target: object, **values: object) -> Step:
    """A step that updates fields of a row already checked by the plan."""

    def step() -> None:
        for name, value in values.items():
            setattr(target, name, value)

    return step


def _row_of(problem: Problem) -> int:
    row = problem.args.get("row", 0)
    return row if isinstance(row, int) else 0


def make_planner(
    session: Session, community_id: int, data: bytes, filename: str, progress: Progress
) -> Planner:
    """Read the file and plan every change against the community as it is now."""
    planner = Planner(session, community_id, Snapshot.read(session, community_id))
    planner.read(data, filename)
    planner.plan(progress)
    return planner
