"""Closing a month at /c/{code}/ledger/close: the manager asks, the committee countersigns.

A manager (MANAGE_LEDGER) picks a month and sees what closing it makes final (htmx loads
the confirmation in place; without script the same GET renders the whole page), then
asks with a ticked confirmation. A committee member of the community (COUNTERSIGN_CLOSE)
sees the same figures and countersigns, which closes the month; a manager may withdraw a
request first. Staff and the committee (VIEW_CLOSING) see every request, who acted, and
the public log records of each step. The rules are the service's (`ledger.service.closing`
and `periods`); a refusal comes back on the page with its reason.
"""

from __future__ import annotations

from typing import Annotated
from typing import Any

from fastapi import APIRouter
from fastapi import Form
from fastapi import Request
from fastapi.responses import RedirectResponse
from fastapi.responses import Response
from sqlalchemy.orm import Session

from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra import authority as authorities
from sunshine.infra import clock
from sunshine.infra.inputs import RowId
from sunshine.infra.tenancy import CommunityRef
from sunshine.infra.web import CsrfChecked
from sunshine.infra.web import CurrentCommunity
from sunshine.infra.web import CurrentViewer
from sunshine.infra.web import DbSession
from sunshine.infra.web import Viewer
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Forbidden
from sunshine.kernel.errors import Invalid
from sunshine.kernel.periods import Period
from sunshine.ledger import schemas
from sunshine.ledger import service
from sunshine.ledger.pages.books_common import LEDGER
from sunshine.ledger.pages.books_common import FormText
from sunshine.ledger.pages.books_common import open_books
from sunshine.ledger.pages.books_common import render_books
from sunshine.ledger.rules import CloseOutcome
from sunshine.transparency import service as log

router = APIRouter(include_in_schema=False)
CLOSE = f"{LEDGER}/close"
Confirmed = Annotated[bool, Form()]
# What a step may be refused with, shown on the page in place (the status as the API's).
Refusal = Invalid | Conflict | Forbidden
REFUSALS = (Invalid, Conflict, Forbidden)
_STATUS: dict[type[Refusal], int] = {Invalid: 422, Conflict: 409, Forbidden: 403}


@router.get(CLOSE)
def close_page(
    request: Request, session: DbSession, viewer: CurrentViewer, community: CurrentCommunity
) -> Response:
    """Where the books are closed through, the request waiting (if any), and every step so far."""
    open_books(viewer, community, Action.VIEW_CLOSING)
    return _page(request, session, viewer, community)


@router.get(f"{CLOSE}/review")
def review(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    period: str = "",
) -> Response:
    """The confirmation: what closing the month makes final, and the form that asks for it."""
    open_books(viewer, community, Action.MANAGE_LEDGER)
    month = schemas.parse_period(period, where="period")
    context: dict[str, Any] = {"review": service.month_summary(session, community.id, month)}
    status = 200
    try:
        service.check_closable(session, community.id, month)
    except REFUSALS as exc:
        context["review_error"], status = exc, _status(exc)
    if request.headers.get("HX-Request") == "true":
        return render_books(
            request, viewer, community, "ledger/close_review.html", status_code=status, **context
        )
    return _page(request, session, viewer, community, status_code=status, **context)


@router.post(f"{CLOSE}/requests", dependencies=[CsrfChecked])
def ask(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    period: FormText = "",
    confirm: Confirmed = False,
) -> Response:
    """Ask the committee to close the month (a manager); the month is not closed yet."""
    open_books(viewer, community, Action.MANAGE_LEDGER)
    try:
        with session.begin_nested():  # a refused request writes nothing
            _confirmed(confirm)
            month = schemas.parse_period(period, where="period")
            service.request_close(session, community.id, period=month, actor_id=viewer.user_id)
    except REFUSALS as exc:
        return _refused(request, session, viewer, community, exc)
    session.commit()
    return RedirectResponse(f"/c/{community.code}/ledger/close", status_code=303)


