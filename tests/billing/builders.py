"""Builders for billing tests: a community with its chart, units with owners, charge items."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.billing import service as billing
from sunshine.billing.models import Bill
from sunshine.billing.rules.charges import ChargeKind
from sunshine.billing.rules.charges import Liable
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import service as ledger
from sunshine.registry import service as registry
from sunshine.registry.models import Community
from tests.factories import make_community
from tests.factories import make_unit

SEPT = Period(2024, 9)


@dataclass(frozen=True)
class Place:
    community_id: int
    units: list[int]
    community: Community


def community_with_units(session: Session, areas: list[str], *, owners: bool = True) -> Place:
    community = make_community(session)
    ledger.open_chart(session, community.id, on=date(2024, 1, 1))
    units = []
    for n, area in enumerate(areas, start=1):
        unit = make_unit(session, community, number=f"1-1-{100 + n}", area=area)
        if owners:
            party = registry.add_party(session, community.id, name=f"业主{n}")
            registry.set_owner(session, community.id, unit_id=unit.id, party_id=party.id)
        units.append(unit.id)
    return Place(community.id, units, community)


def item(
    session: Session,
    place: Place,
    kind: ChargeKind,
    yuan: str,
    *,
    code: str = "fee",
    account: str = "6001",
    first_month: int = 1,
    since: date = date(2024, 1, 1),
) -> int:
    row = billing.add_item(
        session,
        place.community_id,
        code=code,
        name="物业服务费",
        kind=kind,
        account_code=account,
        liable=Liable.OWNER,
        first_month=first_month,
    )
    billing.set_rate(
        session, place.community_id, row.id, rate=Fen.parse(yuan), effective_from=since, actor="t"
    )
    return row.id


def bills_of(session: Session, place: Place, item_id: int) -> list[Bill]:
    query = select(Bill).where(Bill.community_id == place.community_id, Bill.item_id == item_id)
    session.expire_all()
    return list(session.scalars(query.order_by(Bill.id)))


def pay(session: Session, place: Place, unit: int, yuan: str, **kwargs: object):  # type: ignore[no-untyped-def]
    return billing.take_payment(
        session,
        community_id=place.community_id,
        unit_id=unit,
        amount=Fen.parse(yuan),
        method=str(kwargs.pop("method", "cash")),
        reference="",
        received_at=datetime(2024, 10, 8, 2, 0, tzinfo=UTC),
        actor="clerk",
        **kwargs,  # type: ignore[arg-type]
    )


def balance(session: Session, place: Place, code: str, on: date = date(2025, 12, 31)) -> Fen:
    return ledger.account_balance(session, place.community_id, account_code=code, on=on)
