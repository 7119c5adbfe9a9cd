"""The ledger under /c/{code}/ledger: the entries, booking an entry with vouchers, reversing one.

Anyone with VIEW_BOOKS reads the entries (a private person's name masked, as owners see
it); staff with BOOK_ENTRY see names whole, book and reverse. Booking runs in a
savepoint with its voucher uploads: a refused entry (unbalanced, a closed period, a bad
file) writes nothing and comes back (422) with the problems and what was typed.
"""

from __future__ import annotations

from itertools import zip_longest
from typing import Annotated
from typing import Any

from fastapi import APIRouter
from fastapi import Depends
from fastapi import Form
from fastapi import Query
from fastapi import Request
from fastapi.responses import RedirectResponse
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from sunshine.identity.rules import Action
from sunshine.infra import clock
from sunshine.infra.body_limit import allow_body
from sunshine.infra.body_limit import upload_max_bytes
from sunshine.infra.inputs import RowId
from sunshine.infra.tenancy import CommunityRef
from sunshine.infra.web import CsrfChecked
from sunshine.infra.web import CurrentCommunity
from sunshine.infra.web import CurrentViewer
from sunshine.infra.web import DbSession
from sunshine.infra.web import Viewer
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import Problem
from sunshine.kernel.periods import Period
from sunshine.ledger import schemas
from sunshine.ledger import service
from sunshine.ledger.models import JournalEntry
from sunshine.ledger.pages.books_common import LEDGER
from sunshine.ledger.pages.books_common import PAGE_SIZE
from sunshine.ledger.pages.books_common import FormText
from sunshine.ledger.pages.books_common import accounts_by_id
from sunshine.ledger.pages.books_common import entry_rows
from sunshine.ledger.pages.books_common import grouped_accounts
from sunshine.ledger.pages.books_common import log_seq
from sunshine.ledger.pages.books_common import month_choices
from sunshine.ledger.pages.books_common import open_books
from sunshine.ledger.pages.books_common import opening_month
from sunshine.ledger.pages.books_common import render_books

router = APIRouter(include_in_schema=False)
FormList = Annotated[list[str] | None, Form()]
BLANK_ROWS = 4


async def _voucher_files(request: Request) -> list[UploadFile]:
    """The files chosen in the vouchers box (an empty box sends an empty part: skipped)."""
    form = await request.form()  # parsed once per request; the CSRF check read it already
    return [f for f in form.getlist("vouchers") if isinstance(f, UploadFile) and f.filename]


VoucherFiles = Annotated[list[UploadFile], Depends(_voucher_files)]


@router.get(LEDGER)
def entries(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    period: str | None = None,
    before: RowId | None = None,
) -> Response:
    """Entries newest first, a page at a time by entry number, optionally of one month."""
    open_books(viewer, community, Action.VIEW_BOOKS)
    month = schemas.parse_period(period) if period else None
    found = service.list_entries(
        session,
        community.id,
        first=month.first_day if month else None,
        last=month.last_day if month else None,
        before_id=before,
        limit=PAGE_SIZE + 1,
    )
    shown = found[:PAGE_SIZE]
    return render_books(
        request,
        viewer,
        community,
        "ledger/entry_list.html",
        rows=entry_rows(session, community.id, shown),
        period=str(month) if month else "",
        month=month,
        months=month_choices(session, community.id, month or opening_month(session, community.id)),
        next_before=shown[-1].id if len(found) > PAGE_SIZE else None,
        before=before,
    )


# --- booking ------------------------------------------------------------------


def _form_page(
    request: Request,
    session: Session,
    viewer: Viewer,
    community: CommunityRef,
    form: schemas.EntryForm,
    **context: Any,
) -> Response:
    accounts = service.list_accounts(session, community.id)
    rows = list(form.rows) + [schemas.FormRow()] * max(0, BLANK_ROWS - len(form.rows))
    return render_books(
        request,
        viewer,
        community,
        "ledger/entry_form.html",
        form=form,
        rows=rows,
        groups=grouped_accounts(accounts),
        budget_lines=_budget_lines(session, community.id, form),
        **context,
    )


def _budget_lines(session: Session, community_id: int, form: schemas.EntryForm) -> list[str]:
    """The lines of the budget in force on the entry's day (today's until one is typed).

    A line already chosen stays offered, so a refused form keeps it.
    """
    try:
        month = Period.of(schemas.parse_day(form.booked_on))
    except Invalid:
        month = Period.of(clock.today())
    lines = service.budget_lines(session, community_id, month)
    chosen = form.budget_line.strip()
    return [chosen, *lines] if chosen and chosen not in lines else lines


PrefillText = Annotated[str, Query(max_length=200)]


@router.get(f"{LEDGER}/new")
def new_entry(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    booked_on: PrefillText = "",
    narration: PrefillText = "",
    counterparty: PrefillText = "",
    bank: PrefillText = "",
    bank_amount: PrefillText = "",
) -> Response:
    """The form to book an entry: date, narration, counterparty, postings and vouchers.

    Bank reconciliation links here to book a bank line: the query prefills the form (the
    bank account `bank` debited when `bank_amount` is money in, credited when it is out).
    """
    open_books(viewer, community, Action.BOOK_ENTRY)
    amount = bank_amount.strip()
    rows: tuple[schemas.FormRow, ...] = ()
    if bank and amount:
        out = amount.startswith("-")
        yuan = amount.lstrip("-")
        leg = schemas.FormRow(bank, "" if out else yuan, yuan if out else "")
        rows = (leg, schemas.FormRow()) if not out else (schemas.FormRow(), leg)
    form = schemas.EntryForm(
        booked_on=booked_on or clock.today().isoformat(),
        narration=narration,
        counterparty=counterparty,
        rows=rows,
    )
    return _form_page(request, session, viewer, community, form)


