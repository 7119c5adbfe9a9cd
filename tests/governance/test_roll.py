"""The roll: one person per unit, except multi-unit owners, the developer and co-owners (LAW.md 1)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sunshine.governance.rules.roll import DEVELOPER
from sunshine.governance.rules.roll import Holder
from sunshine.governance.rules.roll import RollSettings
from sunshine.governance.rules.roll import RollUnit
from sunshine.governance.rules.roll import Scope
from sunshine.governance.rules.roll import build_roll
from sunshine.kernel.errors import Invalid
from sunshine.registry.rules import AreaSource
from tests.governance.support import key
from tests.governance.support import unit


def test_one_unit_is_one_person() -> None:
    roll = build_roll([unit(1, "89.50"), unit(2, "120.25")])
    assert roll.heads == 2
    assert roll.area == Decimal("209.75")
    assert [v.key for v in roll.voters] == [key(1), key(2)]


def test_an_owner_of_several_units_is_one_person_carrying_the_sum() -> None:
    roll = build_roll([unit(1, "89.50", 7), unit(2, "120.25", 7), unit(3, "60", 8)])
    assert roll.heads == 2
    seven = roll.voter(key(7))
    assert seven is not None
    assert seven.unit_ids == (1, 2)
    assert seven.area == Decimal("209.75")
    assert roll.area == Decimal("269.75")


def test_the_developers_unsold_and_undelivered_units_are_one_person() -> None:
    developer = Holder(90, is_developer=True)
    buyer = Holder(55)  # sold but not delivered: the developer still counts for it
    units = [
        unit(1, "100", developer_held=True),
        RollUnit(
            2, "1-1-002", 1, Decimal(80), AreaSource.SURVEY, (developer,), developer_held=True
        ),
        RollUnit(3, "1-1-003", 1, Decimal(70), AreaSource.CONTRACT, (buyer,), developer_held=True),
        RollUnit(4, "1-1-004", 1, Decimal(60), AreaSource.REGISTRY, (developer,)),  # kept
        unit(5, "90"),
    ]
    roll = build_roll(units)
    assert roll.heads == 2
    dev = roll.voter(DEVELOPER)
    assert dev is not None
    assert dev.is_developer
    assert dev.unit_ids == (1, 2, 3, 4)
    assert dev.area == Decimal(310)
    assert dev.casters == frozenset({90})  # the buyer does not vote an undelivered unit
    assert roll.voters_cast_by(55) == ()


def test_co_owners_are_one_person_voting_through_the_designated_voter() -> None:
    roll = build_roll([unit(1, "100", 3, 4), unit(2, "100", 5)])
    assert roll.heads == 2
    couple = roll.voter(key(3, 4))
    assert couple is not None
    assert couple.casters == frozenset({3})
    assert roll.voters_cast_by(4) == ()
    assert roll.voters_cast_by(3) == (couple,)


def test_the_same_owners_of_two_units_are_one_person_and_one_of_them_alone_is_another() -> None:
    roll = build_roll([unit(1, "100", 3, 4), unit(2, "50", 4, 3), unit(3, "70", 3)])
    assert [(v.key, v.area) for v in roll.voters] == [
        (key(3), Decimal(70)),
        (key(3, 4), Decimal(150)),
    ]
    couple = roll.voter(key(3, 4))
    assert couple is not None
    assert couple.casters == frozenset({3, 4})  # each unit's own designated voter


@pytest.mark.parametrize("designated", [(False, False), (True, True)])
def test_co_owners_need_exactly_one_designated_voter(designated: tuple[bool, bool]) -> None:
    holders = tuple(Holder(p, designated=d) for p, d in zip((3, 4), designated, strict=True))
    shared = RollUnit(1, "1-1-001", 1, Decimal(100), AreaSource.REGISTRY, holders)
    with pytest.raises(Invalid) as refused:
        build_roll([shared, unit(2)])
    assert [p.code for p in refused.value.problems] == ["roll_designated_voter"]
    assert refused.value.problems[0].where == "1-1-001"


def test_a_buyer_in_possession_not_yet_registered_votes() -> None:
    holders = (Holder(6, registered=False),)
    bought = RollUnit(1, "1-1-001", 1, Decimal(100), AreaSource.CONTRACT, holders)
    roll = build_roll([bought, unit(2)])
    buyer = roll.voter(key(6))
    assert buyer is not None
    assert buyer.in_possession
    assert roll.heads == 2


def test_parking_spaces_count_only_when_the_setting_says_so() -> None:
    units = [unit(1, "100"), unit(2, "12.5", 1, parking=True), unit(3, "12.5", 9, parking=True)]
    roll = build_roll(units)
    assert roll.settings.count_parking is False
    assert (roll.heads, roll.area) == (1, Decimal(100))
    assert [(e.unit_id, e.reason) for e in roll.excluded] == [(2, "parking"), (3, "parking")]
    counted = build_roll(units, settings=RollSettings(count_parking=True))
    assert (counted.heads, counted.area) == (2, Decimal(125))  # owner 1 carries their space
    assert counted.excluded == ()


def test_the_roll_keeps_each_units_area_source() -> None:
    units = [unit(1, source=AreaSource.REGISTRY), unit(2, source=AreaSource.CONTRACT)]
    roll = build_roll(units)
    assert [(u.unit_id, u.area_source) for u in roll.units] == [
        (1, AreaSource.REGISTRY),
        (2, AreaSource.CONTRACT),
    ]
    assert "第九条" in roll.source


def test_a_scoped_roll_holds_only_the_owners_in_scope() -> None:
    units = [unit(1, building=1), unit(2, building=1), unit(3, building=2), unit(4, building=3)]
    one = build_roll(units, scope=Scope(buildings=frozenset({1})))
    assert [u.unit_id for u in one.units] == [1, 2]
    assert one.heads == 2
    mixed = build_roll(units, scope=Scope(buildings=frozenset({2}), units=frozenset({1})))
    assert [u.unit_id for u in mixed.units] == [1, 3]
    assert build_roll(units).heads == 4


def test_a_multi_unit_owner_carries_only_the_area_in_scope() -> None:
    units = [unit(1, "100", 7, building=1), unit(2, "80", 7, building=2), unit(3, "90", 8)]
    roll = build_roll(units, scope=Scope(buildings=frozenset({1})))
    assert [(v.key, v.area) for v in roll.voters] == [(key(7), Decimal(100)), (key(8), Decimal(90))]


def test_a_unit_without_owner_or_area_cannot_be_on_the_roll() -> None:
    orphan = RollUnit(1, "1-1-001", 1, Decimal(100), AreaSource.REGISTRY, ())
    empty = RollUnit(2, "1-1-002", 1, Decimal(0), AreaSource.REGISTRY, (Holder(2),))
    with pytest.raises(Invalid) as refused:
        build_roll([orphan, empty, unit(3)])
    assert [p.code for p in refused.value.problems] == ["roll_no_owner", "roll_area"]
    with pytest.raises(Invalid, match="no unit"):
        build_roll([unit(1, building=1)], scope=Scope(buildings=frozenset({2})))
