"""Who pays each unit's bills, fixed when the bill is issued.

REPLACE: when `registry.service.liability.liable_on(session, community_id, on_date, who)`
lands (owners13, with ownership history and move-in/out dates), `payers_on` becomes one
call to it. Until then it asks the registry for the current owners, as plain rows
(`registry.service.district.first_owners`: a run for 100,000 units cannot load them as
mapped objects in time), and, for items residents pay, the current residents; neither
knows dates yet: `on_date` is accepted and not used.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from sunshine.billing.rules.charges import Liable
from sunshine.registry import service as registry
from sunshine.registry.service import district


@dataclass(frozen=True, slots=True)
class Payer:
    party_id: int
    name: str


def payers_on(
    session: Session, community_id: int, on_date: date, who: Liable, unit_ids: set[int]
) -> dict[int, Payer]:
    """The payer of each of `unit_ids` on `on_date`: its largest owner, or resident.

    A unit with nobody liable on record is left out (the run counts it as skipped).
    """
    owners = {
        unit_id: Payer(party_id, name)
        for unit_id, (party_id, name) in district.first_owners(session, community_id).items()
        if unit_id in unit_ids
    }
    if who is Liable.OWNER:
        return owners
    payers = {}
    for unit_id in unit_ids:  # per unit: a stand-in until liable_on answers for all at once
        residents = registry.residents_of(session, community_id, unit_id)
        if residents:
            payers[unit_id] = Payer(residents[0][1].id, residents[0][1].name)
        elif unit_id in owners:
            payers[unit_id] = owners[unit_id]  # nobody lives there: the owner pays
    return payers
