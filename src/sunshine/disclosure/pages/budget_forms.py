"""The budget's own pages under /c/{code}/budget: the list, one budget, and every step of it.

Everyone in the community (VIEW_BOOKS) reads budgets, every version and every comment,
comments shown without names. MANAGE_BUDGET (trustee manager, committee) drafts and opens
a budget; APPROVE_BUDGET (the committee) approves it with the decision document and
revises it; COMMENT_BUDGET (owners) comments on the lines while it is open. A refused
form writes nothing and comes back (422) with the problems and what was typed.
"""

from __future__ import annotations

from typing import Annotated
from typing import Any

from fastapi import APIRouter
from fastapi import Form
from fastapi import Request
from fastapi import UploadFile
from fastapi.responses import RedirectResponse
from fastapi.responses import Response
from sqlalchemy.orm import Session

from sunshine.disclosure.pages.budget_common import BUDGET
from sunshine.disclosure.pages.budget_common import ONE
from sunshine.disclosure.pages.budget_common import FormList
from sunshine.disclosure.pages.budget_common import FormText
from sunshine.disclosure.pages.budget_common import line_rows
from sunshine.disclosure.pages.budget_common import load
from sunshine.disclosure.pages.budget_common import render_budget
from sunshine.disclosure.pages.budget_common import store_document
from sunshine.disclosure.pages.budget_common import totals_of
from sunshine.disclosure.pages.budget_common import with_blanks
from sunshine.disclosure.schemas import budgets as schemas
from sunshine.disclosure.service import budgets as service
from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra import authority as authorities
from sunshine.infra.body_limit import allow_body
from sunshine.infra.inputs import RowId
from sunshine.infra.tenancy import CommunityRef
from sunshine.infra.web import CsrfChecked
from sunshine.infra.web import CurrentCommunity
from sunshine.infra.web import CurrentViewer
from sunshine.infra.web import DbSession
from sunshine.infra.web import OptionalViewer
from sunshine.infra.web import Viewer
from sunshine.infra.web import locale_of
from sunshine.kernel.errors import Invalid
from sunshine.ledger import schemas as ledger_schemas
from sunshine.ledger import service as ledger

router = APIRouter(include_in_schema=False)


def _see_you(code: str, budget_id: RowId, suffix: str = "") -> RedirectResponse:
    return RedirectResponse(f"/c/{code}/budget/{budget_id}{suffix}", status_code=303)


# --- the list and a new draft --------------------------------------------------------


@router.get(BUDGET)
def budgets(
    request: Request,
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
) -> Response:
    """The community's budgets, the latest year first; staff start a new one here."""
    identity.authorize(viewer, Action.READ_PUBLIC, community)
    return _list_page(request, session, viewer, community)


def _list_page(
    request: Request,
    session: Session,
    viewer: Viewer | None,
    community: CommunityRef,
    **context: Any,
) -> Response:
    return render_budget(
        request,
        viewer,
        community,
        "disclosure/budget_list.html",
        budgets=service.list_budgets(session, community.id),
        form=context.pop("form", {"title": "", "first": ""}),
        **context,
    )


@router.post(BUDGET, dependencies=[CsrfChecked])
def create_budget(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    title: FormText = "",
    first: FormText = "",
) -> Response:
    """Start a draft budget for the 12 months from `first`; then edit its lines."""
    identity.authorize(viewer, Action.MANAGE_BUDGET, community.id)
    try:
        with session.begin_nested():
            month = ledger_schemas.parse_period(first, where="first")
            budget = service.create_budget(
                session, community.id, first=month, title=title, actor_id=viewer.user_id
            )
    except Invalid as exc:
        form = {"title": title, "first": first}
        return _list_page(
            request, session, viewer, community, form=form, error=exc, status_code=422
        )
    session.commit()
    return _see_you(community.code, budget.id, "/lines")


# --- one budget ----------------------------------------------------------------------


@router.get(ONE)
def show_budget(
    request: Request,
    budget_id: RowId,
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
    version: RowId | None = None,
) -> Response:
    """A budget: its lines (any version), comments without names, history, the next step."""
    return _budget_page(request, session, viewer, community, budget_id, version=version)


