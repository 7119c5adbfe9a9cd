"""Billing's pure rules: half-up rounding per line, rate history, allocation order."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from sunshine.billing.rules.allocation import OpenBill
from sunshine.billing.rules.allocation import allocate
from sunshine.billing.rules.charges import ChargeKind
from sunshine.billing.rules.charges import RateStep
from sunshine.billing.rules.charges import billed_period
from sunshine.billing.rules.charges import line_amount
from sunshine.billing.rules.charges import line_amounts
from sunshine.billing.rules.charges import rate_on
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period


def test_an_area_line_is_rounded_half_up_to_the_fen() -> None:
    # 85.37 m² × 1.85 = 157.9345 → 157.93; 85.30 × 1.85 = 157.805 → 157.81 (half up)
    assert line_amount(ChargeKind.PER_AREA_MONTH, Fen(185), 8537) == Fen(15793)
    assert line_amount(ChargeKind.PER_AREA_MONTH, Fen(185), 8530) == Fen(15781)
    assert line_amounts(ChargeKind.PER_AREA_MONTH, Fen(185), [8537, 8530]) == [15793, 15781]
    assert line_amount(ChargeKind.PER_HOUSEHOLD_YEAR, Fen(10000), 1) == Fen(10000)


@given(st.integers(0, 10**9), st.integers(0, 10**7))
def test_the_fast_lines_round_as_money_does(rate: int, quantity: int) -> None:
    for kind in ChargeKind:
        assert line_amounts(kind, Fen(rate), [quantity]) == [
            line_amount(kind, Fen(rate), quantity).value
        ]


def test_the_rate_in_force_is_the_latest_from_on_or_before_the_day() -> None:
    steps = [RateStep(date(2024, 1, 1), Fen(150)), RateStep(date(2025, 1, 1), Fen(180))]
    assert rate_on(steps, date(2023, 12, 31)) is None
    assert rate_on(steps, date(2024, 12, 1)) == Fen(150)
    assert rate_on(steps, date(2025, 1, 1)) == Fen(180)


def test_a_yearly_charge_is_billed_in_its_first_month_only() -> None:
    assert billed_period(ChargeKind.PER_HOUSEHOLD_YEAR, Period(2024, 9), 9) == []
    assert billed_period(ChargeKind.PER_HOUSEHOLD_YEAR, Period(2024, 10), 9)
    assert billed_period(ChargeKind.PER_AREA_MONTH, Period(2024, 10), 9) == []


BILLS = [
    OpenBill(3, Period(2024, 10), date(2024, 10, 31), Fen(5000)),
    OpenBill(1, Period(2024, 9), date(2024, 9, 30), Fen(3000)),
    OpenBill(2, Period(2024, 9), date(2024, 9, 30), Fen(1000)),
]


def test_a_payment_pays_the_oldest_bills_first_and_a_partial_one_leaves_the_rest() -> None:
    split = allocate(Fen(4500), BILLS)
    assert split.paid == ((1, Fen(3000)), (2, Fen(1000)), (3, Fen(500)))
    assert split.prepaid == Fen(0)


def test_an_overpayment_is_a_prepayment_and_chosen_bills_are_paid_alone() -> None:
    assert allocate(Fen(10000), BILLS).prepaid == Fen(1000)
    split = allocate(Fen(6000), BILLS, [3])
    assert split.paid == ((3, Fen(5000)),)
    assert split.prepaid == Fen(1000)
