"""Roster rows: read one row, then the rules between rows. Pure: no database, no file I/O.

The columns, their aliases and their values are defined in `roster_format`. Every
problem found in a row has `where="row N"` and the args `row` and `column` (the header
as written in the file), so a report can point at the cell.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import replace
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from sunshine.kernel.errors import Problem
from sunshine.kernel.plates import check_plate
from sunshine.registry.rules import AreaSource
from sunshine.registry.rules import SaleState
from sunshine.registry.rules import UnitUse
from sunshine.registry.rules import floor_of
from sunshine.registry.rules import length_problems
from sunshine.registry.rules import normalise_phone
from sunshine.registry.rules import parse_area
from sunshine.registry.rules import phone_problems
from sunshine.registry.rules import unit_number_problems
from sunshine.registry.rules.roster_format import AREA_SOURCES
from sunshine.registry.rules.roster_format import HEADERS
from sunshine.registry.rules.roster_format import LIVING
from sunshine.registry.rules.roster_format import N_
from sunshine.registry.rules.roster_format import NO
from sunshine.registry.rules.roster_format import OWNING
from sunshine.registry.rules.roster_format import ROLES
from sunshine.registry.rules.roster_format import SALE_STATES
from sunshine.registry.rules.roster_format import USES
from sunshine.registry.rules.roster_format import YES
from sunshine.registry.rules.roster_format import Role

_E = TypeVar("_E", bound=StrEnum)
_PLATE_SPLIT = re.compile(r"[、,，;；/\n]+")
PersonKey = tuple[str, ...]  # ("phone", phone) or ("name", name, unit number)


@dataclass(frozen=True, slots=True)
class RosterRow:
    """One roster row, read and checked on its own."""

    line: int
    building: str
    unit: str
    area: Decimal
    area_source: AreaSource
    use: UnitUse
    sale_state: SaleState
    name: str
    phone: str
    role: Role
    share: int | None  # None: not given
    voter: bool | None  # None: not given
    plates: tuple[str, ...]
    note: str = ""  # 备注: about the row's person, or its unit when it names nobody

    @property
    def has_person(self) -> bool:
        return bool(self.name)

    def unit_facts(self) -> tuple[object, ...]:
        """What the row says about its unit (rows of one unit must agree)."""
        return (self.area, self.area_source, self.use, self.sale_state)


def at_row(problem: Problem, line: int, column: str) -> Problem:
    """`problem` pointed at a row and a column of the file."""
    args = {**problem.args, "row": line, "column": column}
    return replace(problem, args=args, where=f"row {line}")


def flag(line: int, column: str, code: str, template: str, **args: object) -> Problem:
    """A problem in one row and column; `template` is an English message marked with N_."""
    return Problem(code, template, {**args, "row": line, "column": column}, f"row {line}")


def parse_row(
    line: int, cells: Mapping[str, str], columns: Mapping[str, str]
) -> tuple[RosterRow | None, list[Problem]]:
    """Read one row; `cells` and `columns` (header as written) are keyed by column key."""
    read = _RowReader(line, cells, columns)
    unit = read.unit_number()
    building = read.building(unit)
    area = read.area()
    area_source = read.choice("area_source", AREA_SOURCES, AreaSource.REGISTRY)
    use = read.choice("use", USES, UnitUse.RESIDENTIAL)
    sale_state = read.choice("sale_state", SALE_STATES, SaleState.DELIVERED)
    name, phone, role = read.person()
    share, voter, plates, note = read.share(), read.voter(), read.plates(), read.note()
    if read.problems or area is None:
        return None, read.problems
    facts = (area, area_source, use, sale_state)
    row = RosterRow(line, building, unit, *facts, name, phone, role, share, voter, plates, note)
    return row, []


class _RowReader:
    """Reads the cells of one row, collecting every problem."""

    def __init__(self, line: int, cells: Mapping[str, str], columns: Mapping[str, str]) -> None:
        self.line, self.cells, self.columns = line, cells, columns
        self.problems: list[Problem] = []

    def get(self, key: str) -> str:
        return self.cells.get(key, "")

    def add(self, key: str, problems: Sequence[Problem]) -> None:
        column = self.columns.get(key, HEADERS[key])
        self.problems.extend(at_row(p, self.line, column) for p in problems)

    def flag(self, key: str, code: str, template: str, **args: object) -> None:
        column = self.columns.get(key, HEADERS[key])
        self.problems.append(flag(self.line, column, code, template, **args))

    def unit_number(self) -> str:
        number = "".join(unicodedata.normalize("NFKC", self.get("unit")).split())
        number = re.sub(r"[—–－]", "-", number)
        if not number:
            self.flag("unit", "unit_missing", N_("the unit number is missing"))
            return number
        problems = unit_number_problems(number)
        self.add("unit", problems)
        if not problems and floor_of(number) < 1:
            template = N_("the room of {number} must start with its floor, such as 301")
            self.flag("unit", "unit_floor", template, number=number)
        return number

    def building(self, unit: str) -> str:
        derived = unit.split("-", maxsplit=1)[0]
        given = unicodedata.normalize("NFKC", self.get("building")).strip()
        given = given.removesuffix("幢").removesuffix("栋").removesuffix("号楼")
        if given and unit and given != derived:
            template = N_("the unit {number} does not belong to building {building}")
            self.flag("building", "unit_building", template, number=unit, building=given)
        return derived

    def area(self) -> Decimal | None:
        if not self.get("area"):
            self.flag("area", "area_missing", N_("the area is missing"))
            return None
        value, problems = parse_area(self.get("area"))
        self.add("area", problems)
        return value

    def choice(self, key: str, table: Mapping[_E, tuple[str, ...]], default: _E) -> _E:
        text = self.get(key)
        if not text:
            return default
        folded = "".join(text.lower().split())
        for value, words in table.items():
            if folded in words:
                return value
        choices = "、".join(words[0] for words in table.values())
        self.flag(key, "choice", _CHOICE, value=text, choices=choices)
        return default

    def person(self) -> tuple[str, str, Role]:
        name = " ".join(self.get("name").split())
        phone = normalise_phone(self.get("phone")) if self.get("phone") else ""
        if phone:
            self.add("phone", phone_problems(phone))
        role = self.choice("role", ROLES, Role.OWNER)
        if not name and any(self.get(k) for k in ("phone", "role", "share", "voter")):
            self.flag("name", "name_missing", N_("the name is missing"))
        return name, phone, role

    def share(self) -> int | None:
        text = self.get("share").removesuffix("%").strip()
        if not text:
            return None
        whole = text.removesuffix(".00").removesuffix(".0")
        if not whole.isdigit() or not 0 < int(whole) <= 100:
            template = N_("the share {value} must be a whole percent from 1 to 100")
            self.flag("share", "share_value", template, value=self.get("share"))
            return None
        return int(whole)

    def voter(self) -> bool | None:
        text = self.get("voter").strip().lower()
        if not text:
            return None
        if text in YES or text in NO:
            return text in YES
        self.flag("voter", "choice", _CHOICE, value=self.get("voter"), choices="是、否")
        return None

    def plates(self) -> tuple[str, ...]:
        plates: list[str] = []
        for typed in _PLATE_SPLIT.split(self.get("plates")):
            if typed.strip():
                checked = check_plate(typed)
                self.add("plates", checked.problems)
                plates.append(checked.plate)
        return tuple(plates)

    def note(self) -> str:
        text = " ".join(self.get("note").split())
        self.add("note", length_problems(note=text))
        return text


_CHOICE = N_("{value} is not one of {choices}")


# --- rules across rows -------------------------------------------------------


def person_keys(rows: Sequence[RosterRow]) -> dict[int, PersonKey]:
    """Who each row is about, by line: the phone if any, else the name within the unit.

    A row without a phone names the same person as a row of the same unit and name
    that has one.
    """
    by_name = {(r.name, r.unit): ("phone", r.phone) for r in rows if r.has_person and r.phone}
    keys: dict[int, PersonKey] = {}
    for r in rows:
        if r.has_person:
            fallback = by_name.get((r.name, r.unit), ("name", r.name, r.unit))
            keys[r.line] = ("phone", r.phone) if r.phone else fallback
    return keys


def file_problems(
    rows: Sequence[RosterRow], keys: Mapping[int, PersonKey], columns: Mapping[str, str]
) -> list[Problem]:
    """Problems between rows: a unit described twice differently, repeated people and plates."""
    problems: list[Problem] = []
    units: dict[str, RosterRow] = {}
    seen: dict[tuple[str, str, PersonKey], RosterRow] = {}
    names: dict[str, RosterRow] = {}
    plates: dict[str, int] = {}

    def add(row: RosterRow, key: str, code: str, template: str, **args: object) -> None:
        column = columns.get(key, HEADERS[key])
        problems.append(flag(row.line, column, code, template, **args))

    for row in rows:
        first = units.setdefault(row.unit, row)
        if first.unit_facts() != row.unit_facts():
            template = N_("unit {number} is described differently on line {first}")
            add(row, "area", "unit_differs", template, number=row.unit, first=first.line)
        for plate in row.plates:
            if plates.setdefault(plate, row.line) != row.line:
                template = N_("the plate {plate} is already on line {first}")
                add(row, "plates", "plate_twice", template, plate=plate, first=plates[plate])
        if not row.has_person:
            continue
        other = names.setdefault(row.phone, row) if row.phone else row
        if other.name != row.name:
            template = N_("the phone {phone} belongs to {name} on line {first}")
            args = {"phone": row.phone, "name": other.name, "first": other.line}
            add(row, "phone", "phone_two_names", template, **args)
        earlier = [seen.setdefault((row.unit, g, keys[row.line]), row) for g in _groups(row.role)]
        twice = next((e for e in earlier if e is not row), None)
        if twice is not None:
            template = N_("{name} is already listed for unit {number} on line {first}")
            add(
                row, "name", "row_twice", template, name=row.name, number=row.unit, first=twice.line
            )
    return problems


def _groups(role: Role) -> tuple[str, ...]:
    return ("own",) * (role in OWNING) + ("live",) * (role in LIVING)


@dataclass(frozen=True, slots=True)
class OwnerShare:
    """The share and vote an owner row ends up with."""

    line: int
    share: int
    voter: bool


def settle_owners(
    rows: Sequence[RosterRow],
    *,
    columns: Mapping[str, str],
    others_share: int = 0,
    current_voter: int | None = None,
    voter_elsewhere: bool = False,
) -> tuple[list[OwnerShare], list[Problem]]:
    """Shares and the designated voter of one unit's owner rows, in file order.

    Args:
        rows: the owner rows of one unit.
        columns: headers as written in the file, by column key.
        others_share: the shares held by owners already recorded but not in the file.
        current_voter: the line of the owner who is the designated voter now, if listed.
        voter_elsewhere: the designated voter now is an owner not in the file.
    """
    share_col = columns.get("share", HEADERS["share"])
    voter_col = columns.get("voter", HEADERS["voter"])
    number = rows[0].unit
    problems: list[Problem] = []
    if all(r.share is None for r in rows):
        base, extra = divmod(100, len(rows))
        shares = [base + (i < extra) for i in range(len(rows))]
    else:
        shares = [r.share or 0 for r in rows]
        template = N_("give the share of every co-owner of {number}")
        problems += [
            flag(r.line, share_col, "share_missing", template, number=number)
            for r in rows
            if r.share is None
        ]
    total = sum(shares) + others_share
    if total > 100 and not problems:
        template = N_("the owners' shares of {number} add up to {total}%, over 100%")
        problems += [
            flag(r.line, share_col, "share_total", template, number=number, total=total)
            for r in rows
        ]
    marked = [r.line for r in rows if r.voter]
    if len(marked) > 1:
        template = N_("unit {number} may have only one designated voter")
        problems += [
            flag(line, voter_col, "voter_many", template, number=number) for line in marked
        ]
    if marked:
        voter: int | None = marked[0]
    elif voter_elsewhere:
        voter = None
    else:
        voter = current_voter or rows[0].line
    settled = [OwnerShare(r.line, s, r.line == voter) for r, s in zip(rows, shares, strict=True)]
    return settled, problems
