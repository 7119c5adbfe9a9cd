"""Pure rules of the registry, one module per concern; `community`'s names are re-exported here.

- community: the kinds (use, area source, sale state, …), areas, unit numbers, phones
- roster_format: the roster's columns, header aliases, cell words, export rows
- roster_rows: reading one roster row, and the rules between rows
- roster_files: roster files as bytes (XLSX or CSV in, rows out, and back); no I/O
"""

from __future__ import annotations

from sunshine.registry.rules.community import AREA_SOURCE_ORDER
from sunshine.registry.rules.community import MAX_LENGTH
from sunshine.registry.rules.community import AreaSource
from sunshine.registry.rules.community import CommitteeKind
from sunshine.registry.rules.community import PartyKind
from sunshine.registry.rules.community import ResidentKind
from sunshine.registry.rules.community import SaleState
from sunshine.registry.rules.community import SpaceKind
from sunshine.registry.rules.community import TransferReason
from sunshine.registry.rules.community import UnitUse
from sunshine.registry.rules.community import area_problems
from sunshine.registry.rules.community import clean_id_number
from sunshine.registry.rules.community import counted_area
from sunshine.registry.rules.community import floor_of
from sunshine.registry.rules.community import id_number_problems
from sunshine.registry.rules.community import length_problems
from sunshine.registry.rules.community import normalise_phone
from sunshine.registry.rules.community import parse_area
from sunshine.registry.rules.community import phone_problems
from sunshine.registry.rules.community import unit_number_problems

__all__ = [
    "AREA_SOURCE_ORDER",
    "MAX_LENGTH",
    "AreaSource",
    "CommitteeKind",
    "PartyKind",
    "ResidentKind",
    "SaleState",
    "SpaceKind",
    "TransferReason",
    "UnitUse",
    "area_problems",
    "clean_id_number",
    "counted_area",
    "floor_of",
    "id_number_problems",
    "length_problems",
    "normalise_phone",
    "parse_area",
    "phone_problems",
    "unit_number_problems",
]
