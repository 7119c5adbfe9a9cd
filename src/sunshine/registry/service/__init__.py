"""Use cases of the registry, one module per concern; the core API is re-exported here.

Callers write `from sunshine.registry import service as registry`.

- community: communities, buildings, units, people, ownership, residents, vehicles, spaces
- roster: plan_import, apply_import, export_roster (import it from there)
- roster_plan: the planner behind `roster` (compares rows with what the community holds)
"""

from __future__ import annotations

from sunshine.registry.service.community import CommunityDraft
from sunshine.registry.service.community import CommunitySummary
from sunshine.registry.service.community import HouseholdUnit
from sunshine.registry.service.community import PartyUnits
from sunshine.registry.service.community import UnitChange
from sunshine.registry.service.community import UnitDraft
from sunshine.registry.service.community import add_building
from sunshine.registry.service.community import add_parking_spaces
from sunshine.registry.service.community import add_party
from sunshine.registry.service.community import add_resident
from sunshine.registry.service.community import add_unit
from sunshine.registry.service.community import community_ref
from sunshine.registry.service.community import create_community
from sunshine.registry.service.community import find_building
from sunshine.registry.service.community import find_community
from sunshine.registry.service.community import find_party_by_phone
from sunshine.registry.service.community import find_unit
from sunshine.registry.service.community import find_vehicle
from sunshine.registry.service.community import get_community
from sunshine.registry.service.community import get_party
from sunshine.registry.service.community import get_unit
from sunshine.registry.service.community import household_of
from sunshine.registry.service.community import list_buildings
from sunshine.registry.service.community import list_communities
from sunshine.registry.service.community import list_parking_spaces
from sunshine.registry.service.community import list_parties
from sunshine.registry.service.community import list_units
from sunshine.registry.service.community import list_vehicles
from sunshine.registry.service.community import owners_by_unit
from sunshine.registry.service.community import owners_of
from sunshine.registry.service.community import register_vehicle
from sunshine.registry.service.community import register_vehicle_at
from sunshine.registry.service.community import residents_of
from sunshine.registry.service.community import set_owner
from sunshine.registry.service.community import summarise
from sunshine.registry.service.community import unit_problems
from sunshine.registry.service.community import units_of_party
from sunshine.registry.service.community import update_unit

__all__ = [
    "CommunityDraft",
    "CommunitySummary",
    "HouseholdUnit",
    "PartyUnits",
    "UnitChange",
    "UnitDraft",
    "add_building",
    "add_parking_spaces",
    "add_party",
    "add_resident",
    "add_unit",
    "community_ref",
    "create_community",
    "find_building",
    "find_community",
    "find_party_by_phone",
    "find_unit",
    "find_vehicle",
    "get_community",
    "get_party",
    "get_unit",
    "household_of",
    "list_buildings",
    "list_communities",
    "list_parking_spaces",
    "list_parties",
    "list_units",
    "list_vehicles",
    "owners_by_unit",
    "owners_of",
    "register_vehicle",
    "register_vehicle_at",
    "residents_of",
    "set_owner",
    "summarise",
    "unit_problems",
    "units_of_party",
    "update_unit",
]
