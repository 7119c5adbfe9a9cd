"""Who pays each unit's bills, fixed when the bill is issued.

The registry answers for the bill's day, for every unit of the community in one query
(`liable_on`): an ownership transferred later, or a tenant who moves in later, never
changes a bill already issued, and a bill issued after the transfer goes to the new owner.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from sunshine.billing.rules.charges import Liable
from sunshine.registry import service as registry


@dataclass(frozen=True, slots=True)
class Payer:
    party_id: int
    name: str


def payers_on(
    session: Session, community_id: int, on_date: date, who: Liable, unit_ids: set[int]
) -> dict[int, Payer]:
    """The payer of each of `unit_ids` on `on_date`: its designated owner, or its tenant.

    A unit with nobody liable on record is left out (the run counts it as skipped).
    """
    liable = registry.liable_on(session, community_id, on_date, who.value)
    return {
        unit_id: Payer(party.party_id, party.name)
        for unit_id, party in liable.items()
        if unit_id in unit_ids
    }
