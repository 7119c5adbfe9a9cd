"""JSON API of the budget (mounted at /api/v1): its steps, budget vs actual, the projection.

Also closing the gap. One route per step: read, draft, open, approve, revise, comment.

Any member of the community (VIEW_BOOKS) reads; writes need the same rights as the pages
(MANAGE_BUDGET, APPROVE_BUDGET, COMMENT_BUDGET), are CSRF-checked like every API write
and commit once, in the route. The decision document is uploaded first as a voucher
(POST /api/v1/communities/{code}/ledger/vouchers) and named here by its SHA-256.
Comments never carry their author.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from fastapi import Query
from fastapi import Request
from fastapi import status
from sqlalchemy.orm import Session

from sunshine.disclosure.models.budgets import Budget
from sunshine.disclosure.schemas import budget_reads as reads
from sunshine.disclosure.schemas import budgets as schemas
from sunshine.disclosure.service import budget_actuals
from sunshine.disclosure.service import budgets as service
from sunshine.disclosure.service import levers
from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra import clock
from sunshine.infra.inputs import RowId
from sunshine.infra.web import CsrfChecked
from sunshine.infra.web import CurrentCommunity
from sunshine.infra.web import DbSession
from sunshine.infra.web import OptionalViewer
from sunshine.kernel.periods import Period
from sunshine.ledger import schemas as ledger_schemas

router = APIRouter(prefix="/communities/{code}/budgets", tags=["budgets"])
MonthParam = Annotated[str | None, Query(examples=["2024-10"])]


def _read(session: Session, budget: Budget) -> reads.BudgetRead:
    cid = budget.community_id
    return reads.BudgetRead.from_model(
        budget,
        service.lines_of(session, cid, budget.id),
        service.decisions_of(session, cid, budget.id),
    )


@router.get("")
def list_budgets(
    session: DbSession, viewer: OptionalViewer, community: CurrentCommunity
) -> list[reads.BudgetRead]:
    """The community's budgets, the latest year first, with the lines in force."""
    identity.authorize(viewer, Action.READ_PUBLIC, community)
    return [_read(session, b) for b in service.list_budgets(session, community.id)]


@router.post("", status_code=status.HTTP_201_CREATED, dependencies=[CsrfChecked])
def create_budget(
    body: schemas.BudgetCreate,
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
) -> reads.BudgetRead:
    """Start a draft budget for the 12 months from `first`, optionally with its lines."""
    actor = identity.authorize(viewer, Action.MANAGE_BUDGET, community.id)
    budget = service.create_budget(
        session,
        community.id,
        first=ledger_schemas.parse_period(body.first, where="first"),
        title=body.title,
        lines=schemas.json_lines(body.lines),
        actor_id=actor.user_id,
    )
    session.commit()
    return _read(session, budget)


@router.get("/{budget_id}")
def show_budget(
    budget_id: RowId,
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
    version: Annotated[RowId | None, Query()] = None,
) -> reads.BudgetRead:
    """One budget with the lines of a version (default: the one in force) and its decisions."""
    identity.authorize(viewer, Action.READ_PUBLIC, community)
    budget = service.get_budget(session, community.id, budget_id)
    read = _read(session, budget)
    if version is not None and version != budget.version:
        lines = service.lines_of(session, community.id, budget_id, version=version)
        read = read.model_copy(
            update={"lines": [reads.LineRead.from_line(n, x) for n, x in enumerate(lines, start=1)]}
        )
    return read


@router.put("/{budget_id}/lines", dependencies=[CsrfChecked])
def set_lines(
    budget_id: RowId,
    body: schemas.LinesUpdate,
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
) -> reads.BudgetRead:
    """Replace a draft budget's lines."""
    actor = identity.authorize(viewer, Action.MANAGE_BUDGET, community.id)
    lines = schemas.json_lines(body.lines)
    budget = service.set_lines(session, community.id, budget_id, lines, actor_id=actor.user_id)
    session.commit()
    return _read(session, budget)


@router.post("/{budget_id}/open", dependencies=[CsrfChecked])
def open_budget(
    budget_id: RowId, session: DbSession, viewer: OptionalViewer, community: CurrentCommunity
) -> reads.BudgetRead:
    """Open the draft for the owners' comments."""
    actor = identity.authorize(viewer, Action.MANAGE_BUDGET, community.id)
    budget = service.open_for_comments(session, community.id, budget_id, actor_id=actor.user_id)
    session.commit()
    return _read(session, budget)


