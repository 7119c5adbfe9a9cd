"""The publishing calendar: which notices are due when (LAW.md 2: monthly by default).

A community discloses every `every_months` months (1, 3, 6 or 12), starting with the
period `starts`; a notice covering periods first..last is due `due_day` days after the
last day of `last`. A notice is overdue when its due date has passed and no version is
published. All of it is a per-community setting with these defaults.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from datetime import timedelta
from enum import StrEnum

from sunshine.kernel.errors import Problem
from sunshine.kernel.periods import Period

EVERY_MONTHS = (1, 3, 6, 12)
DEFAULT_EVERY_MONTHS = 1
DEFAULT_DUE_DAYS = 10


class Status(StrEnum):
    PUBLISHED = "published"
    DUE = "due"  # the span has ended; the due date has not passed
    OVERDUE = "overdue"


@dataclass(frozen=True, slots=True)
class Schedule:
    starts: Period
    every_months: int = DEFAULT_EVERY_MONTHS
    due_days: int = DEFAULT_DUE_DAYS


@dataclass(frozen=True, slots=True)
class Slot:
    """One notice the calendar expects: its span, due date and state."""

    first: Period
    last: Period
    due_on: date
    status: Status
    published_on: date | None = None


def problems_with(schedule: Schedule) -> list[Problem]:
    problems = []
    if schedule.every_months not in EVERY_MONTHS:
        problems.append(
            Problem(
                "every_months",
                "a notice covers 1, 3, 6 or 12 months, not {n}",
                {"n": schedule.every_months},
                "every_months",
            )
        )
    if not 0 <= schedule.due_days <= 90:
        problems.append(
            Problem(
                "due_days",
                "a notice is due 0 to 90 days after its period ends, not {n}",
                {"n": schedule.due_days},
                "due_days",
            )
        )
    return problems


def span_of(schedule: Schedule, period: Period) -> tuple[Period, Period]:
    """The span (first, last) of the notice that covers `period`."""
    months = (period.year - schedule.starts.year) * 12 + period.month - schedule.starts.month
    first = schedule.starts.shift(months - months % schedule.every_months)
    return first, first.shift(schedule.every_months - 1)


def due_on(schedule: Schedule, last: Period) -> date:
    return last.last_day + timedelta(days=schedule.due_days)


def slots(schedule: Schedule, *, today: date, published: dict[Period, date]) -> list[Slot]:
    """Every notice whose span has ended by `today`, oldest first, with its state.

    `published` maps a span's last period to the day its first version was published.
    """
    out: list[Slot] = []
    first = schedule.starts
    while True:
        last = first.shift(schedule.every_months - 1)
        if last.last_day >= today:
            return out
        due = due_on(schedule, last)
        if last in published:
            status = Status.PUBLISHED
        elif today > due:
            status = Status.OVERDUE
        else:
            status = Status.DUE
        out.append(Slot(first, last, due, status, published.get(last)))
        first = last.next()
