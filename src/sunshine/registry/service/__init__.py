"""Use cases of the registry, one module per concern; the public API is re-exported here.

Functions take a session, never commit, and raise kernel errors with every problem found;
every query is scoped by community_id. Callers write
`from sunshine.registry import service as registry` and `registry.add_unit(...)`.

- community: create_community, draft_problems, find_community, get_community,
  community_ref (the lookup behind infra.tenancy), list_communities, summarise (the home
  page's counts)
- units: add_building, find_building, list_buildings, add_unit, unit_problems, find_unit,
  get_unit, list_units, update_unit (staff corrections)
- people: add_party, link_login (a person's login), get_party, find_party_by_phone,
  set_owner, owners_of, units_of_party, add_resident, owners_by_unit, residents_of,
  list_parties, household_of, parties_of_user (a login's people)
- vehicles: register_vehicle, register_vehicle_at, find_vehicle, list_vehicles,
  add_parking_spaces, list_parking_spaces
- search: search_units, search_parties, search_vehicles (a page of matches, Found),
  find_party (the person a picker names)
- transfers: transfer_ownership (过户 with an effective date), ownership_history,
  transfers_of, last_transfer_on
- liability: liable_on (who pays a unit's charge on a day, every unit in one query)
- changes: edit_party, move_in, move_out, past_residents_of, remove_vehicle
- roster: plan_import, apply_import, export_roster; roster_plan: the planner behind it
  (import them from there)
"""

from __future__ import annotations

from sunshine.registry.service.changes import PartyChange
from sunshine.registry.service.changes import edit_party
from sunshine.registry.service.changes import move_in
from sunshine.registry.service.changes import move_out
from sunshine.registry.service.changes import party_problems
from sunshine.registry.service.changes import past_residents_of
from sunshine.registry.service.changes import remove_vehicle
from sunshine.registry.service.community import CommunityDraft
from sunshine.registry.service.community import CommunitySummary
from sunshine.registry.service.community import community_ref
from sunshine.registry.service.community import community_refs
from sunshine.registry.service.community import create_community
from sunshine.registry.service.community import draft_problems
from sunshine.registry.service.community import find_community
from sunshine.registry.service.community import get_community
from sunshine.registry.service.community import list_communities
from sunshine.registry.service.community import ref_of
from sunshine.registry.service.community import summarise
from sunshine.registry.service.cosigning import MAX_THRESHOLD
from sunshine.registry.service.cosigning import cosign_threshold
from sunshine.registry.service.cosigning import set_cosign_threshold
from sunshine.registry.service.liability import LiableParty
from sunshine.registry.service.liability import liable_on
from sunshine.registry.service.people import HouseholdUnit
from sunshine.registry.service.people import PartyUnits
from sunshine.registry.service.people import add_party
from sunshine.registry.service.people import add_resident
from sunshine.registry.service.people import find_party_by_phone
from sunshine.registry.service.people import get_party
from sunshine.registry.service.people import household_of
from sunshine.registry.service.people import link_login
from sunshine.registry.service.people import list_parties
from sunshine.registry.service.people import owners_by_unit
from sunshine.registry.service.people import owners_of
from sunshine.registry.service.people import parties_of_user
from sunshine.registry.service.people import residents_of
from sunshine.registry.service.people import set_owner
from sunshine.registry.service.people import units_of_parties
from sunshine.registry.service.people import units_of_party
from sunshine.registry.service.search import PAGE_SIZE
from sunshine.registry.service.search import Found
from sunshine.registry.service.search import find_party
from sunshine.registry.service.search import search_parties
from sunshine.registry.service.search import search_units
from sunshine.registry.service.search import search_vehicles
from sunshine.registry.service.transfers import HistoryLine
from sunshine.registry.service.transfers import NewOwner
from sunshine.registry.service.transfers import TransferDraft
from sunshine.registry.service.transfers import last_transfer_on
from sunshine.registry.service.transfers import ownership_history
from sunshine.registry.service.transfers import transfer_ownership
from sunshine.registry.service.transfers import transfers_of
from sunshine.registry.service.units import UnitChange
from sunshine.registry.service.units import UnitDraft
from sunshine.registry.service.units import add_building
from sunshine.registry.service.units import add_unit
from sunshine.registry.service.units import find_building
from sunshine.registry.service.units import find_unit
from sunshine.registry.service.units import get_unit
from sunshine.registry.service.units import list_buildings
from sunshine.registry.service.units import list_units
from sunshine.registry.service.units import unit_problems
from sunshine.registry.service.units import update_unit
from sunshine.registry.service.vehicles import add_parking_spaces
from sunshine.registry.service.vehicles import find_vehicle
from sunshine.registry.service.vehicles import list_parking_spaces
from sunshine.registry.service.vehicles import list_vehicles
from sunshine.registry.service.vehicles import register_vehicle
from sunshine.registry.service.vehicles import register_vehicle_at

__all__ = [
    "MAX_THRESHOLD",
    "PAGE_SIZE",
    "CommunityDraft",
    "CommunitySummary",
    "Found",
    "HistoryLine",
    "HouseholdUnit",
    "LiableParty",
    "NewOwner",
    "PartyChange",
    "PartyUnits",
    "TransferDraft",
    "UnitChange",
    "UnitDraft",
    "add_building",
    "add_parking_spaces",
    "add_party",
    "add_resident",
    "add_unit",
    "community_ref",
    "community_refs",
    "cosign_threshold",
    "create_community",
    "draft_problems",
    "edit_party",
    "find_building",
    "find_community",
    "find_party",
    "find_party_by_phone",
    "find_unit",
    "find_vehicle",
    "get_community",
    "get_party",
    "get_unit",
    "household_of",
    "last_transfer_on",
    "liable_on",
    "link_login",
    "list_buildings",
    "list_communities",
    "list_parking_spaces",
    "list_parties",
    "list_units",
    "list_vehicles",
    "move_in",
    "move_out",
    "owners_by_unit",
    "owners_of",
    "ownership_history",
    "parties_of_user",
    "party_problems",
    "past_residents_of",
    "ref_of",
    "register_vehicle",
    "register_vehicle_at",
    "remove_vehicle",
    "residents_of",
    "search_parties",
    "search_units",
    "search_vehicles",
    "set_cosign_threshold",
    "set_owner",
    "summarise",
    "transfer_ownership",
    "transfers_of",
    "unit_problems",
    "units_of_parties",
    "units_of_party",
    "update_unit",
]