def _account_names(session: Session, community_id: int, locale: str) -> dict[str, str]:
    """Account code -> name, so owners read a budget line's accounts by name, not code."""
    return {a.code: a.name(locale) for a in ledger.list_accounts(session, community_id)}


def _budget_page(
    request: Request,
    session: Session,
    viewer: Viewer | None,
    community: CommunityRef,
    budget_id: RowId,
    *,
    version: RowId | None = None,
    status_code: int = 200,
    **context: Any,
) -> Response:
    budget = load(session, viewer, community, budget_id)
    shown = version if version and 1 <= version <= budget.version else budget.version
    comments = service.list_comments(
        session, community.id, budget_id, viewer_id=viewer.user_id if viewer else None
    )
    decisions = service.decisions_of(session, community.id, budget_id)
    may_name = identity.can(viewer, Action.MANAGE_BUDGET, community.id)
    deciders = identity.users_by_ids(session, {d.decided_by for d in decisions if d.decided_by})
    lines = service.lines_of(session, community.id, budget_id, version=shown)
    linked = {}  # each version's committee decision or owners' vote, where linked
    for decided in decisions:
        matter = authorities.budget_matter(budget.first.year, decided.version)
        cited = authorities.authorised_by(session, community.id, matter)
        if cited is not None:
            href = authorities.authority_href(community.code, cited)
            linked[decided.version] = {"text": cited, "href": href}
    return render_budget(
        request,
        viewer,
        community,
        "disclosure/budget_show.html",
        status_code=status_code,
        budget=budget,
        shown=shown,
        lines=lines,
        totals=totals_of(lines),
        comments=[c for c in comments if c.version == shown],
        decisions=decisions,
        authorities=linked,
        deciders={k: u.display_name for k, u in deciders.items()} if may_name else {},
        account_names=_account_names(session, community.id, locale_of(request)),
        comment_form=context.pop("comment_form", {"line": "", "body": ""}),
        **context,
    )


@router.post(f"{ONE}/comments", dependencies=[CsrfChecked])
def comment(
    request: Request,
    budget_id: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    line: FormText = "",
    body: FormText = "",
) -> Response:
    """An owner's comment on a line of the open budget, published without their name."""
    identity.authorize(viewer, Action.COMMENT_BUDGET, community.id)
    try:
        with session.begin_nested():
            number = int(line) if line.strip().isdigit() else 0
            service.comment_on_line(
                session,
                community.id,
                budget_id,
                line_number=number,
                body=body,
                actor_id=viewer.user_id,
            )
    except Invalid as exc:
        form = {"line": line, "body": body}
        return _budget_page(
            request,
            session,
            viewer,
            community,
            budget_id,
            comment_form=form,
            error=exc,
            status_code=422,
        )
    session.commit()
    return _see_you(community.code, budget_id, "#comments")


@router.post(f"{ONE}/open", dependencies=[CsrfChecked])
def open_budget(
    budget_id: RowId, session: DbSession, viewer: CurrentViewer, community: CurrentCommunity
) -> Response:
    """Open the draft to the owners' comments; its lines are then fixed."""
    identity.authorize(viewer, Action.MANAGE_BUDGET, community.id)
    service.open_for_comments(session, community.id, budget_id, actor_id=viewer.user_id)
    session.commit()
    return _see_you(community.code, budget_id)