@router.post("/{budget_id}/approval", dependencies=[CsrfChecked])
def approve(
    budget_id: RowId,
    body: schemas.Approval,
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
) -> reads.BudgetRead:
    """Approve the open budget with its decision document (a voucher's SHA-256)."""
    actor = identity.authorize(viewer, Action.APPROVE_BUDGET, community.id)
    budget = service.approve_budget(
        session,
        community.id,
        budget_id,
        decision_sha256=body.decision_sha256,
        actor_id=actor.user_id,
        authority=body.authority,
    )
    session.commit()
    return _read(session, budget)


@router.post("/{budget_id}/revisions", dependencies=[CsrfChecked])
def revise(
    budget_id: RowId,
    body: schemas.Revision,
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
) -> reads.BudgetRead:
    """Put a new version of the lines in force, with its reason."""
    actor = identity.authorize(viewer, Action.APPROVE_BUDGET, community.id)
    budget = service.revise_budget(
        session,
        community.id,
        budget_id,
        schemas.json_lines(body.lines),
        reason=body.reason,
        decision_sha256=body.decision_sha256,
        actor_id=actor.user_id,
        authority=body.authority,
    )
    session.commit()
    return _read(session, budget)


@router.get("/{budget_id}/comments")
def list_comments(
    budget_id: RowId, session: DbSession, viewer: OptionalViewer, community: CurrentCommunity
) -> list[reads.CommentRead]:
    """Every comment, oldest first, without its author (`mine` marks the caller's own)."""
    actor = identity.authorize(viewer, Action.VIEW_BOOKS, community.id)
    service.get_budget(session, community.id, budget_id)
    comments = service.list_comments(session, community.id, budget_id, viewer_id=actor.user_id)
    return [reads.CommentRead.from_comment(c) for c in comments]


@router.post(
    "/{budget_id}/comments", status_code=status.HTTP_201_CREATED, dependencies=[CsrfChecked]
)
def comment(
    budget_id: RowId,
    body: schemas.CommentCreate,
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
) -> reads.CommentRead:
    """Comment on a line of the open budget; published without the author's name."""
    actor = identity.authorize(viewer, Action.COMMENT_BUDGET, community.id)
    service.comment_on_line(
        session,
        community.id,
        budget_id,
        line_number=body.line,
        body=body.body,
        actor_id=actor.user_id,
    )
    session.commit()
    comments = service.list_comments(session, community.id, budget_id, viewer_id=actor.user_id)
    return reads.CommentRead.from_comment(comments[-1])


@router.get("/{budget_id}/actual")
def actual(
    budget_id: RowId,
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
    period: MonthParam = None,
    to: MonthParam = None,
) -> reads.ComparisonRead:
    """Budget vs actual by line for a month (or `period`..`to`) and the year to date."""
    identity.authorize(viewer, Action.READ_PUBLIC, community)
    budget = service.get_budget(session, community.id, budget_id)
    first = ledger_schemas.parse_period(period) if period else Period.of(clock.today())
    last = ledger_schemas.parse_period(to, where="to") if to else first
    comparison = budget_actuals.compare_budget(session, budget, first=first, last=last)
    return reads.ComparisonRead.from_comparison(comparison)


@router.get("/{budget_id}/projection")
def projection(
    budget_id: RowId, session: DbSession, viewer: OptionalViewer, community: CurrentCommunity
) -> reads.ProjectionRead:
    """The projected year-end result as of the last complete month (method: see the docs)."""
    identity.authorize(viewer, Action.READ_PUBLIC, community)
    budget = service.get_budget(session, community.id, budget_id)
    result = budget_actuals.project_budget(session, budget, today=clock.today())
    return reads.ProjectionRead.from_projection(result)


@router.get("/{budget_id}/gap")
def gap(
    request: Request,
    budget_id: RowId,
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
) -> reads.GapRead:
    """The projected result with levers applied (query fields as on the page, in yuan)."""
    identity.authorize(viewer, Action.READ_PUBLIC, community)
    budget = service.get_budget(session, community.id, budget_id)
    inputs = schemas.lever_inputs(dict(request.query_params))
    _projection, result = levers.close_the_gap(session, budget, inputs, today=clock.today())
    return reads.GapRead.from_gap(result)
