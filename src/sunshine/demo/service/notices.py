"""荆川东园's monthly notices, published as the trustee would have, up to the last month booked.

The calendar is the default (monthly, due 10 days after the month ends) from September
2024, when the trustee started. Each month's notice is published on the 5th of the next
month (or today, if the 5th has not come yet: always before it is due), so the demo's
board shows every notice up to last month, none overdue, each in the log under its own
signed checkpoint. October 2024's notice is SCENARIO.md's paper one: the four
spending lines of "10月份支出表", 9,618.58 in all.

The committee co-signs each notice's checkpoint, the software form of the two-password
trust account. A real member keeps the private key offline (`sunshine checkpoint keygen`,
`cosign`); the demo's committee key is derived from a fixed, published phrase, so it is
NOT a secret and proves nothing outside the demo: it only shows how co-signatures look.
"""

from __future__ import annotations

import hashlib
from datetime import date
from datetime import timedelta

from sqlalchemy.orm import Session

from sunshine.demo.service import decisions as demo_decisions
from sunshine.disclosure.rules.schedule import Schedule
from sunshine.disclosure.service import notices
from sunshine.disclosure.service import schedule
from sunshine.identity import service as identity
from sunshine.infra.tenancy import CommunityRef
from sunshine.kernel.periods import Period
from sunshine.transparency import service as transparency
from sunshine.transparency.rules import records as log_rules

FIRST = Period(2024, 9)
PUBLISHED_AFTER = timedelta(days=4)  # the 5th of the following month
_DEMO_SEED = hashlib.sha256(b"sunshine demo committee key - public, not a secret").digest()


def committee_signer(code: str) -> log_rules.Signer:
    """The demo committee's key (see the module docstring: it is public)."""
    return log_rules.Signer(f"{code}-committee-demo", _DEMO_SEED)


def register_committee_key(session: Session, ref: CommunityRef, signer: log_rules.Signer) -> None:
    """The demo key is the committee member's, confirmed by the manager, so it counts."""
    member = identity.find_user_by_username(session, "committee")
    manager = identity.find_user_by_username(session, "manager")
    member_id = None if member is None else member.id
    transparency.register_committee_key(
        session, ref.id, public_key=signer.public.text(), member_id=member_id, device="demo"
    )
    if manager is not None:  # citing the 物管会's decision to register it
        cited = demo_decisions.key_decision(session, ref.id, signer.name, actor_id=member_id)
        transparency.confirm_key(session, ref.id, signer.name, by_id=manager.id, authority=cited)


def published_on(period: Period, today: date) -> date:
    """When the demo publishes `period`'s notice: the 5th of the next month, or today if sooner."""
    return min(period.next().first_day + PUBLISHED_AFTER, max(today, period.next().first_day))


def publish_through(
    session: Session,
    ref: CommunityRef,
    *,
    first: Period = FIRST,
    last: Period,
    today: date,
    actor_id: int | None,
) -> None:
    """Publish and co-sign every month's notice from `first` (September 2024) to `last`.

    From September 2024 it first sets the calendar and registers the committee's key.
    """
    signer = committee_signer(ref.code)
    if first == FIRST:
        schedule.set_schedule(session, ref.id, Schedule(FIRST), actor_id=actor_id)
        register_committee_key(session, ref, signer)
    period = first
    while period <= last:
        published = notices.publish_notice(
            session, ref, period=period, actor_id=actor_id, today=published_on(period, today)
        )
        transparency.cosign_checkpoint(
            session, ref.id, tree_size_=published.checkpoint_size, signer=signer
        )
        period = period.next()
