"""Booking the trustee's remuneration (酬金) for a period, as the trust terms compute it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from sunshine.kernel.errors import Invalid
from sunshine.kernel.money import ZERO
from sunshine.kernel.periods import Period
from sunshine.ledger import rules
from sunshine.ledger.models import JournalEntry
from sunshine.ledger.service import terms as trust_terms
from sunshine.ledger.service.posting import REMUNERATION
from sunshine.ledger.service.posting import post_entry


def book_remuneration(
    session: Session, community_id: int, *, period: Period, actor_id: int | None
) -> JournalEntry:
    """Book `period`'s remuneration, exactly as the terms in force make it due.

    The entry is dated the period's last day; it debits the remuneration account and
    credits the payable to the trustee.

    Raises Invalid without terms or when nothing is due, Conflict when the period's
    remuneration is already booked (and not reversed within the period). A percentage is
    taken of the income booked so far, so book it once the period's income is in.
    """
    terms = trust_terms.terms_in_force(session, community_id, period)
    if terms is None:
        raise Invalid("no trust terms are in force for {period}", args={"period": str(period)})
    due = rules.remuneration_due(
        terms, trust_terms.remuneration_base(session, community_id, terms, period)
    )
    if due == ZERO:
        raise Invalid("no remuneration is due for {period}", args={"period": str(period)})
    draft = rules.remuneration_draft(terms, period, due)
    return post_entry(session, community_id, draft, actor_id=actor_id, source=REMUNERATION)
