"""The owners' board at /c/{code}/board: the latest notice, the charts, past notices, the keys.

Any member of the community (VIEW_BOOKS) reads it, on a phone first. It shows only what
is public (LAW.md 3): account figures, masked counterparties, and the public keys that
sign the log. The charts are SVGs drawn on the server (`charts`), one route each, so
the page itself runs few queries and needs no script. This module's `router` also
gathers the notice pages and the verify page (one line in pages/__init__.py).
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi import Request
from fastapi.responses import Response

from sunshine.disclosure.pages import charts
from sunshine.disclosure.pages import notices as notice_pages
from sunshine.disclosure.pages import verify as verify_pages
from sunshine.disclosure.pages.board_common import BOARD
from sunshine.disclosure.pages.board_common import render_board
from sunshine.disclosure.pages.board_common import runs
from sunshine.disclosure.service import board as service
from sunshine.disclosure.service import budgets
from sunshine.disclosure.service import cosigning
from sunshine.disclosure.service import notices
from sunshine.disclosure.service import schedule
from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra import board_items
from sunshine.infra import clock
from sunshine.infra.web import CurrentCommunity
from sunshine.infra.web import DbSession
from sunshine.infra.web import OptionalViewer
from sunshine.infra.web import locale_of
from sunshine.infra.web import translator
from sunshine.kernel.errors import NotFound
from sunshine.transparency import service as transparency

router = APIRouter(include_in_schema=False)
CHARTS = ("flows", "balance", "categories")


@router.get(BOARD)
def board(
    request: Request, session: DbSession, viewer: OptionalViewer, community: CurrentCommunity
) -> Response:
    """The latest notice in brief, overdue notices, the charts, past notices and the keys."""
    identity.authorize(viewer, Action.READ_PUBLIC, community)
    published = notices.list_notices(session, community.id)
    latest = published[0] if published else None
    months = service.book_months(session, community.id)
    categories = (
        service.spending_by_category(session, community.id, first=latest.first, last=latest.period)
        if latest is not None
        else []
    )
    return render_board(
        request,
        viewer,
        community,
        "disclosure/board.html",
        latest=latest,
        record=notices.record_of(latest) if latest is not None else None,
        printed=notices.printed_checkpoint(session, community.id, latest) if latest else None,
        published=published,
        counts=notices.version_counts(session, community.id, [n.period for n in published]),
        overdue=runs(schedule.overdue(session, community.id, today=clock.today())),
        months=months,
        categories=categories,
        budget=budgets.find_budget_for(session, community.id, latest.period) if latest else None,
        keys=transparency.public_keys(session, community.id),
        announcements=board_items.latest(session, community.id),
        cosigns=cosigning.statuses(session, community.id, published),
        cosign_key=cosigning.key,
        awaiting=cosigning.awaiting(session, community.id, published)
        if identity.can(viewer, Action.COSIGN_NOTICE, community.id)
        else [],
    )


@router.get(BOARD + "/{chart}.svg")
def chart(
    request: Request,
    chart: str,
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
) -> Response:
    """One of the board's charts as SVG: flows by month, the balance, or spending by category."""
    identity.authorize(viewer, Action.READ_PUBLIC, community)
    if chart not in CHARTS:
        raise NotFound("there is no chart named {chart}", args={"chart": chart[:20]})
    locale, gettext = locale_of(request), translator(request)
    if chart == "categories":
        published = notices.list_notices(session, community.id, limit=1)
        found = (
            service.spending_by_category(
                session, community.id, first=published[0].first, last=published[0].period
            )
            if published
            else []
        )
        svg = charts.categories_chart(found, locale=locale, gettext=gettext)
    else:
        flows = service.monthly_flows(
            session, community.id, service.book_months(session, community.id)
        )
        draw = charts.flows_chart if chart == "flows" else charts.balance_chart
        svg = draw(flows, locale=locale, gettext=gettext)
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "no-store"})


router.include_router(notice_pages.router)
router.include_router(verify_pages.router)