@router.post(f"{LEDGER}/new", dependencies=[CsrfChecked])
@allow_body(upload_max_bytes)
def book_entry(  # noqa: PLR0913, PLR0917 - one argument per form field
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    files: VoucherFiles,
    booked_on: FormText = "",
    narration: FormText = "",
    counterparty: FormText = "",
    counterparty_is_person: Annotated[bool, Form()] = False,
    publish_as_is: Annotated[bool, Form()] = False,
    budget_line: FormText = "",
    account: FormList = None,
    debit: FormList = None,
    credit: FormList = None,
    memo: FormList = None,
) -> Response:
    """Book the entry and its vouchers, all or nothing; then show it."""
    open_books(viewer, community, Action.BOOK_ENTRY)
    columns = zip_longest(account or [], debit or [], credit or [], memo or [], fillvalue="")
    form = schemas.EntryForm(
        booked_on=booked_on,
        narration=narration,
        counterparty=counterparty,
        counterparty_is_person=counterparty_is_person,
        budget_line=budget_line,
        rows=tuple(schemas.FormRow(a, d, c, m) for a, d, c, m in columns),
    )
    try:
        with session.begin_nested():  # a refused entry leaves no trace, vouchers included
            entry = _book(session, viewer, community, form, files, publish_as_is=publish_as_is)
    except Invalid as exc:
        return _form_page(
            request,
            session,
            viewer,
            community,
            form,
            error=exc,
            files_lost=bool(files),
            publish_as_is=publish_as_is,
            status_code=422,
        )
    session.commit()
    return RedirectResponse(f"/c/{community.code}/ledger/entries/{entry.id}", status_code=303)


def _book(
    session: Session,
    viewer: Viewer,
    community: CommunityRef,
    form: schemas.EntryForm,
    files: list[UploadFile],
    *,
    publish_as_is: bool,
) -> JournalEntry:
    """Store the vouchers, then post the entry; every problem of both, raised together.

    With `publish_as_is` staff state the vouchers hold no personal data: owners then see
    the originals (see `service.publish_original`); otherwise a redacted copy is uploaded
    on the voucher's page.
    """
    problems: list[Problem] = []
    hashes: list[str] = []
    for upload in files:
        name = upload.filename or ""
        try:
            data = upload.file.read(service.voucher_max_bytes() + 1)  # more is refused
            voucher = service.store_voucher(
                session, community.id, data, name=name, actor_id=viewer.user_id
            )
        except Invalid as exc:
            problems.extend(
                Problem(p.code, p.message, p.args, p.where or name) for p in exc.problems
            )
            if not exc.problems:
                problems.append(Problem("voucher", exc.template, exc.fields, name))
            continue
        hashes.append(voucher.sha256)
    try:
        draft = schemas.form_draft(form, vouchers=hashes)
        entry = service.post_entry(session, community.id, draft, actor_id=viewer.user_id)
    except Invalid as exc:
        raise Invalid(exc.template, problems=[*problems, *exc.problems], args=exc.fields) from None
    if problems:
        raise Invalid("the entry was not booked", problems=problems)
    if publish_as_is:
        for sha256 in dict.fromkeys(hashes):
            if service.get_voucher(session, community.id, sha256).public_sha256 is None:
                service.publish_original(session, community.id, sha256, actor_id=viewer.user_id)
    return entry


# --- one entry ----------------------------------------------------------------


@router.get(f"{LEDGER}/entries/{{number}}")
def show_entry(
    request: Request,
    number: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
) -> Response:
    """One entry: header, postings, vouchers, its log record; for staff, the reversal form."""
    open_books(viewer, community, Action.VIEW_BOOKS)
    return _entry_page(request, session, viewer, community, number)


def _entry_page(
    request: Request,
    session: Session,
    viewer: Viewer,
    community: CommunityRef,
    number: RowId,
    **context: Any,
) -> Response:
    entry = service.get_entry(session, community.id, number)
    vouchers = [
        service.get_voucher(session, community.id, sha)
        for sha in service.voucher_hashes(session, community.id, number)
    ]
    reversal = service.find_reversal(session, community.id, number)
    form = context.pop("form", {"reason": "", "booked_on": clock.today().isoformat()})
    return render_books(
        request,
        viewer,
        community,
        "ledger/entry.html",
        entry=entry,
        accounts=accounts_by_id(session, community.id),
        total=schemas.debit_total(entry),
        vouchers=vouchers,
        reversal=reversal,
        log_seq=log_seq(session, community.id, number),
        form=form,
        **context,
    )


@router.post(f"{LEDGER}/entries/{{number}}/reversal", dependencies=[CsrfChecked])
def reverse_entry(
    request: Request,
    number: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    reason: FormText = "",
    booked_on: FormText = "",
) -> Response:
    """Reverse the entry with a new one that names it and why; then show the reversal."""
    open_books(viewer, community, Action.BOOK_ENTRY)
    try:
        with session.begin_nested():
            day = schemas.parse_day(booked_on)
            reversal = service.reverse_entry(
                session, community.id, number, reason=reason, actor_id=viewer.user_id, booked_on=day
            )
    except Invalid as exc:
        form = {"reason": reason, "booked_on": booked_on}
        return _entry_page(
            request, session, viewer, community, number, form=form, error=exc, status_code=422
        )
    session.commit()
    return RedirectResponse(f"/c/{community.code}/ledger/entries/{reversal.id}", status_code=303)
