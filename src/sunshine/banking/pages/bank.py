"""Bank reconciliation at /c/{code}/bank: import with a preview, lines, work list, reconcile.

Staff and the committee (VIEW_CLOSING) see every page; staff who book (BOOK_ENTRY)
import, match, unmatch and explain; the manager (MANAGE_LEDGER) appends a balanced
reconciliation to the public log. A statement is previewed first (read and checked,
nothing written), then imported from the previewed bytes, all or nothing. A refusal
comes back on the page with its reason and the status the API would give.
"""

from __future__ import annotations

from typing import Annotated
from typing import Any

from fastapi import APIRouter
from fastapi import File
from fastapi import Form
from fastapi import Query
from fastapi import Request
from fastapi import UploadFile
from fastapi.responses import RedirectResponse
from fastapi.responses import Response
from sqlalchemy.orm import Session

from sunshine.banking import schemas
from sunshine.banking.rules.layouts import LAYOUTS
from sunshine.banking.service import accounts
from sunshine.banking.service import imports
from sunshine.banking.service import lines
from sunshine.banking.service import matching
from sunshine.banking.service import reconcile
from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra import clock
from sunshine.infra.body_limit import allow_body
from sunshine.infra.inputs import RowId
from sunshine.infra.tenancy import CommunityRef
from sunshine.infra.web import CsrfChecked
from sunshine.infra.web import CurrentCommunity
from sunshine.infra.web import CurrentViewer
from sunshine.infra.web import DbSession
from sunshine.infra.web import Viewer
from sunshine.infra.web import render
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound

router = APIRouter(include_in_schema=False)
BANK = "/c/{code}/bank"
FormText = Annotated[str, Form(max_length=200)]
Refusal = Invalid | Conflict | NotFound
REFUSALS = (Invalid, Conflict, NotFound)
_STATUS: dict[type[Refusal], int] = {Invalid: 422, Conflict: 409, NotFound: 404}
PREVIEW_LINES = 50


def _status(exc: Refusal) -> int:
    return next(code for kind, code in _STATUS.items() if isinstance(exc, kind))


def _page(
    request: Request,
    session: Session,
    viewer: Viewer,
    community: CommunityRef,
    template: str,
    *,
    status_code: int = 200,
    **context: Any,
) -> Response:
    cid = community.id
    found = accounts.list_accounts(session, cid)
    base = {
        "community": community,
        "community_name": community.name,
        "accounts": found,
        "account": found[0] if len(found) == 1 else None,
        "layouts": LAYOUTS,
        "can_book": identity.can(viewer, Action.BOOK_ENTRY, cid),
        "can_manage": identity.can(viewer, Action.MANAGE_LEDGER, cid),
        "staff": identity.can(viewer, Action.VIEW_REGISTRY, cid),
    }
    return render(request, template, {**base, **context}, status_code=status_code)


def _overview(
    request: Request, session: Session, viewer: Viewer, community: CommunityRef, **context: Any
) -> Response:
    counts = {
        a.id: lines.counts(session, community.id, a.id)
        for a in accounts.list_accounts(session, community.id)
    }
    return _page(request, session, viewer, community, "banking/bank.html", counts=counts, **context)


@router.get(BANK)
def bank_page(
    request: Request, session: DbSession, viewer: CurrentViewer, community: CurrentCommunity
) -> Response:
    """The accounts, their lines by match state, and the form to import a statement."""
    identity.authorize(viewer, Action.VIEW_CLOSING, community.id)
    return _overview(request, session, viewer, community)


@router.post(f"{BANK}/import/preview", dependencies=[CsrfChecked])
@allow_body(schemas.statement_max_bytes)
def preview_statement(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    file: Annotated[UploadFile, File()],
    bank: FormText = "",
) -> Response:
    """Read and check the statement: its lines, balances, and which are new. Nothing written."""
    identity.authorize(viewer, Action.BOOK_ENTRY, community.id)
    try:
        data = schemas.statement_data(file.file.read(schemas.statement_max_bytes() + 1))
        seen = imports.preview(session, community.id, data, bank=bank)
    except REFUSALS as exc:
        return _overview(
            request, session, viewer, community, error=exc, bank=bank, status_code=_status(exc)
        )
    content, sha256 = schemas.pack_upload(data)
    return _overview(
        request, session, viewer, community, preview=seen, shown=seen.draft.lines[:PREVIEW_LINES],
        upload={"content": content, "sha256": sha256, "bank": bank},
    )  # fmt: skip


@router.post(f"{BANK}/import", dependencies=[CsrfChecked])
@allow_body(schemas.statement_max_bytes, times=2)  # sent back as base64
def import_statement(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    content: Annotated[str, Form()] = "",
    sha256: FormText = "",
    bank: FormText = "",
) -> Response:
    """Import the previewed statement, all or nothing, then match its lines."""
    identity.authorize(viewer, Action.BOOK_ENTRY, community.id)
    try:
        data = schemas.unpack_upload(content, sha256)
        with session.begin_nested():  # a refused statement leaves no trace
            done = imports.import_statement(session, community.id, data, bank=bank)
            matched = matching.auto_match(session, community.id, done.account_id)
    except REFUSALS as exc:
        return _overview(request, session, viewer, community, error=exc, status_code=_status(exc))
    session.commit()
    return _overview(request, session, viewer, community, imported=done, matched=matched)


