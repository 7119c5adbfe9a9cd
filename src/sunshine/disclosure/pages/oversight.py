"""The supervisors' landing page at /oversight: their communities, each with its latest notice.

Each row says whether a notice is overdue; the page links to every overdue notice.

The street office's supervisor (SUPERVISOR, in the communities assigned) and the city
supervisor (every community) land here after logging in, not on an owners' home page.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi import Request
from fastapi.responses import Response

from sunshine.disclosure.service import oversight
from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra import clock
from sunshine.infra.web import CurrentViewer
from sunshine.infra.web import DbSession
from sunshine.infra.web import render
from sunshine.kernel.errors import Forbidden

router = APIRouter(include_in_schema=False)
OVERSIGHT = "/oversight"


@router.get(OVERSIGHT)
def overview(request: Request, session: DbSession, viewer: CurrentViewer) -> Response:
    """Every community the viewer oversees: latest notice, overdue or not."""
    rows = oversight.watched(
        session,
        ids=identity.communities_of(viewer),
        allowed=lambda cid: identity.can(viewer, Action.VIEW_OVERSIGHT, cid),
        today=clock.today(),
    )
    if rows is None:
        raise Forbidden("only supervisors see overdue notices across communities")
    return render(
        request,
        "disclosure/oversight.html",
        {"rows": rows, "overdue_count": sum(len(r.overdue) for r in rows)},
    )
