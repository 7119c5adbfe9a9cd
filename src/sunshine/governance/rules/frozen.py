"""A vote's frozen roll as stored: every unit in scope with its area, source and person.

Opening a vote stores the roll `draw_roll` gave at that moment; the count reads it back,
so a transfer of ownership after opening changes nothing (LAW.md 1: the roll is frozen).
Areas are kept as decimal text, never floats.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sunshine.governance.rules.roll import Excluded
from sunshine.governance.rules.roll import Roll
from sunshine.governance.rules.roll import RollSettings
from sunshine.governance.rules.roll import RollUnit
from sunshine.governance.rules.roll import Scope
from sunshine.governance.rules.roll import Voter
from sunshine.registry.rules import AreaSource


def _person_of(roll: Roll) -> dict[int, str]:
    return {unit_id: voter.key for voter in roll.voters for unit_id in voter.unit_ids}


def roll_to_json(roll: Roll) -> dict[str, Any]:
    """The roll as JSON values: units with area, source and person; persons with casters."""
    person = _person_of(roll)
    return {
        "units": [
            {"unit": u.unit_id, "number": u.number, "building": u.building_id,
             "area": str(u.area), "area_source": u.area_source.value, "voter": person[u.unit_id]}
            for u in roll.units
        ],
        "voters": [
            {"key": v.key, "units": list(v.unit_ids), "area": str(v.area),
             "casters": sorted(v.casters), "developer": v.is_developer,
             "in_possession": v.in_possession}
            for v in roll.voters
        ],
        "excluded": [{"unit": e.unit_id, "number": e.number, "reason": e.reason}
                     for e in roll.excluded],
        "scope": {"buildings": sorted(roll.scope.buildings), "units": sorted(roll.scope.units)},
        "settings": {"count_parking": roll.settings.count_parking},
        "source": roll.source,
    }  # fmt: skip


def roll_from_json(data: Mapping[str, Any]) -> Roll:
    """The roll stored by `roll_to_json`, as the tally counts it."""
    units = tuple(
        RollUnit(u["unit"], u["number"], u["building"], Decimal(u["area"]),
                 AreaSource(u["area_source"]))
        for u in data["units"]
    )  # fmt: skip
    voters = tuple(
        Voter(v["key"], tuple(v["units"]), Decimal(v["area"]), frozenset(v["casters"]),
              is_developer=v["developer"], in_possession=v["in_possession"])
        for v in data["voters"]
    )  # fmt: skip
    excluded = tuple(Excluded(e["unit"], e["number"], e["reason"]) for e in data["excluded"])
    scope = Scope(frozenset(data["scope"]["buildings"]), frozenset(data["scope"]["units"]))
    settings = RollSettings(count_parking=bool(data["settings"]["count_parking"]))
    return Roll(voters, units, excluded, scope, settings, str(data["source"]))
