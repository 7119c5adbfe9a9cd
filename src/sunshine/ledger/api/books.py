"""JSON API of the books (mounted at /api/v1): the chart, entries, booking, reversal, reports.

Any member of the community (VIEW_BOOKS) reads; a private person's name as counterparty
is masked unless the caller may book entries (BOOK_ENTRY), who also books and reverses.
Writes are CSRF-checked like every other API write and commit once, in the route,
before answering. Money is a yuan string and the same amount in integer fen.
"""

from __future__ import annotations

from typing import Annotated
from typing import Any

from fastapi import APIRouter
from fastapi import Query
from sqlalchemy.orm import Session

from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra import clock
from sunshine.infra.inputs import Day
from sunshine.infra.inputs import RowId
from sunshine.infra.web import CsrfChecked
from sunshine.infra.web import CurrentCommunity
from sunshine.infra.web import DbSession
from sunshine.infra.web import OptionalViewer
from sunshine.infra.web import Viewer
from sunshine.kernel.periods import Period
from sunshine.ledger import schemas
from sunshine.ledger import service
from sunshine.ledger.models import JournalEntry
from sunshine.transparency import service as log

router = APIRouter(prefix="/communities/{code}/ledger", tags=["ledger"])
# Months are checked after the caller is (Invalid, 422), so that a member of another
# community learns nothing from the answer, however malformed the query.
MonthParam = Annotated[str | None, Query(examples=["2024-10"])]


def _this_month() -> Period:
    return Period.of(clock.today())


def _entry_read(
    session: Session, community_id: int, entry: JournalEntry, *, full: bool
) -> schemas.EntryRead:
    [read] = _entry_reads(session, community_id, [entry], full=full)
    return read


def _entry_reads(
    session: Session, community_id: int, entries: list[JournalEntry], *, full: bool
) -> list[schemas.EntryRead]:
    """Entries with their vouchers, reversals and log records: a few queries for a whole page."""
    accounts = {a.id: a for a in service.list_accounts(session, community_id)}
    numbers = [entry.id for entry in entries]
    vouchers = service.vouchers_by_entry(session, community_id, numbers)
    reversals = service.reversals_by_entry(session, community_id, numbers)
    seqs = log.record_seqs(
        session, community_id, kind=service.ENTRY_KIND, refs=[str(n) for n in numbers]
    )
    return [
        schemas.EntryRead.from_model(
            entry,
            accounts,
            full=full,
            vouchers=vouchers.get(entry.id, []),
            reversed_by=reversals.get(entry.id),
            log_seq=seqs.get(str(entry.id)),
        )
        for entry in entries
    ]


def _may_book(viewer: Viewer | None, community_id: int) -> bool:
    return identity.can(viewer, Action.BOOK_ENTRY, community_id)


@router.get("/accounts")
def list_accounts(
    session: DbSession, viewer: OptionalViewer, community: CurrentCommunity
) -> list[schemas.AccountRead]:
    """The community's chart of accounts in code order."""
    identity.authorize(viewer, Action.VIEW_BOOKS, community.id)
    return [schemas.AccountRead.from_model(a) for a in service.list_accounts(session, community.id)]


