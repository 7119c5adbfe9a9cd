"""The owners' view of the books at /c/{code}/books, made to be read on a phone.

One month at a time: the trust bank balance, the month's income and spending by account,
and the month's entries with their public vouchers. Nothing here identifies a person: a
private person's name is masked (张**), who booked an entry and the vouchers' file names
are not shown, and vouchers link to their public (redacted) copies (LAW.md 3).
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi import Request
from fastapi.responses import Response

from sunshine.identity.rules import Action
from sunshine.infra import clock
from sunshine.infra.inputs import RowId
from sunshine.infra.web import CurrentCommunity
from sunshine.infra.web import CurrentViewer
from sunshine.infra.web import DbSession
from sunshine.kernel.periods import Period
from sunshine.ledger import schemas
from sunshine.ledger import service
from sunshine.ledger.pages.books_common import BOOKS
from sunshine.ledger.pages.books_common import accounts_by_id
from sunshine.ledger.pages.books_common import entry_rows
from sunshine.ledger.pages.books_common import fold_remuneration
from sunshine.ledger.pages.books_common import month_choices
from sunshine.ledger.pages.books_common import open_books
from sunshine.ledger.pages.books_common import opening_month
from sunshine.ledger.pages.books_common import render_books

router = APIRouter(include_in_schema=False)
OWNERS_PAGE_SIZE = 20


@router.get(BOOKS)
def books(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    period: str | None = None,
    before: RowId | None = None,
) -> Response:
    """A month of the community's books: balance, income and spending, entries, vouchers.

    The month is `period`, else the latest with entries; a picker reaches any month.
    """
    open_books(viewer, community, Action.VIEW_BOOKS)
    month, _ = schemas.months_asked(
        period, None, None, default=opening_month(session, community.id)
    )
    this_month = Period.of(clock.today())
    balance_on = min(month.last_day, clock.today())
    found = service.list_entries(
        session,
        community.id,
        first=month.first_day,
        last=month.last_day,
        before_id=before,
        limit=OWNERS_PAGE_SIZE + 1,
    )
    shown = found[:OWNERS_PAGE_SIZE]
    return render_books(
        request,
        viewer,
        community,
        "ledger/books.html",
        month=month,
        months=month_choices(session, community.id, month),
        previous=month.previous(),
        following=month.next() if month < this_month else None,
        balance_on=balance_on,
        balance=service.trust_bank_balance(session, community.id, on=balance_on),
        report=service.income_and_spending(session, community.id, first=month, last=month),
        rows=fold_remuneration(entry_rows(session, community.id, shown)),
        accounts=accounts_by_id(session, community.id),
        next_before=shown[-1].id if len(found) > OWNERS_PAGE_SIZE else None,
        before=before,
    )