@router.post(f"{BANK}/match", dependencies=[CsrfChecked])
def auto_match(
    request: Request, session: DbSession, viewer: CurrentViewer, community: CurrentCommunity
) -> Response:
    identity.authorize(viewer, Action.BOOK_ENTRY, community.id)
    try:
        found = accounts.pick_account(session, community.id)
        matched = matching.auto_match(session, community.id, found.id)
    except REFUSALS as exc:
        return _overview(request, session, viewer, community, error=exc, status_code=_status(exc))
    session.commit()
    return _overview(request, session, viewer, community, matched=matched)


@router.get(f"{BANK}/lines")
def lines_page(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    state: lines.State = lines.State.ALL,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    """The account's lines with their match state; `state=open` is the work list."""
    identity.authorize(viewer, Action.VIEW_CLOSING, community.id)
    return _lines(request, session, viewer, community, state, page)


def _lines(
    request: Request,
    session: Session,
    viewer: Viewer,
    community: CommunityRef,
    state: lines.State,
    page: int = 1,
    *,
    status_code: int = 200,
    **context: Any,
) -> Response:
    try:
        account = accounts.pick_account(session, community.id)
    except REFUSALS as exc:
        return _overview(request, session, viewer, community, error=exc, status_code=_status(exc))
    shown = lines.list_lines(
        session, community.id, account.id, state=state,
        offset=(page - 1) * lines.PAGE, limit=lines.PAGE + 1,
    )  # fmt: skip
    return _page(
        request, session, viewer, community, "banking/lines.html", status_code=status_code,
        lines=shown[: lines.PAGE], more=len(shown) > lines.PAGE, page=page, state=state,
        states=list(lines.State), counts=lines.counts(session, community.id, account.id),
        line_account=account, **context,
    )  # fmt: skip


def _line_step(
    request: Request,
    session: Session,
    viewer: Viewer,
    community: CommunityRef,
    step: Any,
    back: lines.State,
) -> Response:
    identity.authorize(viewer, Action.BOOK_ENTRY, community.id)
    try:
        with session.begin_nested():
            step()
    except REFUSALS as exc:
        return _lines(
            request, session, viewer, community, back, error=exc, status_code=_status(exc)
        )
    session.commit()
    return RedirectResponse(f"/c/{community.code}/bank/lines?state={back.value}", status_code=303)


@router.post(f"{BANK}/lines/{{line_id}}/match", dependencies=[CsrfChecked])
def match_line(
    request: Request,
    line_id: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    entry: Annotated[int, Form(ge=1, le=2**31 - 1)],
    back: Annotated[lines.State, Form()] = lines.State.OPEN,
) -> Response:
    """Match the line to the entry numbered `entry` by hand (same amount, not matched yet)."""

    def step() -> None:
        matching.match_line(session, community.id, line_id, entry_id=entry, actor_id=viewer.user_id)

    return _line_step(request, session, viewer, community, step, back)


@router.post(f"{BANK}/lines/{{line_id}}/unmatch", dependencies=[CsrfChecked])
def unmatch_line(
    request: Request,
    line_id: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    back: Annotated[lines.State, Form()] = lines.State.MATCHED,
) -> Response:
    def step() -> None:
        matching.unmatch_line(session, community.id, line_id, actor_id=viewer.user_id)

    return _line_step(request, session, viewer, community, step, back)


@router.post(f"{BANK}/lines/{{line_id}}/explain", dependencies=[CsrfChecked])
def explain_line(
    request: Request,
    line_id: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    reason: FormText = "",
    back: Annotated[lines.State, Form()] = lines.State.OPEN,
) -> Response:
    """Explain a line that has no entry (the reason is kept for staff, never published)."""

    def step() -> None:
        matching.explain_line(
            session, community.id, line_id, reason=reason, actor_id=viewer.user_id
        )

    return _line_step(request, session, viewer, community, step, back)


@router.get(f"{BANK}/reconciliation")
def reconciliation_page(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    on: Annotated[str, Query(alias="date", max_length=20)] = "",
) -> Response:
    """The reconciliation statement for a day: the two balances and every difference."""
    identity.authorize(viewer, Action.VIEW_CLOSING, community.id)
    return _reconciliation(request, session, viewer, community, on)


def _reconciliation(
    request: Request,
    session: Session,
    viewer: Viewer,
    community: CommunityRef,
    on: str,
    *,
    status_code: int = 200,
    **context: Any,
) -> Response:
    shown = on or clock.today().isoformat()
    try:
        account = accounts.pick_account(session, community.id)
        rec = reconcile.reconcile(session, community.id, account, schemas.parse_day(shown))
    except REFUSALS as exc:
        return _page(request, session, viewer, community, "banking/reconciliation.html",
                     on=shown, error=exc, status_code=_status(exc))  # fmt: skip
    return _page(request, session, viewer, community, "banking/reconciliation.html",
                 on=shown, rec=rec, status_code=status_code, **context)  # fmt: skip


@router.post(f"{BANK}/reconciliation", dependencies=[CsrfChecked])
def record_reconciliation(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    on: Annotated[str, Form(alias="date", max_length=20)] = "",
) -> Response:
    """Append the balanced reconciliation to the community's public log."""
    identity.authorize(viewer, Action.MANAGE_LEDGER, community.id)
    try:
        with session.begin_nested():
            account = accounts.pick_account(session, community.id)
            _, row = reconcile.record(
                session, community.id, account, schemas.parse_day(on), actor_id=viewer.user_id
            )
    except REFUSALS as exc:
        return _reconciliation(
            request, session, viewer, community, on, error=exc, status_code=_status(exc)
        )
    session.commit()
    return _reconciliation(request, session, viewer, community, on, logged=row.log_seq)
