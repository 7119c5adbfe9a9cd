"""The roll of an owners' vote drawn from the registry as it stands (rules.roll counts it).

Each unit brings its voting area and that area's source, its sale state (the developer's
unsold and undelivered units) and its owners: who is the co-owners' designated voter, who
is a buyer in possession not yet registered, who is the developer. The registry has no
parking spaces registered as exclusive parts yet (its spaces are on common land), so no
unit is one; the setting is still recorded with the roll.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from sunshine.governance.rules.roll import Holder
from sunshine.governance.rules.roll import Roll
from sunshine.governance.rules.roll import RollSettings
from sunshine.governance.rules.roll import RollUnit
from sunshine.governance.rules.roll import Scope
from sunshine.governance.rules.roll import build_roll
from sunshine.registry import service as registry
from sunshine.registry.rules import SaleState


def registry_units(session: Session, community_id: int) -> list[RollUnit]:
    """Every unit of the community as the roll sees it, with its owners."""
    owners = registry.owners_by_unit(session, community_id)
    return [
        RollUnit(
            unit_id=unit.id,
            number=unit.number,
            building_id=unit.building_id,
            area=unit.area,
            area_source=unit.area_source,
            holders=tuple(
                Holder(
                    ownership.party_id,
                    designated=ownership.is_designated_voter,
                    registered=ownership.registered,
                    is_developer=party.is_developer,
                )
                for ownership, party in owners.get(unit.id, [])
            ),
            developer_held=unit.sale_state is not SaleState.DELIVERED,
        )
        for unit in registry.list_units(session, community_id)
    ]


def draw_roll(
    session: Session,
    community_id: int,
    *,
    scope: Scope | None = None,
    settings: RollSettings | None = None,
) -> Roll:
    """The roll of the owners in `scope` today; `Invalid` names every unit it cannot count."""
    return build_roll(registry_units(session, community_id), scope=scope, settings=settings)
