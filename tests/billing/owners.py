"""A community for the owners' view: three units, their owners with logins, a tenant.

Unit 1 is owned by 业主1 and a co-owner 业主1乙 (both with logins), unit 2 by 业主2, unit 3 by
业主3 and let to 租户3; 业主1 alone owns 1-1-104 besides (not the co-owner's to see). The property fee (the owner pays) is billed for September and
October 2024; the garbage fee (the resident pays) for the year 2024, so unit 3's is the
tenant's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from sunshine.billing import service as billing
from sunshine.billing.rules.charges import ChargeKind
from sunshine.billing.rules.charges import Liable
from sunshine.identity.models import User
from sunshine.identity.rules import Role
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.registry import service as registry
from sunshine.registry.rules import ResidentKind
from tests.billing.builders import SEPT
from tests.billing.builders import Place
from tests.billing.builders import community_with_units
from tests.billing.builders import item
from tests.factories import make_unit
from tests.factories import make_user

OCT = Period(2024, 10)
YEAR = Period(2024, 1)


@dataclass(frozen=True)
class Owners:
    place: Place
    owner: User  # 业主1, unit 1
    co_owner: User  # 业主1乙, unit 1 too
    neighbour: User  # 业主2, unit 2
    landlord: User  # 业主3, unit 3
    tenant: User  # 租户3, lives in unit 3
    fee: int
    garbage: int


def _login(session: Session, place: Place, party_id: int, role: Role) -> User:
    user = make_user(session, community=place.community, role=role)
    registry.link_login(session, place.community_id, party_id=party_id, user_id=user.id)
    return user


def owners_and_bills(session: Session) -> Owners:
    place = community_with_units(session, ["100.00", "50.00", "80.00"])
    cid = place.community_id
    parties = {unit: registry.owners_of(session, cid, unit)[0].party_id for unit in place.units}
    co = registry.add_party(session, cid, name="业主1乙")
    registry.set_owner(
        session, cid, unit_id=place.units[0], party_id=parties[place.units[0]], share_percent=50
    )
    registry.set_owner(
        session, cid, unit_id=place.units[0], party_id=co.id, share_percent=50,
        designated_voter=False,
    )  # fmt: skip
    own = make_unit(session, place.community, number="1-1-104", area="60.00")
    registry.set_owner(session, cid, unit_id=own.id, party_id=parties[place.units[0]])
    tenant = registry.add_party(session, cid, name="租户3")
    registry.add_resident(
        session, cid, unit_id=place.units[2], party_id=tenant.id, kind=ResidentKind.TENANT,
        since_on=date(2024, 1, 1),
    )  # fmt: skip
    fee = item(session, place, ChargeKind.PER_AREA_MONTH, "1.00")
    garbage = billing.add_item(
        session, cid, code="garbage", name="垃圾清运费", kind=ChargeKind.PER_HOUSEHOLD_YEAR,
        account_code="6001", liable=Liable.RESIDENT, first_month=1,
    )  # fmt: skip
    billing.set_rate(
        session, cid, garbage.id, rate=Fen(10000), effective_from=date(2024, 1, 1), actor="t"
    )
    for period in (SEPT, OCT):
        billing.post_run(session, cid, fee, period, actor="m")
    billing.post_run(session, cid, garbage.id, YEAR, actor="m")
    return Owners(
        place,
        owner=_login(session, place, parties[place.units[0]], Role.OWNER),
        co_owner=_login(session, place, co.id, Role.OWNER),
        neighbour=_login(session, place, parties[place.units[1]], Role.OWNER),
        landlord=_login(session, place, parties[place.units[2]], Role.OWNER),
        tenant=_login(session, place, tenant.id, Role.RESIDENT),
        fee=fee,
        garbage=garbage.id,
    )
