"""Charge items and their rates: what a line costs, rounded half-up to the fen (LAW.md 2).

A rate is a whole number of fen per measure (per m² per month, per space per month, per
household per year, per household once). A bill's quantity is an integer in the measure's
smallest exact unit: hundredths of a square metre for an area (areas carry two exact
decimals), 1 for a space or a household. The line is rate × quantity / scale, rounded
half-up (四舍五入) once per payable line, never on a sum.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from fractions import Fraction

from sunshine.kernel.errors import Problem
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period

CODE = re.compile(r"[a-z][a-z0-9-]{0,15}")
NAME_LENGTH = 60
MAX_RATE = Fen(10**9)  # ten million yuan per measure: far above any fee, far below BIGINT
AREA_SCALE = 100  # a unit's area arrives in hundredths of a m² (registry: area_dm2)


class ChargeKind(StrEnum):
    PER_AREA_MONTH = "per_area_month"  # property service fee: rate × the unit's area
    PER_SPACE_MONTH = "per_space_month"  # parking rent: rate per leased space
    PER_HOUSEHOLD_YEAR = "per_household_year"  # garbage clearance: rate per unit per year
    ONE_OFF = "one_off"  # any other charge: rate per unit, billed once for the period named

    @property
    def scale(self) -> int:
        """The rate is per this many quantity units (an area's hundredths: per m²)."""
        return AREA_SCALE if self is ChargeKind.PER_AREA_MONTH else 1

    @property
    def yearly(self) -> bool:
        return self is ChargeKind.PER_HOUSEHOLD_YEAR

    @property
    def per_lease(self) -> bool:
        return self is ChargeKind.PER_SPACE_MONTH


class Liable(StrEnum):
    """Who a charge item's bills go to: the unit's owner or the people living there."""

    OWNER = "owner"
    RESIDENT = "resident"


# Income accounts a charge item may credit (ledger chart, ledger.rules.CHART): service
# fees, parking rent, garbage fees, revenue from common parts, other income.
INCOME_PREFIX = "60"


def line_amount(kind: ChargeKind, rate: Fen, quantity: int) -> Fen:
    """One bill's amount: rate × quantity per the kind's scale, rounded half-up to the fen."""
    return rate.times(Fraction(quantity, kind.scale))


def line_amounts(kind: ChargeKind, rate: Fen, quantities: list[int]) -> list[int]:
    """`line_amount` for many lines at once, in whole fen (the run's hot loop, no objects).

    Integer arithmetic gives the same half-up rounding as `Fen.times` for non-negative
    values: (2 × rate × q + scale) // (2 × scale).
    """
    scale = kind.scale
    value = rate.value
    if value < 0 or any(q < 0 for q in quantities):
        raise ValueError("rates and quantities are never negative")
    return [(2 * value * q + scale) // (2 * scale) for q in quantities]


@dataclass(frozen=True, slots=True)
class RateStep:
    """A rate in force from a day on, until the next step's day."""

    effective_from: date
    rate: Fen


def rate_on(steps: list[RateStep], day: date) -> Fen | None:
    """The rate in force on `day`: the latest step from on or before it; None before the first."""
    found = [step for step in steps if step.effective_from <= day]
    return max(found, key=lambda step: step.effective_from).rate if found else None


def billed_period(kind: ChargeKind, period: Period, first_month: int) -> list[Problem]:
    """Problems with billing `period`: a yearly item is billed in its year's first month."""
    if kind.yearly and period.month != first_month:
        return [
            Problem(
                "yearly_period",
                "a yearly charge is billed in the month its year starts ({month})",
                {"month": str(first_month)},
                where="period",
            )
        ]
    return []


def item_problems(
    *, code: str, name: str, account_code: str, income_codes: frozenset[str], first_month: int
) -> list[Problem]:
    """Everything wrong with a charge item as typed."""
    problems = []
    if not CODE.fullmatch(code):
        problems.append(
            Problem("item_code", "a code is lower-case letters, digits and -", where="code")
        )
    if not name.strip() or len(name) > NAME_LENGTH:
        problems.append(Problem("item_name", "a name of 1 to 60 characters", where="name"))
    if account_code not in income_codes:
        problems.append(
            Problem(
                "income_account",
                "{code} is not an open income account",
                {"code": account_code},
                where="account_code",
            )
        )
    if not 1 <= first_month <= 12:
        problems.append(Problem("first_month", "a month from 1 to 12", where="first_month"))
    return problems


def rate_problems(rate: Fen) -> list[Problem]:
    if rate.value < 0 or rate > MAX_RATE:
        return [Problem("rate", "a rate from 0 to 10,000,000.00", where="rate")]
    return []


def due_on(period: Period) -> date:
    """A bill is due at the end of the month it is billed for."""
    return period.last_day
