"""Report pages under /c/{code}/ledger/reports: trial balance, income and spending, and more.

Also an account's ledger with its running balance, and balances at a date.

Anyone with VIEW_BOOKS may read them (the trustee keeps the books for the owners, who
may inspect them); they show account figures, and counterparties only masked. Each
reads the per-month totals, so it answers quickly however long the history is.
"""

from __future__ import annotations

from typing import Annotated
from typing import Any

from fastapi import APIRouter
from fastapi import Query
from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from sunshine.identity.rules import Action
from sunshine.infra import clock
from sunshine.infra.inputs import RowId
from sunshine.infra.tenancy import CommunityRef
from sunshine.infra.web import CurrentCommunity
from sunshine.infra.web import CurrentViewer
from sunshine.infra.web import DbSession
from sunshine.infra.web import Viewer
from sunshine.kernel.periods import Period
from sunshine.ledger import schemas
from sunshine.ledger import service
from sunshine.ledger.pages.books_common import LEDGER
from sunshine.ledger.pages.books_common import grouped_accounts
from sunshine.ledger.pages.books_common import month_choices
from sunshine.ledger.pages.books_common import open_books
from sunshine.ledger.pages.books_common import opening_month
from sunshine.ledger.pages.books_common import render_books

router = APIRouter(include_in_schema=False)
REPORTS = f"{LEDGER}/reports"
LINES_PER_PAGE = 100
TRUST_BANK_CODE = "1001"


@router.get(REPORTS)
@router.get(f"{REPORTS}/trial-balance")
def trial_balance(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    period: str | None = None,
) -> Response:
    """Every account's debits, credits and balance from the start through a month."""
    open_books(viewer, community, Action.VIEW_BOOKS)
    _, month = schemas.months_asked(
        period, None, None, default=opening_month(session, community.id)
    )
    report = service.trial_balance(session, community.id, upto_period=month)
    return _report(request, session, viewer, community, "trial_balance", month, report=report)


@router.get(f"{REPORTS}/income-and-spending")
def income_and_spending(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    period: str | None = None,
    first: Annotated[str | None, Query(alias="from")] = None,
    last: Annotated[str | None, Query(alias="to")] = None,
) -> Response:
    """Income and spending by account for a month (or from..to), and the surplus or shortfall."""
    open_books(viewer, community, Action.VIEW_BOOKS)
    start, end = schemas.months_asked(
        period, first, last, default=opening_month(session, community.id)
    )
    report = service.income_and_spending(session, community.id, first=start, last=end)
    return _report(request, session, viewer, community, "income", end, report=report)


@router.get(f"{REPORTS}/account-ledger")
def account_ledger(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    account: str = TRUST_BANK_CODE,
    period: str | None = None,
    start: str | None = None,
    end: str | None = None,
    page: Annotated[RowId, Query()] = 1,
) -> Response:
    """An account's postings between two dates with the running balance, a page at a time.

    Without dates: the days of the month `period`, else of the latest with entries.
    """
    open_books(viewer, community, Action.VIEW_BOOKS)
    first, last = schemas.days_asked(
        period, start, end, default=opening_month(session, community.id)
    )
    report = service.account_ledger(
        session, community.id, account_code=account, start=first, end=last
    )
    lines, pages = schemas.page_of(report.lines, page=page, size=LINES_PER_PAGE)
    return _report(
        request,
        session,
        viewer,
        community,
        "ledger",
        Period.of(last),
        report=report,
        lines=lines,
        page=min(page, pages),
        pages=pages,
        groups=grouped_accounts(service.list_accounts(session, community.id), open_only=False),
    )


@router.get(f"{REPORTS}/balance")
def balance(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    period: str | None = None,
    on: str | None = None,
    account: str | None = None,
) -> Response:
    """The trust bank balance, and optionally another account's, at the end of a day.

    Without a day: the end of the month `period` (or today, if that month has not ended).
    """
    open_books(viewer, community, Action.VIEW_BOOKS)
    _, month_end = schemas.days_asked(
        period, None, None, default=opening_month(session, community.id)
    )
    day = schemas.parse_day(on, where="on") if on else min(month_end, clock.today())
    chosen = service.get_account(session, community.id, account) if account else None
    return _report(
        request,
        session,
        viewer,
        community,
        "balance",
        Period.of(day),
        on=day,
        trust_bank=service.trust_bank_balance(session, community.id, on=day),
        chosen=chosen,
        chosen_balance=(
            service.account_balance(session, community.id, account_code=chosen.code, on=day)
            if chosen
            else None
        ),
        groups=grouped_accounts(service.list_accounts(session, community.id), open_only=False),
    )


def _report(
    request: Request,
    session: Session,
    viewer: Viewer,
    community: CommunityRef,
    name: str,
    month: Period,
    **context: Any,
) -> Response:
    """Render report `name` with its month for the section links and the month picker.

    So moving from one report to another keeps the month.
    """
    return render_books(
        request,
        viewer,
        community,
        f"ledger/report_{name}.html",
        month=month,
        months=month_choices(session, community.id, month),
        **context,
    )