@router.post(f"{ONE}/approve", dependencies=[CsrfChecked])
@allow_body(ledger.voucher_max_bytes)
def approve(
    request: Request,
    budget_id: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    document: Annotated[UploadFile | None, Form()] = None,
    publish_as_is: Annotated[bool, Form()] = False,
    authority: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    """Approve the open budget with its document (a voucher) and committee decision."""
    identity.authorize(viewer, Action.APPROVE_BUDGET, community.id)
    try:
        with session.begin_nested():
            sha256 = store_document(session, viewer, community, document, publish_as_is)
            service.approve_budget(
                session,
                community.id,
                budget_id,
                decision_sha256=sha256 or "",  # none uploaded: the service says what is missing
                actor_id=viewer.user_id,
                authority=authority or None,
            )
    except Invalid as exc:
        return _budget_page(
            request, session, viewer, community, budget_id, error=exc, status_code=422
        )
    session.commit()
    return _see_you(community.code, budget_id)


# --- lines: a draft's, or a revision's -----------------------------------------------


@router.get(f"{ONE}/lines")
def edit_lines(
    request: Request,
    budget_id: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
) -> Response:
    """The form of a draft's lines: name, kind, yearly amount, accounts, pattern, note."""
    identity.authorize(viewer, Action.MANAGE_BUDGET, community.id)
    return _lines_page(request, session, viewer, community, budget_id, revise=False)


@router.get(f"{ONE}/revise")
def revise_form(
    request: Request,
    budget_id: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
) -> Response:
    """The revision form: the lines in force to change, a reason, the decision document."""
    identity.authorize(viewer, Action.APPROVE_BUDGET, community.id)
    return _lines_page(request, session, viewer, community, budget_id, revise=True)


def _lines_page(
    request: Request,
    session: Session,
    viewer: Viewer,
    community: CommunityRef,
    budget_id: RowId,
    *,
    revise: bool,
    rows: list[schemas.LineRow] | None = None,
    status_code: int = 200,
    **context: Any,
) -> Response:
    budget = load(session, viewer, community, budget_id)
    if rows is None:
        rows = [
            schemas.LineRow.of(line) for line in service.lines_of(session, community.id, budget_id)
        ]
    return render_budget(
        request,
        viewer,
        community,
        "disclosure/budget_lines.html",
        status_code=status_code,
        budget=budget,
        revise=revise,
        rows=with_blanks(rows),
        accounts=ledger.list_accounts(session, community.id),
        reason=context.pop("reason", ""),
        **context,
    )


@router.post(f"{ONE}/lines", dependencies=[CsrfChecked])
def save_lines(  # noqa: PLR0913, PLR0917 - one argument per form column
    request: Request,
    budget_id: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    name_zh: FormList = None,
    name_en: FormList = None,
    kind: FormList = None,
    amount: FormList = None,
    accounts: FormList = None,
    pattern: FormList = None,
    note: FormList = None,
) -> Response:
    """Replace the draft's lines, all or nothing; then show the budget."""
    identity.authorize(viewer, Action.MANAGE_BUDGET, community.id)
    rows = line_rows(name_zh, name_en, kind, amount, accounts, pattern, note)
    try:
        with session.begin_nested():
            lines = schemas.form_lines(rows)
            service.set_lines(session, community.id, budget_id, lines, actor_id=viewer.user_id)
    except Invalid as exc:
        return _lines_page(
            request,
            session,
            viewer,
            community,
            budget_id,
            revise=False,
            rows=[r for r in rows if not r.blank],
            error=exc,
            status_code=422,
        )
    session.commit()
    return _see_you(community.code, budget_id)


@router.post(f"{ONE}/revise", dependencies=[CsrfChecked])
@allow_body(ledger.voucher_max_bytes)
def revise(  # noqa: PLR0913, PLR0917 - one argument per form field or column
    request: Request,
    budget_id: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    reason: FormText = "",
    document: Annotated[UploadFile | None, Form()] = None,
    publish_as_is: Annotated[bool, Form()] = False,
    authority: Annotated[str, Form(max_length=32)] = "",
    name_zh: FormList = None,
    name_en: FormList = None,
    kind: FormList = None,
    amount: FormList = None,
    accounts: FormList = None,
    pattern: FormList = None,
    note: FormList = None,
) -> Response:
    """Put a new version of the lines in force, with its reason; every version stays visible."""
    identity.authorize(viewer, Action.APPROVE_BUDGET, community.id)
    rows = line_rows(name_zh, name_en, kind, amount, accounts, pattern, note)
    try:
        with session.begin_nested():
            lines = schemas.form_lines(rows)
            sha256 = store_document(session, viewer, community, document, publish_as_is)
            service.revise_budget(
                session,
                community.id,
                budget_id,
                lines,
                reason=reason,
                decision_sha256=sha256 or "",  # none uploaded: the service says what is missing
                actor_id=viewer.user_id,
                authority=authority or None,
            )
    except Invalid as exc:
        return _lines_page(
            request,
            session,
            viewer,
            community,
            budget_id,
            revise=True,
            rows=[r for r in rows if not r.blank],
            reason=reason,
            authority=authority,
            error=exc,
            files_lost=bool(document and document.filename),
            status_code=422,
        )
    session.commit()
    return _see_you(community.code, budget_id)
