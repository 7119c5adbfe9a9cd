"""Roster import and export: what a roster file would change, applying it, and the file back.

`plan_import` reads every row, checks it alone, against the other rows and against what
the community already holds, and lists every problem and every change; it writes
nothing. `apply_import` applies a file without problems through the registry services,
inside the caller's transaction (the caller commits once), so a roster goes in whole or
not at all; importing the same file again changes nothing. `export_roster` writes the
same format back, one row per ownership or residency.

An import adds and updates; it never removes a person, an ownership or a vehicle (that
is done one at a time in the staff pages, where it can be explained). The file format
is described in `roster_format`; the planning is in `roster_plan`.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import replace
from typing import Literal

from sqlalchemy.orm import Session

from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import Problem
from sunshine.registry.models import Unit
from sunshine.registry.rules import ResidentKind
from sunshine.registry.rules import roster_files
from sunshine.registry.rules.roster_format import N_
from sunshine.registry.rules.roster_format import ExportLine
from sunshine.registry.rules.roster_format import Role
from sunshine.registry.rules.roster_format import export_cells
from sunshine.registry.service.roster_plan import RESIDENT_KINDS
from sunshine.registry.service.roster_plan import Change
from sunshine.registry.service.roster_plan import Progress
from sunshine.registry.service.roster_plan import Snapshot
from sunshine.registry.service.roster_plan import make_planner

KINDS = ("building", "unit", "person", "ownership", "residency", "vehicle")
KIND_LABELS = {
    "building": N_("Buildings"),
    "unit": N_("Units"),
    "person": N_("People"),
    "ownership": N_("Ownerships"),
    "residency": N_("Residents"),
    "vehicle": N_("Vehicles"),
}
_ROLE_OF = {kind: role for role, kind in RESIDENT_KINDS.items()}
_KIND_ORDER = {ResidentKind.OWNER_OCCUPIER: 0, ResidentKind.FAMILY: 1, ResidentKind.TENANT: 2}


def _quiet(_done: int, _total: int) -> None:
    return None


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """What a roster file would change, and every reason it cannot be imported."""

    rows: int
    problems: tuple[Problem, ...]
    changes: tuple[Change, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def counts(self) -> dict[str, tuple[int, int]]:
        """(created, updated) by kind, every kind listed."""
        return count_changes(self.changes)


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import changed."""

    rows: int
    changes: tuple[Change, ...]

    def counts(self) -> dict[str, tuple[int, int]]:
        """(created, updated) by kind, every kind listed."""
        return count_changes(self.changes)


def count_changes(changes: tuple[Change, ...]) -> dict[str, tuple[int, int]]:
    """(created, updated) by kind, every kind listed, in `KINDS` order."""
    counts = {kind: [0, 0] for kind in KINDS}
    for change in changes:
        counts[change.kind][change.action == "update"] += 1
    return {kind: (made, updated) for kind, (made, updated) in counts.items()}


def plan_import(
    session: Session,
    community_id: int,
    *,
    data: bytes,
    filename: str,
    progress: Progress | None = None,
) -> ImportPlan:
    """Check a roster file and list what importing it would change; write nothing.

    Args:
        session: read from, never written to.
        community_id: the community the roster belongs to.
        data: the file's bytes (XLSX or CSV; told apart by content).
        filename: the name to show in messages.
        progress: called with (rows done, rows in all) while the rows are compared.
    """
    planner = make_planner(session, community_id, data, filename, progress or _quiet)
    changes = tuple(change for change, _step in planner.steps)
    return ImportPlan(planner.line_count, tuple(planner.problems), changes)


