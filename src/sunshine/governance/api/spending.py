"""JSON API of spending approvals: expenses and the limits, by the same rules as the pages.

Everyone with a role in the community reads the expenses (answers by member number, with
their comments) and the limits in force. The trustee proposes and books the payment, a
committee member answers, a supervisor objects, the committee sets the limits.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi import status
from sqlalchemy.orm import Session

from sunshine.governance.schemas import spending as schemas
from sunshine.governance.service import spending
from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra import clock
from sunshine.infra.inputs import RowId
from sunshine.infra.tenancy import CommunityRef
from sunshine.infra.web import CsrfChecked
from sunshine.infra.web import CurrentCommunity
from sunshine.infra.web import CurrentViewer
from sunshine.infra.web import DbSession
from sunshine.kernel.errors import Invalid
from sunshine.kernel.money import Fen

router = APIRouter(prefix="/communities/{code}/governance", tags=["governance"])


def _yuan(text: str, where: str) -> Fen:
    try:
        return Fen.parse(text)
    except ValueError:
        raise Invalid("{where}: not an amount of money", args={"where": where}) from None


def _read(session: Session, community: CommunityRef, number: int) -> schemas.ExpenseRead:
    expense = spending.get_expense(session, community.id, number)
    answers = spending.approvals_of(session, community.id, number)
    return schemas.ExpenseRead.from_model(expense, answers)


@router.get("/expenses")
def list_expenses(
    session: DbSession, viewer: CurrentViewer, community: CurrentCommunity
) -> list[schemas.ExpenseRead]:
    identity.authorize(viewer, Action.VIEW_COMMUNITY, community.id)
    return [
        schemas.ExpenseRead.from_model(e, spending.approvals_of(session, community.id, e.id))
        for e in spending.list_expenses(session, community.id)
    ]


@router.get("/expenses/{number}")
def get_expense(
    number: RowId, session: DbSession, viewer: CurrentViewer, community: CurrentCommunity
) -> schemas.ExpenseRead:
    identity.authorize(viewer, Action.VIEW_COMMUNITY, community.id)
    return _read(session, community, number)


@router.post("/expenses", status_code=status.HTTP_201_CREATED, dependencies=[CsrfChecked])
def propose_expense(
    body: schemas.ExpenseIn, session: DbSession, viewer: CurrentViewer, community: CurrentCommunity
) -> schemas.ExpenseRead:
    """The trustee proposes an expense (vouchers: SHA-256 of vouchers already uploaded)."""
    identity.authorize(viewer, Action.PROPOSE_EXPENSE, community.id)
    draft = spending.ExpenseDraft(
        title=body.title, amount=_yuan(body.amount, "amount"), account=body.account,
        payee=body.payee, proposed_on=body.proposed_on or clock.today(),
        budget_line=body.budget_line, vouchers=tuple(body.vouchers), emergency=body.emergency,
        emergency_reason=body.emergency_reason, vote_ref=body.vote,
    )  # fmt: skip
    expense = spending.propose_expense(session, community.id, draft, actor_id=viewer.user_id)
    session.commit()
    return _read(session, community, expense.id)


@router.post("/expenses/{number}/answers", dependencies=[CsrfChecked])
def answer_expense(
    number: RowId,
    body: schemas.AnswerIn,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
) -> schemas.ExpenseRead:
    """A committee member approves or refuses, with a comment."""
    identity.authorize(viewer, Action.APPROVE_EXPENSE, community.id)
    spending.decide_expense(
        session, community.id, number, user_id=viewer.user_id, choice=body.choice,
        comment=body.comment,
    )  # fmt: skip
    session.commit()
    return _read(session, community, number)


@router.post("/expenses/{number}/objection", dependencies=[CsrfChecked])
def object_to_expense(
    number: RowId,
    body: schemas.TextIn,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
) -> schemas.ExpenseRead:
    """A supervisor objects: the expense is frozen until the trustee answers."""
    identity.authorize(viewer, Action.OBJECT_EXPENSE, community.id)
    spending.object_expense(session, community.id, number, text=body.text, actor_id=viewer.user_id)
    session.commit()
    return _read(session, community, number)


@router.post("/expenses/{number}/objection/answer", dependencies=[CsrfChecked])
def answer_objection(
    number: RowId,
    body: schemas.TextIn,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
) -> schemas.ExpenseRead:
    identity.authorize(viewer, Action.PROPOSE_EXPENSE, community.id)
    spending.answer_objection(
        session, community.id, number, text=body.text, actor_id=viewer.user_id
    )
    session.commit()
    return _read(session, community, number)


@router.post("/expenses/{number}/vote", dependencies=[CsrfChecked])
def link_vote(
    number: RowId,
    body: schemas.VoteIn,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
) -> schemas.ExpenseRead:
    """Link the closed owners' vote whose matter passed (`vote:V/M`)."""
    identity.authorize(viewer, Action.PROPOSE_EXPENSE, community.id)
    spending.link_vote(session, community.id, number, body.vote, actor_id=viewer.user_id)
    session.commit()
    return _read(session, community, number)


@router.post("/expenses/{number}/payment", dependencies=[CsrfChecked])
def pay_expense(
    number: RowId,
    body: schemas.PayIn,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
) -> schemas.ExpenseRead:
    """Book the payment of an approved (or emergency) expense from the trust account."""
    identity.authorize(viewer, Action.BOOK_ENTRY, community.id)
    spending.pay_expense(
        session, community.id, number, booked_on=body.booked_on or clock.today(),
        actor_id=viewer.user_id,
    )  # fmt: skip
    session.commit()
    return _read(session, community, number)


@router.get("/spending-limits")
def list_limits(
    session: DbSession, viewer: CurrentViewer, community: CurrentCommunity
) -> list[schemas.LimitsRead]:
    """Every setting of the limits, oldest first (the last in force from its day)."""
    identity.authorize(viewer, Action.VIEW_COMMUNITY, community.id)
    return [schemas.LimitsRead.from_model(r) for r in spending.list_limits(session, community.id)]


@router.post("/spending-limits", status_code=status.HTTP_201_CREATED, dependencies=[CsrfChecked])
def set_limits(
    body: schemas.LimitsIn, session: DbSession, viewer: CurrentViewer, community: CurrentCommunity
) -> schemas.LimitsRead:
    identity.authorize(viewer, Action.SET_SPENDING_LIMITS, community.id)
    row = spending.set_limits(
        session, community.id, committee_id=body.committee,
        committee_limit=_yuan(body.committee_limit, "committee_limit"),
        vote_limit=_yuan(body.vote_limit, "vote_limit"), approvals_needed=body.approvals_needed,
        vote_accounts=body.vote_accounts, exempt_accounts=body.exempt_accounts,
        effective_from=body.effective_from, actor_id=viewer.user_id,
    )  # fmt: skip
    session.commit()
    return schemas.LimitsRead.from_model(row)
