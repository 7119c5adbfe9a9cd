"""The reference community's 物管会: the committee that co-controls the money.

SCENARIO.md: 荆川东园 has no owners' committee; a property-management committee (物管会)
stands in. Its four members are the owners of `plan.COMMITTEE_UNITS`, who log in as
`committee`, `committee2`, `committee3` and `committee4`. The article gives no day it was
formed; the demo takes 1 March 2024, before the May 2024 survey it ran. Adding the
committee and its members writes nothing to the log, so no notice's checkpoint moves.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from sunshine.demo.rules import plan
from sunshine.governance.rules.decisions import MemberRole
from sunshine.governance.service import committees as governance
from sunshine.identity import service as identity
from sunshine.registry import service as registry
from sunshine.registry.rules import CommitteeKind

if TYPE_CHECKING:
    from sunshine.governance.models import Committee

NAME = "荆川东园物业管理委员会"
FORMED_ON = date(2024, 3, 1)


def committee_usernames() -> tuple[str, ...]:
    """The members' logins, in `plan.COMMITTEE_UNITS` order (the first one chairs)."""
    count = len(plan.COMMITTEE_UNITS)
    return ("committee", *(f"committee{index}" for index in range(2, count + 1)))


def find_committee(session: Session, community_id: int) -> Committee | None:
    """The demo's 物管会, once `ensure_committee` has added it."""
    for committee in governance.list_committees(session, community_id):
        if committee.name == NAME:
            return committee
    return None


def ensure_committee(session: Session, community_id: int) -> Committee:
    """Add the 物管会 with its four members (their logins linked), or return it."""
    found = find_committee(session, community_id)
    if found is not None:
        return found
    committee = governance.add_committee(
        session,
        community_id,
        kind=CommitteeKind.PROPERTY_COMMITTEE,
        name=NAME,
        formed_on=FORMED_ON,
    )
    for index, (number, username) in enumerate(
        zip(plan.COMMITTEE_UNITS, committee_usernames(), strict=True)
    ):
        owner = plan.person(plan.serial_of(number))
        party = registry.find_party_by_phone(session, community_id, owner.phone)
        user = identity.find_user_by_username(session, username)
        if party is None:
            raise LookupError(f"the demo has no owner of {number}")
        governance.add_member(
            session,
            community_id,
            committee.id,
            party_id=party.id,
            role=MemberRole.CHAIR if index == 0 else MemberRole.MEMBER,
            term_from=FORMED_ON,
            user_id=None if user is None else user.id,
        )
    return committee
