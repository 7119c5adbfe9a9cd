"""Budget vs actual, its chart, the projected year-end result, and "close the gap".

Everyone in the community (VIEW_BOOKS) reads them: they hold account figures only. The
chart is an SVG drawn on the server by pygal with `js=[]` (no script is fetched from
the internet; the SVG's inline config is inert in an <img>), so the page works on an
intranet. The close-the-gap form asks the server again whenever a lever
changes (htmx swaps only the result), and works as a plain GET form without scripts.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pygal
from fastapi import APIRouter
from fastapi import Request
from fastapi.responses import Response
from pygal.style import Style

from sunshine.disclosure.models.budgets import Budget
from sunshine.disclosure.pages.budget_common import ONE
from sunshine.disclosure.pages.budget_common import load
from sunshine.disclosure.pages.budget_common import render_budget
from sunshine.disclosure.rules import budget as rules
from sunshine.disclosure.rules import budget_figures as figures
from sunshine.disclosure.rules import levers as lever_rules
from sunshine.disclosure.schemas import budgets as schemas
from sunshine.disclosure.service import budget_actuals
from sunshine.disclosure.service import budgets as service
from sunshine.disclosure.service import levers
from sunshine.infra import clock
from sunshine.infra.inputs import RowId
from sunshine.infra.web import CurrentCommunity
from sunshine.infra.web import DbSession
from sunshine.infra.web import OptionalViewer
from sunshine.infra.web import locale_of
from sunshine.infra.web import translator
from sunshine.kernel.errors import Invalid
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import schemas as ledger_schemas

router = APIRouter(include_in_schema=False)
LEVER_FIELDS = (
    "visitor_price",
    "visitor_visits",
    "advertising",
    "cut_line",
    "cut",
    "fee_change",
    "households",
    "collection_percent",
    "remuneration_change",
)


def default_month(budget: Budget, today: date) -> Period:
    """The month a report opens on: last month, kept inside the budget's year."""
    last = rules.last_period(budget.first)
    return min(max(Period.of(today).previous(), budget.first), last)


@router.get(f"{ONE}/actual")
def actual(
    request: Request,
    budget_id: RowId,
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
    period: str | None = None,
) -> Response:
    """Budget vs actual by line for a month and the year to date, the chart, the projection."""
    budget = load(session, viewer, community, budget_id)
    today = clock.today()
    month = ledger_schemas.parse_period(period) if period else default_month(budget, today)
    return render_budget(
        request,
        viewer,
        community,
        "disclosure/budget_actual.html",
        budget=budget,
        month=month,
        comparison=budget_actuals.compare_budget(session, budget, first=month),
        projection=budget_actuals.project_budget(session, budget, today=today),
        income=rules.LineKind.INCOME,
        spending=rules.LineKind.SPENDING,
    )


@router.get(f"{ONE}/chart.svg")
def chart(
    request: Request,
    budget_id: RowId,
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
    period: str | None = None,
) -> Response:
    """Budget and actual, year to date, per line: a bar chart in SVG, with no external script."""
    budget = load(session, viewer, community, budget_id)
    month = ledger_schemas.parse_period(period) if period else default_month(budget, clock.today())
    comparison = budget_actuals.compare_budget(session, budget, first=month)
    svg = draw_chart(comparison, locale=locale_of(request), gettext=translator(request))
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "no-store"})


def _yuan(amount: Fen) -> int:
    """Whole yuan for the chart's bars (the tables show the exact fen)."""
    return amount.value // 100 if amount.value >= 0 else -(-amount.value // 100)


def draw_chart(comparison: figures.Comparison, *, locale: str, gettext: object) -> bytes:
    """The year-to-date budget and actual of every line, as horizontal bars (pygal, no JS)."""
    assert callable(gettext)
    style = Style(
        font_family="'Noto Sans CJK SC', 'Noto Sans SC', sans-serif",
        background="white",
        plot_background="white",
        colors=("#e8a317", "#1f2933"),
    )
    chart = pygal.HorizontalBar(
        js=[],
        style=style,
        width=800,
        height=120 + 38 * len(comparison.rows),
        legend_at_bottom=True,
        print_values=False,
        title=f"{gettext('Budget and actual, year to date')} {comparison.year_first}–"
        f"{comparison.last}",
    )
    rows = list(reversed(comparison.rows))  # pygal draws the first label at the bottom
    chart.x_labels = [row.name(locale) for row in rows]
    chart.add(gettext("Budget"), [_yuan(row.budget_ytd) for row in rows])
    chart.add(gettext("Actual"), [_yuan(row.actual_ytd) for row in rows])
    rendered: bytes = chart.render()
    return rendered


# --- close the gap -------------------------------------------------------------------


@router.get(f"{ONE}/gap")
def gap(
    request: Request,
    budget_id: RowId,
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
) -> Response:
    """The projected result and the levers to close the gap, with the votes each needs."""
    budget = load(session, viewer, community, budget_id)
    fields = {name: request.query_params.get(name, "") for name in LEVER_FIELDS}
    if not fields["households"]:
        fields["households"] = str(levers.households(session, community.id))
    if not fields["collection_percent"]:
        fields["collection_percent"] = "95"
    template = (
        "disclosure/budget_gap_result.html"
        if request.headers.get("HX-Request") == "true"
        else "disclosure/budget_gap.html"
    )
    lines = service.lines_of(session, community.id, budget_id)
    context: dict[str, Any] = {
        "budget": budget,
        "form": fields,
        "lines": list(enumerate(lines, start=1)),
        "votes": lever_rules.VOTES,
        "vote_hrefs": {
            lever: lever_rules.draft_href(community.code, lever) for lever in lever_rules.Lever
        },
        "spending": rules.LineKind.SPENDING,
    }
    try:
        inputs = schemas.lever_inputs(fields)
        projection, result = levers.close_the_gap(session, budget, inputs, today=clock.today())
    except Invalid as exc:
        context.update(error=exc, gap=None)
        return render_budget(request, viewer, community, template, status_code=422, **context)
    context.update(projection=projection, gap=result)
    return render_budget(request, viewer, community, template, **context)
