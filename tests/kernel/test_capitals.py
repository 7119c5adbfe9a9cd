"""Amounts in Chinese capitals, as receipts and reminder letters print them."""

from __future__ import annotations

import pytest

from sunshine.kernel.capitals import capital_amount
from sunshine.kernel.money import Fen


@pytest.mark.parametrize(
    ("yuan", "capitals"),
    [
        ("23.58", "贰拾叁元伍角捌分"),
        ("195.00", "壹佰玖拾伍元整"),
        ("5300.00", "伍仟叁佰元整"),
        ("9618.58", "玖仟陆佰壹拾捌元伍角捌分"),
        ("50000.00", "伍万元整"),
        ("100.05", "壹佰元零伍分"),
        ("1010.10", "壹仟零壹拾元壹角整"),
        ("100000001.00", "壹亿零壹元整"),
    ],
)
def test_amounts_in_chinese_capitals(yuan: str, capitals: str) -> None:
    assert capital_amount(Fen.parse(yuan)) == capitals


def test_a_negative_amount_says_so() -> None:
    assert capital_amount(Fen(-5)) == "负零元零伍分"