@router.post(f"{CLOSE}/requests/{{number}}/countersign", dependencies=[CsrfChecked])
def countersign(
    request: Request,
    number: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    confirm: Confirmed = False,
    authority: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    """Countersign as a committee member, citing the committee's decision: it closes now."""
    open_books(viewer, community, Action.COUNTERSIGN_CLOSE)
    try:
        with session.begin_nested():
            _confirmed(confirm)
            service.countersign_close(
                session,
                community.id,
                number,
                actor_id=viewer.user_id,
                authority=authority.strip() or None,
            )
    except REFUSALS as exc:
        return _refused(request, session, viewer, community, exc)
    session.commit()
    return RedirectResponse(f"/c/{community.code}/ledger/close", status_code=303)


@router.post(f"{CLOSE}/requests/{{number}}/withdraw", dependencies=[CsrfChecked])
def withdraw(
    request: Request,
    number: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
) -> Response:
    """Withdraw a request the committee has not countersigned (a manager)."""
    open_books(viewer, community, Action.MANAGE_LEDGER)
    try:
        with session.begin_nested():
            service.withdraw_close(session, community.id, number, actor_id=viewer.user_id)
    except REFUSALS as exc:
        return _refused(request, session, viewer, community, exc)
    session.commit()
    return RedirectResponse(f"/c/{community.code}/ledger/close", status_code=303)


def _confirmed(confirm: bool) -> None:
    if not confirm:
        raise Invalid("tick the box to confirm that closing the month is final")


def _status(exc: Refusal) -> int:
    return _STATUS[type(exc)]


def _refused(
    request: Request, session: Session, viewer: Viewer, community: CommunityRef, exc: Refusal
) -> Response:
    return _page(request, session, viewer, community, error=exc, status_code=_status(exc))


def _page(
    request: Request,
    session: Session,
    viewer: Viewer,
    community: CommunityRef,
    *,
    status_code: int = 200,
    **context: Any,
) -> Response:
    cid = community.id
    steps = service.list_close_steps(session, cid)
    pending = next((step for step in steps if step.pending), None)
    people = {s.request.requested_by for s in steps} | {
        s.decision.decided_by for s in steps if s.decision is not None
    }
    return render_books(
        request,
        viewer,
        community,
        "ledger/close.html",
        status_code=status_code,
        closed_through=service.closed_through(session, cid),
        steps=steps,
        pending=pending,
        pending_summary=service.month_summary(session, cid, pending.request.period)
        if pending
        else None,
        names={
            uid: user.display_name for uid, user in identity.users_by_ids(session, people).items()
        },
        records=_records(session, cid, steps),
        authorities=_authorities(session, community, steps),
        months=_months(session, cid),
        can_request=identity.can(viewer, Action.MANAGE_LEDGER, cid),
        can_countersign=identity.can(viewer, Action.COUNTERSIGN_CLOSE, cid),
        **context,
    )


def _authorities(
    session: Session, community: CommunityRef, steps: list[service.CloseStep]
) -> dict[int, dict[str, str | None]]:
    """The committee decision (or owners' vote) each countersigned close cites: request → it."""
    found: dict[int, dict[str, str | None]] = {}
    for step in steps:
        if step.decision is None or step.decision.outcome is not CloseOutcome.COUNTERSIGNED:
            continue
        matter = authorities.month_close_matter(step.request.period)
        cited = authorities.authorised_by(session, community.id, matter)
        if cited is not None:
            href = authorities.authority_href(community.code, cited)
            found[step.request.id] = {"text": cited, "href": href}
    return found


def _records(
    session: Session, community_id: int, steps: list[service.CloseStep]
) -> dict[tuple[str, int], int]:
    """The log's sequence number of each step: (kind, request number) → seq."""
    found: dict[tuple[str, int], int] = {}
    for step in steps:
        number = step.request.id
        refs = [(service.REQUESTED_KIND, str(number))]
        if step.decision is not None:
            closed = step.decision.outcome is CloseOutcome.COUNTERSIGNED
            kind = service.CLOSED_KIND if closed else service.WITHDRAWN_KIND
            refs.append((kind, str(step.request.period) if closed else str(number)))
        for kind, ref in refs:
            record = log.find_record(session, community_id, kind=kind, ref=ref)
            if record is not None:
                found[kind, number] = record.seq
    return found


def _months(session: Session, community_id: int) -> list[Period]:
    """The ended months still open, oldest first (the next to close): a manager picks one."""
    last_ended = Period.of(clock.today()).previous()
    closed = service.closed_through(session, community_id)
    month = closed.next() if closed else (service.first_period(session, community_id) or last_ended)
    months: list[Period] = []
    while month <= last_ended:
        months.append(month)
        month = month.next()
    return months
