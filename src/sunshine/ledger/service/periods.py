"""Closing periods. Closing is final: there is no reopening.

A closed period's figures have been published on the monthly notice and checkpointed
in the transparency log, so they must never move again. A mistake found later is
corrected by an entry (often a reversal) in an open period, which the next notice shows.
Closing a period also closes every earlier one: nothing may be booked on or before the
last day of the latest closed period. INVARIANT: the database refuses such entries too
(trigger `ledger_entry_checked`, migration 0003).
"""

from __future__ import annotations

import zlib

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.orm import Session

from sunshine.infra import clock
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Invalid
from sunshine.kernel.periods import Period
from sunshine.ledger.models import PeriodClose

_LOCK_SPACE = zlib.crc32(b"ledger_entry") << 20


def lock_books(session: Session, community_id: int) -> None:
    """Serialise writers of the community's books until the transaction ends.

    Posting (which numbers entries max + 1) and closing take it, so numbers stay gapless
    and an entry cannot slip into a period being closed. PostgreSQL: an advisory
    transaction lock; SQLite: its single writer already serialises.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_SPACE ^ community_id})


def closed_through(session: Session, community_id: int) -> Period | None:
    """The latest closed period: it and every period before it are closed."""
    return session.scalar(
        select(func.max(PeriodClose.period)).where(PeriodClose.community_id == community_id)
    )


def is_closed(session: Session, community_id: int, period: Period) -> bool:
    last = closed_through(session, community_id)
    return last is not None and period <= last


def check_closable(session: Session, community_id: int, period: Period) -> None:
    """Raise unless `period` may be closed now: it has ended and is not closed yet."""
    if period.last_day >= clock.today():
        raise Invalid("the period {period} has not ended yet", args={"period": str(period)})
    if is_closed(session, community_id, period):
        raise Conflict("the period {period} is already closed", args={"period": str(period)})


def close_period(
    session: Session, community_id: int, *, period: Period, actor_id: int | None
) -> PeriodClose:
    """Close `period` (and with it every earlier one) for good; it must have ended.

    The rule itself: people close a month through `closing` (a manager's request and the
    committee's countersignature), which calls this.
    """
    lock_books(session, community_id)
    check_closable(session, community_id, period)
    row = PeriodClose(
        community_id=community_id, period=period, closed_at=clock.now(), closed_by=actor_id
    )
    session.add(row)
    session.flush()
    return row
