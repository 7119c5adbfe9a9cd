"""Closing a month: a manager of the trustee asks, a committee member countersigns, it closes.

The committee co-controls the books (DESIGN.md's trust model: the co-managed
"two-password" account), so a month closes at the committee's countersignature, not at
the trustee's request: the trustee can never close its own books alone, and nothing is
final until the owners' side has looked. A manager asks (`request_close`) after seeing
what the month holds (`month_summary`); a committee member countersigns
(`countersign_close`), which closes the month through `periods.close_period`, where the
period rules live; a manager may withdraw a request not yet countersigned. Who may do
which is the edges' check (identity's policy: MANAGE_LEDGER asks and withdraws,
COUNTERSIGN_CLOSE countersigns); that whoever asked never countersigns is checked here.

Each step is appended to the community's public log in the same transaction, naming
people by user id only (the log is public and never forgets). A request fixes how many
entries were booked up to the month's end: if that changed before the countersignature,
the committee would close books it was not shown, so that is refused and the manager
withdraws the request and asks again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.infra import authority as authorities
from sunshine.infra import clock
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Forbidden
from sunshine.kernel.errors import NotFound
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger.models import CloseDecision
from sunshine.ledger.models import CloseRequest
from sunshine.ledger.models import JournalEntry
from sunshine.ledger.models import PeriodClose
from sunshine.ledger.rules import CloseOutcome
from sunshine.ledger.service.entries import first_period
from sunshine.ledger.service.periods import check_closable
from sunshine.ledger.service.periods import close_period
from sunshine.ledger.service.periods import closed_through
from sunshine.ledger.service.periods import lock_books
from sunshine.ledger.service.reports import income_and_spending
from sunshine.ledger.service.reports import trust_bank_balance
from sunshine.transparency import service as transparency
from sunshine.transparency.rules.records import LogKind

REQUESTED_KIND = LogKind("ledger.close_requested")
WITHDRAWN_KIND = LogKind("ledger.close_withdrawn")
CLOSED_KIND = LogKind("ledger.period_closed")


@dataclass(frozen=True, slots=True)
class MonthSummary:
    """What closing `period` would make final, for the confirmation a manager sees."""

    period: Period
    closes: tuple[Period, ...]  # the open months it closes, oldest first (earlier ones too)
    entries: int  # booked in the month
    first_entry: int | None
    last_entry: int | None
    entries_through: int  # booked on or before its last day
    income: Fen
    spending: Fen
    bank_at_end: Fen


@dataclass(frozen=True, slots=True)
class CloseStep:
    """A request and how it ended (None: waiting for the committee)."""

    request: CloseRequest
    decision: CloseDecision | None

    @property
    def pending(self) -> bool:
        return self.decision is None


def entries_through(session: Session, community_id: int, day: date) -> int:
    """How many entries are booked on or before `day`."""
    query = select(func.count()).where(
        JournalEntry.community_id == community_id, JournalEntry.booked_on <= day
    )
    return session.scalar(query) or 0


def month_summary(session: Session, community_id: int, period: Period) -> MonthSummary:
    """The month's entries, income, spending and bank balance, and the months it would close."""
    count, first, last = session.execute(
        select(func.count(), func.min(JournalEntry.id), func.max(JournalEntry.id)).where(
            JournalEntry.community_id == community_id,
            JournalEntry.booked_on >= period.first_day,
            JournalEntry.booked_on <= period.last_day,
        )
    ).one()
    figures = income_and_spending(session, community_id, first=period, last=period)
    return MonthSummary(
        period=period,
        closes=_months_closed_by(session, community_id, period),
        entries=count,
        first_entry=first,
        last_entry=last,
        entries_through=entries_through(session, community_id, period.last_day),
        income=figures.income_total,
        spending=figures.spending_total,
        bank_at_end=trust_bank_balance(session, community_id, on=period.last_day),
    )


def _months_closed_by(session: Session, community_id: int, period: Period) -> tuple[Period, ...]:
    last = closed_through(session, community_id)
    month = (
        last.next()
        if last is not None
        else min(first_period(session, community_id) or period, period)
    )
    months = []
    while month <= period:
        months.append(month)
        month = month.next()
    return tuple(months)


def list_close_steps(session: Session, community_id: int) -> list[CloseStep]:
    """Every request to close a month, newest first, each with its decision if any."""
    rows = session.execute(
        select(CloseRequest, CloseDecision)
        .outerjoin(
            CloseDecision,
            (CloseDecision.community_id == CloseRequest.community_id)
            & (CloseDecision.request_id == CloseRequest.id),
        )
        .where(CloseRequest.community_id == community_id)
        .order_by(CloseRequest.id.desc())
    )
    return [CloseStep(request, decision) for request, decision in rows]


