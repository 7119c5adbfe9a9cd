"""The roll drawn from the registry: areas with their source, developer, co-owners, buyers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from sunshine.governance.rules.result import tally_vote
from sunshine.governance.rules.roll import DEVELOPER
from sunshine.governance.rules.roll import Scope
from sunshine.governance.rules.tally import Ballot
from sunshine.governance.rules.tally import Choice
from sunshine.governance.rules.tally import Count
from sunshine.governance.rules.tally import Matter
from sunshine.governance.rules.tally import Outcome
from sunshine.governance.rules.thresholds import Item
from sunshine.governance.service import roll as rolls
from sunshine.kernel.errors import Invalid
from sunshine.registry import service as registry
from sunshine.registry.rules import AreaSource
from sunshine.registry.rules import SaleState
from tests.factories import make_community


def _unit(session: Session, cid: int, number: str, area: str, **kw: object) -> int:
    code = number.split("-", maxsplit=1)[0]
    if registry.find_building(session, cid, code) is None:
        registry.add_building(session, cid, code=code, name=f"{code}幢", floors=18)
    draft = registry.UnitDraft(number=number, area=Decimal(area), **kw)  # type: ignore[arg-type]
    return registry.add_unit(session, cid, draft).id


def test_the_roll_follows_the_registry(session: Session) -> None:
    cid = make_community(session).id
    developer = registry.add_party(session, cid, name="常州某置业有限公司", is_developer=True).id
    wang, li, zhao, buyer = (registry.add_party(session, cid, name=n).id for n in "王李赵钱")
    flats = {
        n: _unit(session, cid, n, a, area_source=s)
        for n, a, s in [
            ("1-1-101", "89.50", AreaSource.REGISTRY),
            ("1-1-102", "120.25", AreaSource.SURVEY),
            ("1-1-201", "100", AreaSource.REGISTRY),
            ("2-1-101", "95", AreaSource.CONTRACT),
        ]
    }
    unsold = _unit(session, cid, "2-1-102", "110", sale_state=SaleState.DEVELOPER_HELD)
    undelivered = _unit(session, cid, "2-1-201", "80", sale_state=SaleState.SOLD_UNDELIVERED)
    registry.set_owner(session, cid, unit_id=unsold, party_id=developer)
    registry.set_owner(session, cid, unit_id=undelivered, party_id=buyer)
    registry.set_owner(session, cid, unit_id=flats["1-1-101"], party_id=wang)  # two flats
    registry.set_owner(session, cid, unit_id=flats["1-1-102"], party_id=wang)
    registry.set_owner(session, cid, unit_id=flats["1-1-201"], party_id=li, share_percent=50)
    registry.set_owner(session, cid, unit_id=flats["1-1-201"], party_id=zhao, share_percent=50,
                       designated_voter=False)  # fmt: skip
    registry.set_owner(session, cid, unit_id=flats["2-1-101"], party_id=buyer, registered=False)

    roll = rolls.draw_roll(session, cid)
    assert roll.heads == 4  # 王 (two flats), 李+赵, 钱 (in possession), the developer
    assert roll.area == Decimal("594.75")
    assert {v.key: v.area for v in roll.voters} == {
        DEVELOPER: Decimal(190),
        f"owners:{wang}": Decimal("209.75"),
        f"owners:{li}+{zhao}": Decimal(100),
        f"owners:{buyer}": Decimal(95),
    }
    assert roll.voters_cast_by(zhao) == ()
    assert [v.key for v in roll.voters_cast_by(buyer)] == [f"owners:{buyer}"]  # not the undelivered
    assert roll.voter(f"owners:{buyer}").in_possession  # type: ignore[union-attr]
    sources = {u.number: u.area_source for u in roll.units}
    assert sources["1-1-102"] is AreaSource.SURVEY
    assert sources["2-1-101"] is AreaSource.CONTRACT

    building_one = next(b.id for b in registry.list_buildings(session, cid) if b.code == "1")
    lift = rolls.draw_roll(session, cid, scope=Scope(buildings=frozenset({building_one})))
    assert (lift.heads, lift.area) == (2, Decimal("309.75"))
    result = tally_vote(
        lift,
        (Matter(1, Item.USE_MAINTENANCE_FUND),),
        [Ballot(f"owners:{wang}", {1: Choice.YES}), Ballot(f"owners:{li}+{zhao}", {1: Choice.NO})],
    )
    only = result.matters[0]
    assert only.raw.yes == Count(Decimal("209.75"), 1)
    assert only.outcome is Outcome.REJECTED  # area yes, headcount exactly half


def test_a_unit_without_an_owner_stops_the_roll(session: Session) -> None:
    cid = make_community(session).id
    _unit(session, cid, "1-1-101", "90")
    with pytest.raises(Invalid) as refused:
        rolls.draw_roll(session, cid)
    assert [p.code for p in refused.value.problems] == ["roll_no_owner"]
