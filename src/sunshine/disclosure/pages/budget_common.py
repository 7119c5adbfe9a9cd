"""What the budget's pages share: paths, the viewer's rights, field labels, rendering.

Nothing here is a route; `budget_forms` (drafting, approving, revising, comments) and
`budget_reports` (budget vs actual, the chart, closing the gap) hold those.
"""

from __future__ import annotations

from itertools import zip_longest
from typing import Annotated
from typing import Any

from fastapi import Form
from fastapi import Request
from fastapi import UploadFile
from fastapi.responses import Response
from sqlalchemy.orm import Session

from sunshine.disclosure.models.budgets import Budget
from sunshine.disclosure.rules import budget as rules
from sunshine.disclosure.schemas import budgets as schemas
from sunshine.disclosure.service import budgets as service
from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra import clock
from sunshine.infra.tenancy import CommunityRef
from sunshine.infra.web import Viewer
from sunshine.infra.web import render
from sunshine.kernel.money import ZERO
from sunshine.kernel.money import Fen
from sunshine.ledger import service as ledger

BUDGET = "/c/{code}/budget"
ONE = "/c/{code}/budget/{budget_id}"
FormText = Annotated[str, Form()]
FormList = Annotated[list[str] | None, Form()]
BLANK_ROWS = 3


def N_(message: str) -> str:  # noqa: N802 - the gettext marker the catalog extractor knows
    """Mark a message for translation where it is defined; templates translate it when shown."""
    return message


# The field a problem points at (Problem.where), as the forms label it.
FIELDS: dict[str, str] = {
    "title": N_("Title"),
    "first": N_("First month"),
    "lines": N_("Lines"),
    "state": N_("State"),
    "reason": N_("Reason"),
    "document": N_("Decision document"),
    "body": N_("Comment"),
    "line": N_("Line"),
    "visitor_price": N_("Price per visit"),
    "visitor_visits": N_("Charged visits a month"),
    "advertising": N_("Advertising income a month"),
    "cut_line": N_("Line to cut"),
    "cut": N_("Cut for the year"),
    "fee_change": N_("Fee change per household a year"),
    "households": N_("Households"),
    "collection_percent": N_("Collection rate (%)"),
    "remuneration_change": N_("Remuneration change a month"),
}
STATES: dict[str, str] = {
    rules.BudgetState.DRAFT: N_("Draft"),
    rules.BudgetState.OPEN: N_("Open for owners' comments"),
    rules.BudgetState.APPROVED: N_("Approved"),
    rules.BudgetState.REVISED: N_("Approved and revised"),
}
KINDS: dict[str, str] = {
    rules.LineKind.INCOME: N_("Income"),
    rules.LineKind.SPENDING: N_("Spending"),
}


def rights(viewer: Viewer | None, community_id: int) -> dict[str, bool]:
    """What the viewer may do with budgets here, for the templates."""
    return {
        "can_manage": identity.can(viewer, Action.MANAGE_BUDGET, community_id),
        "can_approve": identity.can(viewer, Action.APPROVE_BUDGET, community_id),
        "can_comment": identity.can(viewer, Action.COMMENT_BUDGET, community_id),
        "staff": identity.can(viewer, Action.VIEW_REGISTRY, community_id),
        # the close-the-gap view offers to start the vote a lever needs
        "can_start_vote": identity.can(viewer, Action.MANAGE_VOTES, community_id),
    }


def load(
    session: Session, viewer: Viewer | None, community: CommunityRef, budget_id: int
) -> Budget:
    """The budget, once the viewer may read the community's public notices."""
    identity.authorize(viewer, Action.READ_PUBLIC, community)
    return service.get_budget(session, community.id, budget_id)


def line_rows(
    name_zh: list[str] | None,
    name_en: list[str] | None,
    kind: list[str] | None,
    amount: list[str] | None,
    accounts: list[str] | None,
    pattern: list[str] | None,
    note: list[str] | None,
) -> list[schemas.LineRow]:
    """The line form's columns zipped back into rows."""
    columns = zip_longest(
        name_zh or [],
        name_en or [],
        kind or [],
        amount or [],
        accounts or [],
        pattern or [],
        note or [],
        fillvalue="",
    )
    return [schemas.LineRow(*row) for row in columns]


def with_blanks(rows: list[schemas.LineRow]) -> list[schemas.LineRow]:
    return [*rows, *[schemas.LineRow()] * BLANK_ROWS]


def store_document(
    session: Session,
    viewer: Viewer,
    community: CommunityRef,
    document: UploadFile | None,
    publish_as_is: bool,
) -> str | None:
    """Keep the uploaded decision document as a voucher; its SHA-256, or None if none came."""
    if document is None or not document.filename:
        return None
    data = document.file.read(ledger.voucher_max_bytes() + 1)  # more is refused
    voucher = ledger.store_voucher(
        session, community.id, data, name=document.filename, actor_id=viewer.user_id
    )
    if publish_as_is and voucher.public_sha256 is None:
        ledger.publish_original(session, community.id, voucher.sha256, actor_id=viewer.user_id)
    return voucher.sha256


def totals_of(lines: list[rules.LineDraft]) -> dict[str, Fen]:
    """Budgeted income, spending and the planned result of some lines."""
    income = sum((x.amount for x in lines if x.kind is rules.LineKind.INCOME), ZERO)
    spending = sum((x.amount for x in lines if x.kind is rules.LineKind.SPENDING), ZERO)
    return {"income": income, "spending": spending, "result": income - spending}


def render_budget(
    request: Request,
    viewer: Viewer | None,
    community: CommunityRef,
    template: str,
    *,
    status_code: int = 200,
    **context: Any,
) -> Response:
    """Render a budget page with the community, the viewer's rights and the label tables."""
    base = {
        "community": community,
        "community_name": community.name,
        "fields": FIELDS,
        "states": STATES,
        "kinds": KINDS,
        "today": clock.today(),
        "last_period": rules.last_period,
        **rights(viewer, community.id),
    }
    return render(request, template, {**base, **context}, status_code=status_code)