def apply_import(
    session: Session,
    community_id: int,
    *,
    data: bytes,
    filename: str,
    progress: Progress | None = None,
) -> ImportResult:
    """Import a roster file whole, or raise Invalid with every problem and write nothing.

    `progress` is called while comparing rows, then with (changes made, changes in all).
    """
    report = progress or _quiet
    planner = make_planner(session, community_id, data, filename, report)
    if planner.problems:
        raise Invalid(
            "the roster was not imported: {count} problems",
            problems=planner.problems,
            args={"count": len(planner.problems)},
        )
    for done, (_change, step) in enumerate(planner.steps, start=1):
        step()
        report(done, len(planner.steps))
    session.flush()
    return ImportResult(planner.line_count, tuple(change for change, _step in planner.steps))


# --- export -------------------------------------------------------------------


def export_roster(
    session: Session, community_id: int, *, fmt: Literal["xlsx", "csv"] = "xlsx"
) -> bytes:
    """The community's roster in the import format: XLSX, or CSV in UTF-8 with a BOM."""
    rows = [export_cells(line) for line in export_lines(session, community_id)]
    return roster_files.write_xlsx(rows) if fmt == "xlsx" else roster_files.write_csv(rows)


def export_lines(session: Session, community_id: int) -> list[ExportLine]:
    """One line per ownership or residency, units in number order; a unit with nobody once.

    Owners come first (the designated voter, then by share), then residents; each vehicle
    goes on the line of its person, else on the unit's first line.
    """
    known = Snapshot.read(session, community_id)
    codes = {b.id: b.code for b in known.buildings.values()}
    lines: list[ExportLine] = []
    for unit in sorted(known.units.values(), key=_number_order):
        facts = ExportLine(
            codes[unit.building_id], unit.number, unit.area, unit.area_source, unit.use,
            unit.sale_state,
        )  # fmt: skip
        people = _people_lines(known, unit, facts) or [(None, replace(facts, note=unit.note))]
        ids = [party_id for party_id, _line in people]
        unit_lines = [line for _party_id, line in people]
        for vehicle in sorted(known.plates.get(unit.id, []), key=lambda v: v.plate):
            at = ids.index(vehicle.party_id) if vehicle.party_id in ids else 0
            unit_lines[at] = replace(unit_lines[at], plates=(*unit_lines[at].plates, vehicle.plate))
        lines += unit_lines
    return lines


def _people_lines(
    known: Snapshot, unit: Unit, facts: ExportLine
) -> list[tuple[int | None, ExportLine]]:
    lived = {r.party_id: r.kind for r in known.residents.get(unit.id, [])}
    owners = sorted(
        known.ownerships.get(unit.id, []),
        key=lambda o: (not o.is_designated_voter, -o.share_percent, _who(known, o.party_id)),
    )
    people: list[tuple[int | None, ExportLine]] = []
    for o in owners:
        occupier = lived.get(o.party_id) == ResidentKind.OWNER_OCCUPIER
        role = Role.OWNER_OCCUPIER if occupier else Role.OWNER
        name, phone = _who(known, o.party_id)
        line = replace(
            facts, name=name, phone=phone, role=role, share=o.share_percent,
            voter=o.is_designated_voter, note=known.parties[o.party_id].note,
        )  # fmt: skip
        people.append((o.party_id, line))
    owned = {o.party_id for o in owners}
    residents = [
        (_KIND_ORDER[kind], _who(known, party_id), party_id, kind)
        for party_id, kind in lived.items()
        if not (kind == ResidentKind.OWNER_OCCUPIER and party_id in owned)
    ]
    for _order, (name, phone), party_id, kind in sorted(residents):
        note = known.parties[party_id].note
        line = replace(facts, name=name, phone=phone, role=_ROLE_OF[kind], note=note)
        people.append((party_id, line))
    return people


def _who(known: Snapshot, party_id: int) -> tuple[str, str]:
    party = known.parties[party_id]
    return party.name, party.phone


def _number_order(unit: Unit) -> tuple[tuple[int, ...], str]:
    parts = tuple(int(part) if part.isdigit() else 0 for part in unit.number.split("-"))
    return parts, unit.number
