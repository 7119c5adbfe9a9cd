"""JSON shapes of the registry; the public names are re-exported here.

- community: communities, buildings, units, people, vehicles, roster uploads and reports
- founding: CommunityCreate, community_draft (a new community's facts, as sent or typed)
"""

from __future__ import annotations

from sunshine.registry.schemas.community import AREA_EXAMPLE
from sunshine.registry.schemas.community import XLSX
from sunshine.registry.schemas.community import BuildingCreate
from sunshine.registry.schemas.community import BuildingRead
from sunshine.registry.schemas.community import CommunityRead
from sunshine.registry.schemas.community import CommunitySummaryRead
from sunshine.registry.schemas.community import OwnerCreate
from sunshine.registry.schemas.community import OwnershipRead
from sunshine.registry.schemas.community import PartyCreate
from sunshine.registry.schemas.community import PartyRead
from sunshine.registry.schemas.community import RosterChangeRead
from sunshine.registry.schemas.community import RosterCountRead
from sunshine.registry.schemas.community import RosterFormat
from sunshine.registry.schemas.community import RosterImportRead
from sunshine.registry.schemas.community import RosterProblemRead
from sunshine.registry.schemas.community import UnitCreate
from sunshine.registry.schemas.community import UnitRead
from sunshine.registry.schemas.community import UnitUpdate
from sunshine.registry.schemas.community import VehicleCreate
from sunshine.registry.schemas.community import VehicleRead
from sunshine.registry.schemas.community import area_text
from sunshine.registry.schemas.community import pack_upload
from sunshine.registry.schemas.community import roster_data
from sunshine.registry.schemas.community import roster_download
from sunshine.registry.schemas.community import roster_max_bytes
from sunshine.registry.schemas.community import unit_change
from sunshine.registry.schemas.community import unit_draft
from sunshine.registry.schemas.community import unpack_upload
from sunshine.registry.schemas.founding import CommunityCreate
from sunshine.registry.schemas.founding import community_draft

__all__ = [
    "AREA_EXAMPLE",
    "XLSX",
    "BuildingCreate",
    "BuildingRead",
    "CommunityCreate",
    "CommunityRead",
    "CommunitySummaryRead",
    "OwnerCreate",
    "OwnershipRead",
    "PartyCreate",
    "PartyRead",
    "RosterChangeRead",
    "RosterCountRead",
    "RosterFormat",
    "RosterImportRead",
    "RosterProblemRead",
    "UnitCreate",
    "UnitRead",
    "UnitUpdate",
    "VehicleCreate",
    "VehicleRead",
    "area_text",
    "community_draft",
    "pack_upload",
    "roster_data",
    "roster_download",
    "roster_max_bytes",
    "unit_change",
    "unit_draft",
    "unpack_upload",
]
