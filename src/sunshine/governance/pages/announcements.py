"""Announcements (公告) at /c/{code}/announcements: the board of notices, one notice, publishing.

Everyone who may read the community's public notices sees them, newest first, each with its
publishing day and, where there is one, the day it was due by (flagged when late); staff
and the committee (PUBLISH_ANNOUNCEMENT) publish one, which is logged. Each prints on A4
for the paper board (`/c/{code}/announcements/{n}.pdf`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter
from fastapi import Request
from fastapi.responses import RedirectResponse
from fastapi.responses import Response

from sunshine.governance.pages.surveys_common import ANNOUNCEMENTS
from sunshine.governance.pages.surveys_common import REFUSALS
from sunshine.governance.pages.surveys_common import FormText
from sunshine.governance.pages.surveys_common import render_governance
from sunshine.governance.pages.surveys_common import status_of
from sunshine.governance.rules.announcements import AnnouncementKind
from sunshine.governance.service import announcements
from sunshine.governance.service import printing
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
from sunshine.kernel.errors import Invalid

router = APIRouter(include_in_schema=False)


@router.get(ANNOUNCEMENTS)
def announcement_list(
    request: Request, session: DbSession, viewer: OptionalViewer, community: CurrentCommunity
) -> Response:
    """Every announcement, newest first, with its day, deadline and lateness."""
    identity.authorize(viewer, Action.READ_PUBLIC, community)
    rows = announcements.list_announcements(session, community.id)
    return render_governance(
        request, viewer, community, "governance/announcements.html",
        announcements=rows, late={a.id for a in rows if announcements.is_late(a)},
    )  # fmt: skip


@router.get(ANNOUNCEMENTS + "/new")
def new_announcement(
    request: Request, viewer: CurrentViewer, community: CurrentCommunity
) -> Response:
    identity.authorize(viewer, Action.PUBLISH_ANNOUNCEMENT, community)
    return _form(request, viewer, community)


def _form(
    request: Request,
    viewer: Viewer,
    community: CommunityRef,
    *,
    status_code: int = 200,
    **context: Any,
) -> Response:
    return render_governance(
        request, viewer, community, "governance/announcement_new.html",
        status_code=status_code, today=clock.today(), **context,
    )  # fmt: skip


@router.post(ANNOUNCEMENTS, dependencies=[CsrfChecked])
def publish(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    kind: FormText = "",
    title: FormText = "",
    text: FormText = "",
    ref: FormText = "",
    due_by: FormText = "",
) -> Response:
    """Publish today; a decision's announcement is noted on the decision as well."""
    identity.authorize(viewer, Action.PUBLISH_ANNOUNCEMENT, community)
    try:
        with session.begin_nested():
            row = announcements.publish(
                session, community.id, kind=_kind(kind), title=title, text=text,
                on=clock.today(), ref=ref, due_by=_day(due_by), actor_id=viewer.user_id,
            )  # fmt: skip
    except REFUSALS as exc:
        form = {"kind": kind, "title": title, "text": text, "ref": ref, "due_by": due_by}
        return _form(request, viewer, community, status_code=status_of(exc), error=exc, form=form)
    session.commit()
    return RedirectResponse(f"/c/{community.code}/announcements/{row.id}", status_code=303)


def _kind(text: str) -> AnnouncementKind:
    try:
        return AnnouncementKind(text)
    except ValueError:
        raise Invalid("choose what the announcement is") from None


def _day(text: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise Invalid("{value} is not a date (YYYY-MM-DD)", args={"value": text[:20]}) from None


@router.get(ANNOUNCEMENTS + "/{number}.pdf")
def announcement_pdf(
    number: RowId, session: DbSession, viewer: OptionalViewer, community: CurrentCommunity
) -> Response:
    """The announcement on A4 for the paper board."""
    identity.authorize(viewer, Action.READ_PUBLIC, community)
    row = announcements.get_announcement(session, community.id, number)
    pdf = printing.announcement_pdf(community.name, row)
    disposition = f'inline; filename="announcement-{number}.pdf"'
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": disposition})


@router.get(ANNOUNCEMENTS + "/{number}")
def announcement_page(
    request: Request,
    number: RowId,
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
) -> Response:
    identity.authorize(viewer, Action.READ_PUBLIC, community)
    row = announcements.get_announcement(session, community.id, number)
    return render_governance(
        request, viewer, community, "governance/announcement.html",
        a=row, late=announcements.is_late(row),
    )  # fmt: skip
