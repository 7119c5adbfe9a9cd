"""荆川东园's monthly notices for its first year, published as the trustee would have.

The calendar is the default (monthly, due 10 days after the month ends) from September
2024, when the trustee started. Each month's notice is published on the 5th of the next
month, so the demo's board shows a year of notices, none overdue, each in the log under
its own signed checkpoint. October 2024's notice is SCENARIO.md's paper one: the four
spending lines of "10月份支出表", 9,618.58 in all.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from sunshine.disclosure.rules.schedule import Schedule
from sunshine.disclosure.service import notices
from sunshine.disclosure.service import schedule
from sunshine.infra.tenancy import CommunityRef
from sunshine.kernel.periods import Period

FIRST = Period(2024, 9)
MONTHS = 12
PUBLISHED_AFTER = timedelta(days=4)  # the 5th of the following month


def publish_year(session: Session, ref: CommunityRef, *, actor_id: int | None) -> None:
    schedule.set_schedule(session, ref.id, Schedule(FIRST), actor_id=actor_id)
    for offset in range(MONTHS):
        period = FIRST.shift(offset)
        notices.publish_notice(
            session,
            ref,
            period=period,
            actor_id=actor_id,
            today=period.next().first_day + PUBLISHED_AFTER,
        )
