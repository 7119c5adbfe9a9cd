"""Each community's publishing calendar: read and change it; list due and overdue notices."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Sequence
from datetime import date

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.disclosure.models.notices import NoticeSchedule
from sunshine.disclosure.models.notices import NoticeVersion
from sunshine.disclosure.rules import schedule as rules
from sunshine.infra import clock
from sunshine.infra.tenancy import CommunityRef
from sunshine.kernel.errors import Invalid
from sunshine.kernel.periods import Period
from sunshine.ledger import service as ledger
from sunshine.registry import service as registry


def get_schedule(session: Session, community_id: int) -> rules.Schedule:
    """The community's calendar; without one set, monthly from the month of its first entry."""
    row = session.get(NoticeSchedule, community_id)
    if row is not None:
        return rules.Schedule(row.starts, row.every_months, row.due_days)
    first = ledger.first_period(session, community_id)
    return rules.Schedule(first or Period.of(clock.today()))


def set_schedule(
    session: Session, community_id: int, schedule: rules.Schedule, *, actor_id: int | None
) -> rules.Schedule:
    problems = rules.problems_with(schedule)
    if problems:
        raise Invalid("the publishing calendar was not changed", problems=problems)
    row = session.get(NoticeSchedule, community_id)
    if row is None:
        row = NoticeSchedule(community_id=community_id)
        session.add(row)
    row.starts = schedule.starts
    row.every_months = schedule.every_months
    row.due_days = schedule.due_days
    row.changed_at = clock.now()
    row.changed_by = actor_id
    session.flush()
    return schedule


def first_published(session: Session, community_id: int) -> dict[Period, date]:
    """Each published period (a span's last month) and the day its first version came out."""
    rows = session.execute(
        select(NoticeVersion.period, func.min(NoticeVersion.published_on))
        .where(NoticeVersion.community_id == community_id)
        .group_by(NoticeVersion.period)
    )
    return {period: day for period, day in rows}  # noqa: C416 - rows are not pairs to mypy


def calendar(session: Session, community_id: int, *, today: date) -> list[rules.Slot]:
    """Every notice whose span has ended, oldest first: published, due, or overdue."""
    return rules.slots(
        get_schedule(session, community_id),
        today=today,
        published=first_published(session, community_id),
    )


def overdue(session: Session, community_id: int, *, today: date) -> list[rules.Slot]:
    return [
        s for s in calendar(session, community_id, today=today) if s.status is rules.Status.OVERDUE
    ]


def overdue_across(
    session: Session, communities: Sequence[CommunityRef], *, today: date
) -> list[tuple[CommunityRef, rules.Slot]]:
    """Every overdue notice of these communities, for supervisors, community by community."""
    return [(ref, slot) for ref in communities for slot in overdue(session, ref.id, today=today)]


def overdue_where(
    session: Session,
    *,
    ids: frozenset[int] | None,
    allowed: Callable[[int], bool],
    today: date,
) -> list[tuple[CommunityRef, rules.Slot]] | None:
    """Overdue notices of the communities `ids` (None: all) that `allowed` lets one oversee.

    None when `allowed` admits no community at all (the caller oversees nothing).
    """
    watched = [
        CommunityRef(c.id, c.code, c.name)
        for c in registry.list_communities(session, ids)
        if allowed(c.id)
    ]
    return overdue_across(session, watched, today=today) if watched else None
