"""Fen: exact yuan strings in and out, sums to the fen, splits that never lose a fen."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sunshine.kernel.money import ZERO
from sunshine.kernel.money import Fen
from tests.strategies import fen_values
from tests.strategies import fens
from tests.strategies import non_negative_fens
from tests.strategies import weights

# --- reading and writing yuan ----------------------------------------------


@given(fens)
def test_a_formatted_amount_parses_back_to_itself(amount: Fen) -> None:
    assert Fen.parse(str(amount)) == amount
    assert Fen.parse(amount.plain()) == amount


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("9,618.58", 961858),
        ("9618.58", 961858),
        ("1234.5", 123450),
        ("-0.05", -5),
        ("+7", 700),
        ("0", 0),
        ("¥1,234.50", 123450),
        ("￥ 23.58 ", 2358),
        ("1,000,000.01", 100000001),
    ],
)
def test_yuan_strings_parse_exactly(text: str, fen: int) -> None:
    assert Fen.parse(text) == Fen(fen)


@pytest.mark.parametrize(
    "text",
    ["", "abc", "1.234", "1,23", "12,345,67", ",123", "1.2.3", "--1", "1e3", ".5", "5.", "1 000"],
)
def test_a_string_that_is_not_a_yuan_amount_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a yuan amount"):
        Fen.parse(text)


@pytest.mark.parametrize(
    ("fen", "shown", "plain"),
    [
        (961858, "9,618.58", "9618.58"),
        (-961858, "-9,618.58", "-9618.58"),
        (-5, "-0.05", "-0.05"),
        (0, "0.00", "0.00"),
        (100000000, "1,000,000.00", "1000000.00"),
    ],
)
def test_amounts_are_shown_in_yuan_with_two_decimals(fen: int, shown: str, plain: str) -> None:
    assert str(Fen(fen)) == shown
    assert Fen(fen).plain() == plain


def test_the_october_expense_notice_adds_up_to_9618_58_exactly() -> None:
    lines = ["23.58", "195.00", "5,300.00", "4,100.00"]  # water, power, wages, gate barrier
    total = sum((Fen.parse(line) for line in lines), ZERO)
    assert total == Fen(961858)
    assert str(total) == "9,618.58"


# --- what Fen refuses ------------------------------------------------------


@pytest.mark.parametrize("value", [1.0, 0.1, Decimal(1), True, "100"])
def test_fen_refuses_anything_but_an_int(value: object) -> None:
    with pytest.raises(TypeError, match="Fen needs an int"):
        Fen(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("factor", [0.5, 0.1, Decimal("0.5"), True])
def test_times_refuses_floats_and_other_inexact_factors(factor: object) -> None:
    with pytest.raises(TypeError, match="exact factor"):
        Fen(5).times(factor)  # type: ignore[arg-type]


# --- arithmetic and rounding -----------------------------------------------


def test_arithmetic_returns_new_amounts() -> None:
    assert Fen(5) + Fen(7) == Fen(12)
    assert Fen(5) - Fen(7) == Fen(-2)
    assert -Fen(5) == Fen(-5)
    assert abs(Fen(-5)) == Fen(5)
    assert Fen.yuan(120) == Fen(12000)
    assert not ZERO
    assert Fen(1)
    assert Fen(1) < Fen(2)


@pytest.mark.parametrize(
    ("fen", "factor", "expected"),
    [
        (5, Fraction(1, 2), 3),  # 2.5 fen → 3: half rounds up (四舍五入)
        (-5, Fraction(1, 2), -3),  # and symmetrically away from zero
        (4, Fraction(1, 2), 2),
        (1, Fraction(1, 3), 0),
        (2, Fraction(1, 3), 1),
        (-2, Fraction(1, 3), -1),
        (15, Fraction(1, 10), 2),  # 1.5 → 2
        (14, Fraction(1, 10), 1),  # 1.4 → 1
        (12000, 12, 144000),  # 120 yuan a month for a year
        (0, Fraction(7, 3), 0),
    ],
)
def test_times_rounds_half_away_from_zero(fen: int, factor: int | Fraction, expected: int) -> None:
    assert Fen(fen).times(factor) == Fen(expected)


@given(fen_values, st.fractions(max_denominator=1000))
def test_times_is_symmetric_and_within_half_a_fen(value: int, factor: Fraction) -> None:
    result = Fen(value).times(factor)
    assert Fen(-value).times(factor) == -result
    assert abs(Fraction(result.value) - value * factor) <= Fraction(1, 2)


# --- allocation --------------------------------------------------------------


@given(fens, weights)
def test_allocate_never_loses_or_makes_a_fen(amount: Fen, ws: list[int]) -> None:
    parts = amount.allocate(ws)
    assert len(parts) == len(ws)
    assert sum((p.value for p in parts), 0) == amount.value


@given(non_negative_fens, weights)
def test_each_allocated_part_is_within_one_fen_of_its_exact_share(
    amount: Fen, ws: list[int]
) -> None:
    total = sum(ws)
    for part, weight in zip(amount.allocate(ws), ws, strict=True):
        exact = Fraction(amount.value * weight, total)
        assert exact - 1 < part.value < exact + 1
        assert part.value >= 0
        if weight == 0:
            assert part == ZERO


@given(fens, weights)
def test_allocating_a_negative_amount_mirrors_the_positive_one(amount: Fen, ws: list[int]) -> None:
    assert (-amount).allocate(ws) == [-p for p in amount.allocate(ws)]


@pytest.mark.parametrize(
    ("fen", "ws", "expected"),
    [
        (1, [1, 1, 1], [1, 0, 0]),  # a tie: the earliest part gets the fen
        (2, [1, 1, 1], [1, 1, 0]),
        (100, [1, 1, 1], [34, 33, 33]),
        (-100, [1, 1, 1], [-34, -33, -33]),
        (10, [1, 2], [3, 7]),  # 3.33 / 6.67: the larger remainder wins, not the earlier part
        (961858, [5, 3], [601161, 360697]),
        (7, [0, 1, 0], [0, 7, 0]),
    ],
)
def test_allocate_gives_leftover_fen_to_the_largest_remainders_earliest_first(
    fen: int, ws: list[int], expected: list[int]
) -> None:
    assert Fen(fen).allocate(ws) == [Fen(e) for e in expected]


@pytest.mark.parametrize("ws", [[], [0, 0], [3, -1]])
def test_allocate_refuses_empty_zero_or_negative_weights(ws: list[int]) -> None:
    with pytest.raises(ValueError, match="weights"):
        Fen(100).allocate(ws)
