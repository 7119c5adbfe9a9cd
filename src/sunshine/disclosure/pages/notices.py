"""The notice pages: the calendar (/c/{code}/notices), one notice, and publishing it.

Any member of the community (VIEW_BOOKS) reads the calendar and every published version
of every notice: a corrected notice keeps its earlier versions, each with its own
checkpoint. The trustee's staff (PUBLISH_NOTICE) see what publishing would freeze and
publish it; a version after the first needs a reason. A refused publish writes nothing
and the form comes back with the problems (422, or 409 when nothing changed).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from fastapi import Form
from fastapi import Query
from fastapi import Request
from fastapi.responses import RedirectResponse
from fastapi.responses import Response
from sqlalchemy.orm import Session

from sunshine.disclosure.pages.board_common import NOTICE
from sunshine.disclosure.pages.board_common import NOTICES
from sunshine.disclosure.pages.board_common import cited_and_bare
from sunshine.disclosure.pages.board_common import render_board
from sunshine.disclosure.pages.board_common import verify_path
from sunshine.disclosure.pages.cosign_form import cosign_form
from sunshine.disclosure.service import cosigning
from sunshine.disclosure.service import notices as service
from sunshine.disclosure.service import schedule
from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra import clock
from sunshine.infra.inputs import RowId
from sunshine.infra.tenancy import CommunityRef
from sunshine.infra.web import CsrfChecked
from sunshine.infra.web import CurrentCommunity
from sunshine.infra.web import CurrentViewer
from sunshine.infra.web import DbSession
from sunshine.infra.web import OptionalViewer
from sunshine.infra.web import Viewer
from sunshine.infra.web import render
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Forbidden
from sunshine.kernel.errors import Invalid
from sunshine.kernel.periods import Period
from sunshine.ledger.schemas import parse_period

router = APIRouter(include_in_schema=False)
VersionQuery = Annotated[RowId | None, Query(alias="v")]


@router.get("/notices/overdue")
def overdue(request: Request, session: DbSession, viewer: CurrentViewer) -> Response:
    """Supervisors: every overdue notice in the communities they oversee, across them all."""
    found = schedule.overdue_where(
        session,
        ids=identity.communities_of(viewer),
        allowed=lambda cid: identity.can(viewer, Action.VIEW_OVERSIGHT, cid),
        today=clock.today(),
    )
    if found is None:
        raise Forbidden("only supervisors see overdue notices across communities")
    return render(request, "disclosure/overdue.html", {"found": found})


@router.get(NOTICES)
def calendar(
    request: Request, session: DbSession, viewer: OptionalViewer, community: CurrentCommunity
) -> Response:
    """Every notice whose period has ended, newest first: published, due or overdue."""
    identity.authorize(viewer, Action.READ_PUBLIC, community)
    slots = schedule.calendar(session, community.id, today=clock.today())
    published = [slot.last for slot in slots if slot.published_on is not None]
    return render_board(
        request,
        viewer,
        community,
        "disclosure/notices.html",
        slots=list(reversed(slots)),
        counts=service.version_counts(session, community.id, published),
        calendar=schedule.get_schedule(session, community.id),
    )


@router.get(NOTICE)
def notice(
    request: Request,
    period: str,
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
    version: VersionQuery = None,
) -> Response:
    """A published notice in full (the latest version, or `?v=N`), with every version listed."""
    identity.authorize(viewer, Action.READ_PUBLIC, community)
    found = service.get_notice(session, community.id, parse_period(period), version)
    versions = service.list_versions(session, community.id, found.period)
    record = service.record_of(found)
    return render_board(
        request,
        viewer,
        community,
        "disclosure/notice_page.html",
        notice=found,
        record=record,
        pending_vouchers=service.vouchers_without_public_copy(session, community.id, record),
        versions=versions,
        latest=versions[-1],
        printed=service.printed_checkpoint(session, community.id, found),
        verify=verify_path(session, community, found),
        api=f"/api/v1/communities/{community.code}/notices/{found.period}",
        cosign=cosigning.status_of(session, community.id, found),
        signing=cosign_form(session, viewer, community.id, found),
        viewer_id=None if viewer is None else viewer.user_id,
    )


@router.get(NOTICE + "/publish")
def publish_form(
    request: Request,
    period: str,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
) -> Response:
    """What publishing now would freeze, and the form (with a reason for a new version)."""
    identity.authorize(viewer, Action.PUBLISH_NOTICE, community.id)
    return _publish_page(request, session, viewer, community, parse_period(period))


def _publish_page(
    request: Request,
    session: Session,
    viewer: Viewer,
    community: CommunityRef,
    month: Period,
    *,
    reason: str = "",
    error: Exception | None = None,
    status_code: int = 200,
) -> Response:
    today = clock.today()
    record = service.preview(session, community, period=month, today=today)
    return render_board(
        request,
        viewer,
        community,
        "disclosure/notice_page_publish.html",
        status_code=status_code,
        period=month,
        record=record,
        pending_vouchers=service.vouchers_without_public_copy(session, community.id, record),
        versions=service.list_versions(session, community.id, month),
        ended=month.last_day < today,
        reason=reason,
        error=error,
    )


@router.get(NOTICE + "/publish/review")
def publish_review(
    request: Request,
    period: str,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    reason: Annotated[str, Query(max_length=2000)] = "",
) -> Response:
    """The confirmation step: exactly what will be published, before the final POST."""
    identity.authorize(viewer, Action.PUBLISH_NOTICE, community.id)
    month = parse_period(period)
    record = service.preview(session, community, period=month, today=clock.today())
    return render_board(
        request,
        viewer,
        community,
        "disclosure/notice_page_confirm.html",
        period=month,
        record=record,
        cited=cited_and_bare(record),
        pending_vouchers=service.vouchers_without_public_copy(session, community.id, record),
        versions=service.list_versions(session, community.id, month),
        ended=month.last_day < clock.today(),
        reason=reason,
    )


@router.post(NOTICE + "/publish", dependencies=[CsrfChecked])
def publish(
    request: Request,
    period: str,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Freeze the notice: log it, sign a checkpoint, and show it; or the form with the problems."""
    identity.authorize(viewer, Action.PUBLISH_NOTICE, community.id)
    month = parse_period(period)
    try:
        with session.begin_nested():
            published = service.publish_notice(
                session,
                community,
                period=month,
                actor_id=viewer.user_id,
                today=clock.today(),
                reason=reason,
            )
    except (Invalid, Conflict) as exc:
        status = 409 if isinstance(exc, Conflict) else 422
        return _publish_page(
            request, session, viewer, community, month, reason=reason, error=exc, status_code=status
        )
    session.commit()
    return RedirectResponse(
        f"/c/{community.code}/notices/{published.period}?v={published.version}", status_code=303
    )
