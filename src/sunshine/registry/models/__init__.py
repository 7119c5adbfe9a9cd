"""Tables of the registry; the classes are re-exported here.

- community: communities, buildings, units, parties, ownerships, residencies, vehicles,
  parking spaces
- history: ownership transfers, past ownerships, past residencies
"""

from __future__ import annotations

from sunshine.registry.models.community import Building
from sunshine.registry.models.community import Community
from sunshine.registry.models.community import Ownership
from sunshine.registry.models.community import ParkingSpace
from sunshine.registry.models.community import Party
from sunshine.registry.models.community import Residency
from sunshine.registry.models.community import Unit
from sunshine.registry.models.community import Vehicle
from sunshine.registry.models.history import PastOwnership
from sunshine.registry.models.history import PastResidency
from sunshine.registry.models.history import Transfer

__all__ = [
    "Building",
    "Community",
    "Ownership",
    "ParkingSpace",
    "Party",
    "PastOwnership",
    "PastResidency",
    "Residency",
    "Transfer",
    "Unit",
    "Vehicle",
]