def pending_request(session: Session, community_id: int) -> CloseRequest | None:
    """The request waiting for the committee's countersignature, if there is one."""
    decided = select(CloseDecision.request_id).where(CloseDecision.community_id == community_id)
    return session.scalar(
        select(CloseRequest).where(
            CloseRequest.community_id == community_id, CloseRequest.id.not_in(decided)
        )
    )


def request_close(
    session: Session, community_id: int, *, period: Period, actor_id: int
) -> CloseRequest:
    """Ask the committee to close `period` (and every earlier open month); logged publicly."""
    lock_books(session, community_id)
    check_closable(session, community_id, period)
    waiting = pending_request(session, community_id)
    if waiting is not None:
        raise Conflict(
            "a request to close {period} is waiting for the committee; withdraw it first",
            args={"period": str(waiting.period)},
        )
    row = CloseRequest(
        community_id=community_id,
        period=period,
        entries_through=entries_through(session, community_id, period.last_day),
        requested_by=actor_id,
        requested_at=clock.now(),
    )
    session.add(row)
    session.flush()
    transparency.append(
        session, community_id, kind=REQUESTED_KIND, record=requested_record(row), ref=str(row.id)
    )
    return row


def countersign_close(
    session: Session,
    community_id: int,
    request_id: int,
    *,
    actor_id: int,
    authority: str | None = None,
) -> PeriodClose:
    """Countersign a pending request as a committee member: the month closes now, for good.

    `authority` cites the committee decision co-signing the close (`decision:N`), which
    the community's setting requires by default (`infra.authority`, governance checks it).
    """
    lock_books(session, community_id)
    request = _pending(session, community_id, request_id)
    if request.requested_by == actor_id:
        raise Forbidden("whoever asked to close a month cannot also countersign it")
    if entries_through(session, community_id, request.period.last_day) != request.entries_through:
        raise Conflict(
            "entries were booked up to {period} after the request: the manager withdraws it "
            "and asks again, so that you countersign what you are shown",
            args={"period": str(request.period)},
        )
    matter = authorities.month_close_matter(request.period)
    authorities.authorise(session, community_id, matter, authority, actor_id=actor_id)
    closed = close_period(session, community_id, period=request.period, actor_id=actor_id)
    decision = _decide(session, request, CloseOutcome.COUNTERSIGNED, actor_id=actor_id)
    transparency.append(
        session,
        community_id,
        kind=CLOSED_KIND,
        record=closed_record(request, decision),
        ref=str(request.period),
    )
    return closed


def withdraw_close(
    session: Session, community_id: int, request_id: int, *, actor_id: int
) -> CloseDecision:
    """Withdraw a request the committee has not countersigned; logged publicly."""
    lock_books(session, community_id)
    request = _pending(session, community_id, request_id)
    decision = _decide(session, request, CloseOutcome.WITHDRAWN, actor_id=actor_id)
    transparency.append(
        session,
        community_id,
        kind=WITHDRAWN_KIND,
        record=withdrawn_record(request, decision),
        ref=str(request.id),
    )
    return decision


def _pending(session: Session, community_id: int, request_id: int) -> CloseRequest:
    request = session.get(CloseRequest, (community_id, request_id))
    if request is None:
        raise NotFound("there is no request {number} to close a month", args={"number": request_id})
    if session.get(CloseDecision, (community_id, request_id)) is not None:
        raise Conflict(
            "the request to close {period} was already countersigned or withdrawn",
            args={"period": str(request.period)},
        )
    return request


def _decide(
    session: Session, request: CloseRequest, outcome: CloseOutcome, *, actor_id: int
) -> CloseDecision:
    row = CloseDecision(
        community_id=request.community_id,
        request_id=request.id,
        outcome=outcome,
        decided_by=actor_id,
        decided_at=clock.now(),
    )
    session.add(row)
    session.flush()
    return row


# --- the log records (the audit rebuilds them from the rows) ---------------------------


def requested_record(request: CloseRequest) -> dict[str, object]:
    return {
        "request": request.id,
        "period": str(request.period),
        "entries_through": request.entries_through,
        "requested_by": request.requested_by,
    }


def closed_record(request: CloseRequest, decision: CloseDecision) -> dict[str, object]:
    return {**requested_record(request), "countersigned_by": decision.decided_by}


def withdrawn_record(request: CloseRequest, decision: CloseDecision) -> dict[str, object]:
    return {
        "request": request.id,
        "period": str(request.period),
        "withdrawn_by": decision.decided_by,
    }