@router.get("/entries")
def list_entries(
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
    period: MonthParam = None,
    before: Annotated[RowId | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> schemas.EntryPage:
    """Entries newest first; the next page is `?before=next_before`. Optionally one month."""
    identity.authorize(viewer, Action.VIEW_BOOKS, community.id)
    month = schemas.parse_period(period) if period else None
    found = service.list_entries(
        session,
        community.id,
        first=month.first_day if month else None,
        last=month.last_day if month else None,
        before_id=before,
        limit=limit + 1,
    )
    shown = found[:limit]
    full = _may_book(viewer, community.id)
    return schemas.EntryPage(
        entries=_entry_reads(session, community.id, shown, full=full),
        next_before=shown[-1].id if len(found) > limit else None,
    )


@router.get("/entries/{number}")
def show_entry(
    number: RowId, session: DbSession, viewer: OptionalViewer, community: CurrentCommunity
) -> schemas.EntryRead:
    """One entry with its postings, vouchers, reversal and public-log record."""
    identity.authorize(viewer, Action.VIEW_BOOKS, community.id)
    entry = service.get_entry(session, community.id, number)
    return _entry_read(session, community.id, entry, full=_may_book(viewer, community.id))


@router.get("/entries/{number}/bundle")
def entry_bundle(
    number: RowId, session: DbSession, viewer: OptionalViewer, community: CurrentCommunity
) -> dict[str, Any]:
    """The entry as the books hold it, with its proof under the latest checkpoint.

    Save it and run `sunshine verify` on it: it passes only while the books show what was
    published in the log.
    """
    identity.authorize(viewer, Action.VIEW_BOOKS, community.id)
    return service.entry_bundle(session, community.id, number, origin=community.origin)


@router.post("/entries", status_code=201, dependencies=[CsrfChecked])
def book_entry(
    body: schemas.EntryCreate,
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
) -> schemas.EntryRead:
    """Book an entry (postings signed: debit +, credit -; they must sum to zero)."""
    booker = identity.authorize(viewer, Action.BOOK_ENTRY, community.id)
    draft = schemas.entry_draft(body)
    entry = service.post_entry(session, community.id, draft, actor_id=booker.user_id)
    session.commit()
    return _entry_read(session, community.id, entry, full=True)


@router.post("/entries/{number}/reversal", status_code=201, dependencies=[CsrfChecked])
def reverse_entry(
    number: RowId,
    body: schemas.ReversalCreate,
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
) -> schemas.EntryRead:
    """Reverse an entry with a new one naming it and the reason; returns the reversal."""
    booker = identity.authorize(viewer, Action.BOOK_ENTRY, community.id)
    reversal = service.reverse_entry(
        session,
        community.id,
        number,
        reason=body.reason,
        actor_id=booker.user_id,
        booked_on=body.booked_on,
    )
    session.commit()
    return _entry_read(session, community.id, reversal, full=True)


@router.get("/reports/trial-balance")
def trial_balance(
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
    period: MonthParam = None,
) -> schemas.TrialBalanceRead:
    """Every account's debits, credits and balance through a month (default this month)."""
    identity.authorize(viewer, Action.VIEW_BOOKS, community.id)
    _, month = schemas.months_asked(period, None, None, default=_this_month())
    report = service.trial_balance(session, community.id, upto_period=month)
    return schemas.TrialBalanceRead.from_report(report)


@router.get("/reports/income-and-spending")
def income_and_spending(
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
    period: MonthParam = None,
    first: Annotated[str | None, Query(alias="from", examples=["2024-10"])] = None,
    last: Annotated[str | None, Query(alias="to", examples=["2024-12"])] = None,
) -> schemas.IncomeAndSpendingRead:
    """Income and spending by account for months from..to, else the month `period`.

    Nothing asked: this month.
    """
    identity.authorize(viewer, Action.VIEW_BOOKS, community.id)
    start, end = schemas.months_asked(period, first, last, default=_this_month())
    report = service.income_and_spending(session, community.id, first=start, last=end)
    return schemas.IncomeAndSpendingRead.from_report(report)


@router.get("/accounts/{account}/ledger")
def account_ledger(
    account: str,
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
    period: MonthParam = None,
    start: Day | None = None,
    end: Day | None = None,
    page: Annotated[RowId, Query()] = 1,
    size: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> schemas.AccountLedgerRead:
    """An account's postings from `start` to `end`, with the running balance.

    Without dates: the days of the month `period`, else of this month.
    """
    identity.authorize(viewer, Action.VIEW_BOOKS, community.id)
    first, last = schemas.days_asked(period, None, None, default=_this_month())
    report = service.account_ledger(
        session, community.id, account_code=account, start=start or first, end=end or last
    )
    return schemas.AccountLedgerRead.from_report(report, page=page, size=size)


@router.get("/reports/balance")
def balance(
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
    account: str | None = None,
    period: MonthParam = None,
    on: Day | None = None,
) -> schemas.BalanceRead:
    """An account's balance (debit positive) at the end of `on`; no account: the trust bank.

    Without `on`: the end of the month `period`, or today if that month has not ended.
    """
    identity.authorize(viewer, Action.VIEW_BOOKS, community.id)
    _, month_end = schemas.days_asked(period, None, None, default=_this_month())
    day = on or min(month_end, clock.today())
    if account:
        amount = service.account_balance(session, community.id, account_code=account, on=day)
    else:
        amount = service.trust_bank_balance(session, community.id, on=day)
    return schemas.BalanceRead.of(account or None, day, amount)
