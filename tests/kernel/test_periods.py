"""Period: one calendar month, written YYYY-MM, ordered, shiftable across years."""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest
from hypothesis import assume
from hypothesis import given
from hypothesis import strategies as st

from sunshine.kernel.periods import EARLIEST_DAY
from sunshine.kernel.periods import LATEST_DAY
from sunshine.kernel.periods import Period
from sunshine.kernel.periods import in_calendar
from tests.strategies import month_shifts
from tests.strategies import periods


def test_a_period_parses_from_and_prints_as_yyyy_mm() -> None:
    assert Period.parse("2024-10") == Period(2024, 10)
    assert Period.parse(" 2024-01 ") == Period(2024, 1)
    assert str(Period(2024, 1)) == "2024-01"


@given(
    st.builds(
        Period,
        st.integers(EARLIEST_DAY.year, LATEST_DAY.year),
        st.integers(min_value=1, max_value=12),
    )
)
def test_a_printed_period_of_the_input_calendar_parses_back_to_itself(period: Period) -> None:
    assert Period.parse(str(period)) == period


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2024-13",
        "2024-00",
        "2024-1",
        "24-10",
        "2024/10",
        "1899-12",
        "1949-12",
        "0001-01",
        "2200-01",
        "9999-12",
    ],
)
def test_a_string_that_is_not_a_period_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a period"):
        Period.parse(text)


@pytest.mark.parametrize(("year", "month"), [(2024, 0), (2024, 13), (1899, 12), (10000, 1)])
def test_a_period_outside_the_calendar_is_refused(year: int, month: int) -> None:
    with pytest.raises(ValueError, match="not a period"):
        Period(year, month)


def test_next_and_previous_cross_the_year_end() -> None:
    assert Period(2024, 12).next() == Period(2025, 1)
    assert Period(2025, 1).previous() == Period(2024, 12)
    assert Period(2024, 9).shift(13) == Period(2025, 10)
    assert Period(2024, 9).shift(-9) == Period(2023, 12)


@given(periods, month_shifts)
def test_shifting_there_and_back_returns_the_same_period(period: Period, months: int) -> None:
    index = period.year * 12 + period.month - 1 + months
    assume(1900 * 12 <= index < 10000 * 12)
    shifted = period.shift(months)
    assert shifted.shift(-months) == period
    assert (shifted.year * 12 + shifted.month) - (period.year * 12 + period.month) == months
    assert (shifted > period) is (months > 0)


@given(periods)
def test_shifting_by_twelve_months_moves_one_year(period: Period) -> None:
    assume(period.year < 9999)
    assert period.shift(12) == Period(period.year + 1, period.month)


@pytest.mark.parametrize(
    ("period", "first", "last"),
    [
        (Period(2024, 10), date(2024, 10, 1), date(2024, 10, 31)),
        (Period(2024, 9), date(2024, 9, 1), date(2024, 9, 30)),
        (Period(2024, 2), date(2024, 2, 1), date(2024, 2, 29)),  # leap year
        (Period(2023, 2), date(2023, 2, 1), date(2023, 2, 28)),
        (Period(2000, 2), date(2000, 2, 1), date(2000, 2, 29)),  # divisible by 400: leap
        (Period(1900, 2), date(1900, 2, 1), date(1900, 2, 28)),  # divisible by 100: not
        (Period(2024, 12), date(2024, 12, 1), date(2024, 12, 31)),
    ],
)
def test_first_and_last_day_of_a_month(period: Period, first: date, last: date) -> None:
    assert period.first_day == first
    assert period.last_day == last


@given(periods)
def test_the_day_after_the_last_day_opens_the_next_period(period: Period) -> None:
    assume(period < Period(9999, 12))
    assert date.fromordinal(period.last_day.toordinal() + 1) == period.next().first_day


def test_periods_are_ordered_by_year_then_month() -> None:
    shuffled = [Period(2025, 1), Period(2024, 10), Period(2024, 12), Period(2024, 9)]
    assert sorted(shuffled) == [
        Period(2024, 9),
        Period(2024, 10),
        Period(2024, 12),
        Period(2025, 1),
    ]
    assert Period(2024, 12) < Period(2025, 1)
    assert max(shuffled) == Period(2025, 1)


@given(periods, periods)
def test_period_order_is_the_order_of_their_first_days(a: Period, b: Period) -> None:
    assert (a < b) is (a.first_day < b.first_day)
    assert (a == b) is (a.first_day == b.first_day)


def test_a_period_contains_exactly_its_own_days() -> None:
    october = Period(2024, 10)
    assert date(2024, 10, 1) in october
    assert date(2024, 10, 31) in october
    assert datetime(2024, 10, 15, 12, 0, tzinfo=UTC) in october
    assert date(2024, 11, 1) not in october
    assert date(2023, 10, 1) not in october
    assert "2024-10" not in october
    assert Period.of(date(2024, 10, 31)) == october


def test_periods_are_hashable_and_equal_by_value() -> None:
    assert {Period(2024, 10), Period.parse("2024-10")} == {Period(2024, 10)}


def test_the_input_calendar_is_far_inside_what_dates_and_periods_can_compute() -> None:
    assert in_calendar(EARLIEST_DAY)
    assert in_calendar(LATEST_DAY)
    assert not in_calendar(EARLIEST_DAY - timedelta(days=1))
    assert not in_calendar(LATEST_DAY + timedelta(days=1))
    # A century of months either side stays computable.
    assert Period.of(LATEST_DAY).shift(1200) > Period.of(LATEST_DAY)
    assert Period.of(EARLIEST_DAY).shift(-600) < Period.of(EARLIEST_DAY)
