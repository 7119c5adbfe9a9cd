"""Accounting periods: a calendar month, written YYYY-MM."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

_PERIOD = re.compile(r"(\d{4})-(\d{2})")
# The calendar that input may name (a report's day, a month, a since-date). It sits far
# inside what `date` and `Period` can compute, so a day's month, a month's neighbours or a
# year's end never leave them; entries have a narrower rule (ledger.rules.booking_window).
EARLIEST_DAY = date(1950, 1, 1)
LATEST_DAY = date(2199, 12, 31)
_MONTHS: dict[int, Period] = {}  # Period.of's instances, at most 12 per year in use


@dataclass(frozen=True, slots=True, order=True)
class Period:
    """One calendar month. Ordered, hashable, and printed as '2024-10'."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not 1900 <= self.year <= 9999:
            raise ValueError(f"not a period: {self.year}-{self.month}")

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read '2024-10', a month of the calendar input may name (EARLIEST_DAY..LATEST_DAY)."""
        match = _PERIOD.fullmatch(text.strip())
        if match is None:
            raise ValueError(f"not a period (YYYY-MM): {text!r}")
        year = int(match.group(1))
        if not EARLIEST_DAY.year <= year <= LATEST_DAY.year:
            raise ValueError(f"not a period of {EARLIEST_DAY.year}..{LATEST_DAY.year}: {text!r}")
        return cls(year, int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> Period:
        """The period that contains `day` (one shared instance per month: imports ask often)."""
        key = day.year * 12 + day.month
        found = _MONTHS.get(key)
        if found is None:
            found = _MONTHS[key] = cls(day.year, day.month)
        return found

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and (day.year, day.month) == (self.year, self.month)

    def next(self) -> Period:
        return self.shift(1)

    def previous(self) -> Period:
        return self.shift(-1)

    def shift(self, months: int) -> Period:
        """The period `months` later (or earlier, when negative)."""
        index = self.year * 12 + self.month - 1 + months
        return Period(index // 12, index % 12 + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def in_calendar(day: date) -> bool:
    """True if `day` lies in the calendar that input may name (EARLIEST_DAY..LATEST_DAY)."""
    return EARLIEST_DAY <= day <= LATEST_DAY
