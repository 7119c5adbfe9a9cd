"""What the ledger's pages share: paths, labels, the viewer's rights, today's date, rendering.

Nothing here is a route; `books_staff`, `books_owners` and `books_reports` hold those.
"""

from __future__ import annotations

from typing import Annotated
from typing import Any

from fastapi import Form
from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra import clock
from sunshine.infra.tenancy import CommunityRef
from sunshine.infra.web import Viewer
from sunshine.infra.web import render
from sunshine.kernel.periods import Period
from sunshine.ledger import rules
from sunshine.ledger import schemas
from sunshine.ledger import service
from sunshine.ledger.models import Account
from sunshine.ledger.models import JournalEntry
from sunshine.transparency import service as log

LEDGER = "/c/{code}/ledger"
BOOKS = "/c/{code}/books"
PAGE_SIZE = 50
FormText = Annotated[str, Form()]


def N_(message: str) -> str:  # noqa: N802 - the gettext marker the catalog extractor knows
    """Mark a message for translation where it is defined; templates translate it when shown."""
    return message


LABELS: dict[str, str] = {
    rules.AccountKind.ASSET: N_("Assets"),
    rules.AccountKind.LIABILITY: N_("Liabilities"),
    rules.AccountKind.FUND: N_("Trust property"),
    rules.AccountKind.INCOME: N_("Income"),
    rules.AccountKind.EXPENSE: N_("Spending"),
    service.MANUAL: N_("Booked by hand"),
    service.IMPORT: N_("Imported"),
    service.REMUNERATION: N_("Trustee's remuneration"),
    service.REVERSAL: N_("Reversal"),
}
# The field a problem points at (Problem.where), as the forms label it.
FIELDS: dict[str, str] = {
    "booked_on": N_("Date"),
    "narration": N_("Narration"),
    "counterparty": N_("Counterparty"),
    "budget_line": N_("Budget line"),
    "vouchers": N_("Vouchers"),
    "reason": N_("Reason"),
    "period": N_("Month"),
    "first": N_("From"),
    "last": N_("To"),
    "on": N_("Date"),
    "start": N_("From"),
    "end": N_("To"),
}
KIND_ORDER = tuple(rules.AccountKind)


def open_books(viewer: Viewer, community: CommunityRef, action: Action) -> None:
    """Raise unless the viewer may do `action` in the community's books."""
    identity.authorize(viewer, action, community.id)


def opening_month(session: Session, community_id: int) -> Period:
    """The month the books open on: the latest with entries, else this one."""
    return service.latest_period(session, community_id) or Period.of(clock.today())


def month_choices(
    session: Session, community_id: int, shown: Period
) -> list[tuple[int, list[Period]]]:
    """The month and year picker's months, newest first and grouped by year.

    Every month from the first booking through this one, and `shown` (wherever it is).
    """
    last = max(Period.of(clock.today()), service.latest_period(session, community_id) or shown)
    month = service.first_period(session, community_id) or last
    months = {shown}
    while month <= last:
        months.add(month)
        month = month.next()
    years: dict[int, list[Period]] = {}
    for month in sorted(months, reverse=True):
        years.setdefault(month.year, []).append(month)
    return list(years.items())


def accounts_by_id(session: Session, community_id: int) -> dict[int, Account]:
    return {a.id: a for a in service.list_accounts(session, community_id)}


def grouped_accounts(
    accounts: list[Account], *, open_only: bool = True
) -> list[tuple[str, list[Account]]]:
    """Accounts grouped by kind in chart order, for a <select> with <optgroup>s."""
    return [
        (
            LABELS[kind],
            [a for a in accounts if a.kind is kind and not (open_only and a.closed_on)],
        )
        for kind in KIND_ORDER
    ]


def log_seq(session: Session, community_id: int, number: int) -> int | None:
    """The sequence number of the entry's record in the community's public log."""
    record = log.find_record(session, community_id, kind=service.ENTRY_KIND, ref=str(number))
    return None if record is None else record.seq


def entry_rows(
    session: Session, community_id: int, entries: list[JournalEntry]
) -> list[dict[str, Any]]:
    """What a list of entries shows per entry: vouchers, reversal and the amount moved."""
    numbers = [entry.id for entry in entries]
    vouchers = service.vouchers_by_entry(session, community_id, numbers)
    reversals = service.reversals_by_entry(session, community_id, numbers)
    return [
        {
            "entry": entry,
            "total": schemas.debit_total(entry),
            "vouchers": vouchers.get(entry.id, []),
            "reversed_by": reversals.get(entry.id),
        }
        for entry in entries
    ]


def fold_remuneration(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The trustee's remuneration as one row with its state, as owners read it.

    Booking it takes two entries: the charge (remuneration expense, credited to the amount
    payable to the trustee) and, later, its payment (the payable, paid from the trust bank
    account). Owners see the charge once, marked "charged" or "paid", the payment in the
    same list folded into it; the staff's entry list keeps both.
    """
    owed: dict[tuple[int, int], list[dict[str, Any]]] = {}  # (payable account, fen) -> charges
    for row in rows:
        entry = row["entry"]
        if entry.source == service.REMUNERATION and not row["reversed_by"]:
            row["remuneration"] = "charged"
            for posting in entry.postings:
                if posting.amount.value < 0:
                    owed.setdefault((posting.account_id, -posting.amount.value), []).append(row)
    folded = []
    for row in rows:
        charge = _charge_paid_by(row, owed)
        if charge is None:
            folded.append(row)
        else:
            charge["remuneration"], charge["paid_by"] = "paid", row["entry"]
    return folded


def _charge_paid_by(
    row: dict[str, Any], owed: dict[tuple[int, int], list[dict[str, Any]]]
) -> dict[str, Any] | None:
    """The charge a payment settles: it debits the charge's payable with the same amount."""
    entry = row["entry"]
    if entry.source in (service.REMUNERATION, service.REVERSAL) or row["reversed_by"]:
        return None
    debits = [p for p in entry.postings if p.amount.value > 0]
    if len(debits) != 1:
        return None
    waiting = owed.get((debits[0].account_id, debits[0].amount.value)) or []
    return waiting.pop(0) if waiting else None


def render_books(
    request: Request,
    viewer: Viewer,
    community: CommunityRef,
    template: str,
    *,
    status_code: int = 200,
    **context: Any,
) -> Response:
    """Render a ledger page with the community, the viewer's rights and the label tables."""
    cid = community.id
    base = {
        "community": community,
        "community_name": community.name,
        "can_book": identity.can(viewer, Action.BOOK_ENTRY, cid),
        "can_open_original": identity.can(viewer, Action.OPEN_VOUCHER_ORIGINAL, cid),
        "staff": identity.can(viewer, Action.VIEW_REGISTRY, cid),
        "can_view_closing": identity.can(viewer, Action.VIEW_CLOSING, cid),
        "labels": LABELS,
        "fields": FIELDS,
        "today": clock.today(),
    }
    return render(request, template, {**base, **context}, status_code=status_code)
