"""The roll of an owners' vote: who counts as one person, carrying which area (LAW.md 1).

The SPC interpretation on compartmentalised ownership (2020), arts. 8 and 9:

- a unit's area is its registry area, else surveyed, else contract area; the roll keeps the
  source of each (the registry already stores it with the unit);
- one unit is one person; but the owner of several units is one person carrying the sum, and
  all the developer's unsold or sold-but-undelivered units together are one person;
- co-owners of a unit are one person and cast one ballot, the designated voter's;
- a buyer in lawful possession, not yet registered, is an owner and votes;
- parking spaces registered as exclusive parts count only when the setting says so.

"The same owner" is the same set of owners: units owned by exactly the same people are one
person, so a couple owning two flats together is one person, while a flat one of them owns
alone is another (different owners, each unit with its own designated voter). Units owned
only by the developer join the developer's person.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal

from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import Problem
from sunshine.registry.rules import AreaSource

DEVELOPER = "developer"
SPC_ARTS_8_9 = (
    "最高人民法院关于审理建筑物区分所有权纠纷案件适用法律若干问题的解释 (2020) 第八条、第九条"
)


@dataclass(frozen=True, slots=True)
class Holder:
    """One owner of a unit, as the registry has them."""

    party_id: int
    designated: bool = True  # the co-owners' designated voter
    registered: bool = True  # False: a buyer in lawful possession, not yet registered
    is_developer: bool = False


@dataclass(frozen=True, slots=True)
class RollUnit:
    """A unit as the roll sees it: its voting area, that area's source and its owners."""

    unit_id: int
    number: str
    building_id: int
    area: Decimal
    area_source: AreaSource
    holders: tuple[Holder, ...] = ()
    developer_held: bool = False  # unsold, or sold but not yet delivered
    is_parking: bool = False  # a parking space registered as an exclusive part


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose vote it is: everyone (both empty), or the owners of given buildings or units."""

    buildings: frozenset[int] = frozenset()
    units: frozenset[int] = frozenset()

    @property
    def everyone(self) -> bool:
        return not self.buildings and not self.units

    def covers(self, unit: RollUnit) -> bool:
        return self.everyone or unit.building_id in self.buildings or unit.unit_id in self.units


@dataclass(frozen=True, slots=True)
class RollSettings:
    """The roll's per-community setting (LAW.md 1), recorded with every tally."""

    count_parking: bool = False  # parking spaces registered as exclusive parts count


@dataclass(frozen=True, slots=True)
class Voter:
    """One person on the roll: the units they carry, their summed area, who casts their ballot."""

    key: str  # "developer", or "owners:" with the owners' party ids
    unit_ids: tuple[int, ...]
    area: Decimal
    casters: frozenset[int]  # party ids that may cast this person's ballot
    is_developer: bool = False
    in_possession: bool = False  # carries a unit whose buyer is not yet registered


@dataclass(frozen=True, slots=True)
class Excluded:
    unit_id: int
    number: str
    reason: str  # "parking": excluded by the setting


@dataclass(frozen=True, slots=True)
class Roll:
    """The frozen roll: every unit in scope, the persons they make, and what was left out."""

    voters: tuple[Voter, ...]
    units: tuple[RollUnit, ...]
    excluded: tuple[Excluded, ...]
    scope: Scope = field(default_factory=Scope)
    settings: RollSettings = field(default_factory=RollSettings)
    source: str = SPC_ARTS_8_9

    @property
    def area(self) -> Decimal:
        return sum((voter.area for voter in self.voters), Decimal(0))

    @property
    def heads(self) -> int:
        return len(self.voters)

    def voter(self, key: str) -> Voter | None:
        return next((voter for voter in self.voters if voter.key == key), None)

    def voters_cast_by(self, party_id: int) -> tuple[Voter, ...]:
        """The persons whose ballot `party_id` may cast (their own, as designated voter)."""
        return tuple(voter for voter in self.voters if party_id in voter.casters)


def _unit_problems(unit: RollUnit) -> list[Problem]:
    where = unit.number
    if unit.area <= 0:
        return [Problem("roll_area", "unit {unit} has no voting area", {"unit": where}, where)]
    if unit.developer_held:
        return []
    if not unit.holders:
        return [Problem("roll_no_owner", "unit {unit} has no owner", {"unit": where}, where)]
    designated = sum(holder.designated for holder in unit.holders)
    if designated != 1:
        return [
            Problem(
                "roll_designated_voter",
                "unit {unit} needs exactly one designated voter among its owners, not {count}",
                {"unit": where, "count": designated},
                where,
            )
        ]
    return []


def _key(unit: RollUnit) -> str:
    if unit.developer_held or all(holder.is_developer for holder in unit.holders):
        return DEVELOPER
    return "owners:" + "+".join(str(i) for i in sorted({h.party_id for h in unit.holders}))


def _casters(unit: RollUnit) -> set[int]:
    if unit.developer_held:
        return {holder.party_id for holder in unit.holders if holder.is_developer}
    return {holder.party_id for holder in unit.holders if holder.designated}


def _voter(key: str, units: list[RollUnit]) -> Voter:
    casters: set[int] = set()
    for unit in units:
        casters |= _casters(unit)
    return Voter(
        key=key,
        unit_ids=tuple(sorted(unit.unit_id for unit in units)),
        area=sum((unit.area for unit in units), Decimal(0)),
        casters=frozenset(casters),
        is_developer=key == DEVELOPER,
        in_possession=any(not h.registered for unit in units for h in unit.holders),
    )


def build_roll(
    units: Iterable[RollUnit], *, scope: Scope | None = None, settings: RollSettings | None = None
) -> Roll:
    """The roll of the units in `scope`: raises `Invalid` naming every unit it cannot count."""
    scope = scope or Scope()
    settings = settings or RollSettings()
    counted: list[RollUnit] = []
    excluded: list[Excluded] = []
    problems: list[Problem] = []
    for unit in sorted(units, key=lambda u: u.unit_id):
        if not scope.covers(unit):
            continue
        if unit.is_parking and not settings.count_parking:
            excluded.append(Excluded(unit.unit_id, unit.number, "parking"))
            continue
        problems += _unit_problems(unit)
        counted.append(unit)
    if problems:
        raise Invalid("the roll cannot be drawn up", problems=problems)
    if not counted:
        raise Invalid("no unit is in the vote's scope")
    persons: dict[str, list[RollUnit]] = defaultdict(list)
    for unit in counted:
        persons[_key(unit)].append(unit)
    voters = tuple(_voter(key, persons[key]) for key in sorted(persons))
    return Roll(voters, tuple(counted), tuple(excluded), scope, settings)
