"""Art. 278's thresholds at their boundaries, exactly: 以上 includes, 过半数 excludes."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from sunshine.governance.rules.thresholds import QUORUM
from sunshine.governance.rules.thresholds import SIMPLE_MAJORITY
from sunshine.governance.rules.thresholds import SPECIAL_MAJORITY
from sunshine.governance.rules.thresholds import Item
from sunshine.governance.rules.thresholds import thresholds_for


@pytest.mark.parametrize("item", [6, 7, 8])
def test_items_6_to_8_need_three_quarters(item: int) -> None:
    rules = thresholds_for(item)
    assert rules.approval is SPECIAL_MAJORITY
    assert rules.quorum is QUORUM
    assert "第六项至第八项" in rules.approval.source


@pytest.mark.parametrize("item", [1, 2, 3, 4, 5, 9])
def test_the_other_items_need_more_than_half(item: int) -> None:
    rules = thresholds_for(item)
    assert rules.item == Item(item)
    assert rules.approval is SIMPLE_MAJORITY
    assert "过半数" in rules.approval.source


@pytest.mark.parametrize("item", [0, 10, -1])
def test_there_are_nine_items(item: int) -> None:
    with pytest.raises(ValueError, match="is not a valid Item"):
        thresholds_for(item)


def test_every_threshold_names_article_278() -> None:
    for threshold in (QUORUM, SPECIAL_MAJORITY, SIMPLE_MAJORITY):
        assert "第二百七十八条" in threshold.source
        assert threshold.rule.startswith("art278.")


def test_exactly_two_thirds_reaches_the_quorum() -> None:
    assert QUORUM.met(2, 3)
    assert QUORUM.met(Decimal("200.02"), Decimal("300.03"))  # exactly 2/3 of an odd area
    assert not QUORUM.met(Decimal("200.01"), Decimal("300.03"))
    assert not QUORUM.met(Decimal("66.66"), Decimal(100))  # a rounded 66.66% is short
    assert QUORUM.met(Decimal("66.67"), Decimal(100))


def test_exactly_three_quarters_is_a_special_majority() -> None:
    assert SPECIAL_MAJORITY.met(3, 4)
    assert SPECIAL_MAJORITY.met(Decimal("75.75"), Decimal("101.00"))
    assert not SPECIAL_MAJORITY.met(Decimal("75.74"), Decimal("101.00"))
    assert not SPECIAL_MAJORITY.met(74, 99)  # 74.7%


def test_exactly_half_is_not_more_than_half() -> None:
    assert not SIMPLE_MAJORITY.met(2, 4)
    assert not SIMPLE_MAJORITY.met(Decimal("50.005"), Decimal("100.01"))
    assert SIMPLE_MAJORITY.met(Decimal("50.01"), Decimal("100.01"))
    assert SIMPLE_MAJORITY.met(3, 5)


def test_the_comparison_is_exact_where_floats_are_not() -> None:
    # 0.1 + 0.2 of 0.45 is exactly 2/3; in floats it is 0.6666666666666667 of 0.45 by luck only.
    part = Decimal("0.1") + Decimal("0.2")
    assert QUORUM.met(part, Decimal("0.45"))
    assert not QUORUM.met(part - Decimal("0.0000000000000001"), Decimal("0.45"))
    assert QUORUM.met(Fraction(2, 3), 1)
