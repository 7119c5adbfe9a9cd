"""Spending approvals at /c/{code}/expenses: the list, one expense, a new one, the limits.

Everyone with a role in the community sees the expenses, their state, vouchers, who
answered how with their comments, any objection, the decision, the owners' vote and the
payment (VIEW_COMMUNITY). The trustee proposes (PROPOSE_EXPENSE) with a quote or contract
uploaded as a ledger voucher, answers objections, links the owners' vote and books the
payment (BOOK_ENTRY); committee members approve or refuse (APPROVE_EXPENSE); a supervisor
objects (OBJECT_EXPENSE); the committee sets the limits (SET_SPENDING_LIMITS). The rules
are the service's (`governance.service.spending`); a refusal comes back on the page.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from typing import Any

from fastapi import APIRouter
from fastapi import Depends
from fastapi import Form
from fastapi import Request
from fastapi.responses import RedirectResponse
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from sunshine.governance.rules.spending import EMERGENCY_NAMES
from sunshine.governance.rules.spending import Choice
from sunshine.governance.rules.spending import Emergency
from sunshine.governance.service import committees
from sunshine.governance.service import spending
from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra import clock
from sunshine.infra.body_limit import allow_body
from sunshine.infra.body_limit import upload_max_bytes
from sunshine.infra.inputs import RowId
from sunshine.infra.tenancy import CommunityRef
from sunshine.infra.web import CsrfChecked
from sunshine.infra.web import CurrentCommunity
from sunshine.infra.web import CurrentViewer
from sunshine.infra.web import DbSession
from sunshine.infra.web import Viewer
from sunshine.infra.web import render
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Forbidden
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.kernel.errors import Problem
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import rules as ledger_rules
from sunshine.ledger import service as ledger

router = APIRouter(include_in_schema=False)
EXPENSES = "/c/{code}/expenses"
FormText = Annotated[str, Form()]
Refusal = Invalid | Conflict | Forbidden | NotFound
REFUSALS = (Invalid, Conflict, Forbidden, NotFound)
_STATUS: dict[type[Refusal], int] = {Invalid: 422, Conflict: 409, Forbidden: 403, NotFound: 404}
STATE_LABELS = {
    "proposed": "waiting for approval",
    "approved": "approved",
    "refused": "refused",
}
NEED_LABELS = {
    "none": "within the approval limit",
    "committee": "needs the committee's approval",
    "vote": "needs the committee's approval and an owners' vote",
}
BUDGET_LABELS = {
    "within": "within the budget",
    "over": "over the budget",
    "outside": "outside the budget",
    "no_budget": "no approved budget",
}


async def _quote_files(request: Request) -> list[UploadFile]:
    form = await request.form()
    return [f for f in form.getlist("vouchers") if isinstance(f, UploadFile) and f.filename]


QuoteFiles = Annotated[list[UploadFile], Depends(_quote_files)]


def _yuan(text: str, where: str) -> Fen:
    try:
        return Fen.parse(text)
    except ValueError:
        raise Invalid(
            "not an amount of money",
            problems=[Problem("amount", "write the amount in yuan, as 4100.00", {}, where)],
        ) from None


def _day(text: str, where: str) -> date:
    try:
        return date.fromisoformat(text.strip()) if text.strip() else clock.today()
    except ValueError:
        raise Invalid(
            "not a day", problems=[Problem("day", "write the day as 2024-10-25", {}, where)]
        ) from None


@router.get(EXPENSES)
def expenses_page(
    request: Request, session: DbSession, viewer: CurrentViewer, community: CurrentCommunity
) -> Response:
    """Every expense with its state, and the limits in force."""
    identity.authorize(viewer, Action.VIEW_COMMUNITY, community.id)
    return _list(request, session, viewer, community)


@router.post(f"{EXPENSES}/limits", dependencies=[CsrfChecked])
def set_limits(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    committee_limit: FormText = "",
    vote_limit: FormText = "",
    approvals_needed: FormText = "",
    vote_accounts: FormText = "",
    exempt_accounts: FormText = "",
    effective_from: FormText = "",
) -> Response:
    """The committee sets the two limits, N of M, and the vote and routine accounts."""
    identity.authorize(viewer, Action.SET_SPENDING_LIMITS, community.id)
    try:
        with session.begin_nested():
            found = committees.list_committees(session, community.id)
            if not found:
                raise Conflict("the community has no committee to approve expenses")
            spending.set_limits(
                session, community.id, committee_id=found[-1].id,
                committee_limit=_yuan(committee_limit, "committee_limit"),
                vote_limit=_yuan(vote_limit, "vote_limit"),
                approvals_needed=int(approvals_needed) if approvals_needed.isdigit() else 0,
                vote_accounts=vote_accounts.replace("，", ",").split(","),
                exempt_accounts=exempt_accounts.replace("，", ",").split(","),
                effective_from=_day(effective_from, "effective_from"), actor_id=viewer.user_id,
            )  # fmt: skip
    except REFUSALS as exc:
        return _list(request, session, viewer, community, error=exc, status_code=_status(exc))
    session.commit()
    return RedirectResponse(f"/c/{community.code}/expenses", status_code=303)


@router.get(f"{EXPENSES}/new")
def new_expense(
    request: Request, session: DbSession, viewer: CurrentViewer, community: CurrentCommunity
) -> Response:
    """The trustee's form: amount, account, budget line, payee, quote, emergency."""
    identity.authorize(viewer, Action.PROPOSE_EXPENSE, community.id)
    return _form(request, session, viewer, community)


@router.post(EXPENSES, dependencies=[CsrfChecked])
@allow_body(upload_max_bytes)
def propose(  # noqa: PLR0913, PLR0917 - one argument per form field
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    files: QuoteFiles,
    title: FormText = "",
    amount: FormText = "",
    account: FormText = "",
    budget_line: FormText = "",
    payee: FormText = "",
    proposed_on: FormText = "",
    emergency: FormText = "",
    emergency_reason: FormText = "",
    vote_ref: FormText = "",
) -> Response:
    """Store the quote as a voucher and propose the expense; logged."""
    identity.authorize(viewer, Action.PROPOSE_EXPENSE, community.id)
    try:
        with session.begin_nested():
            hashes = []
            for upload in files:
                data = upload.file.read(ledger.voucher_max_bytes() + 1)
                stored = ledger.store_voucher(
                    session, community.id, data, name=upload.filename or "", actor_id=viewer.user_id
                )
                hashes.append(stored.sha256)
            kind = Emergency(emergency) if emergency in set(Emergency) else None
            draft = spending.ExpenseDraft(
                title=title, amount=_yuan(amount, "amount"), account=account.strip(),
                payee=payee, proposed_on=_day(proposed_on, "proposed_on"),
                budget_line=budget_line or None, vouchers=tuple(hashes), emergency=kind,
                emergency_reason=emergency_reason, vote_ref=vote_ref.strip() or None,
            )  # fmt: skip
            expense = spending.propose_expense(
                session, community.id, draft, actor_id=viewer.user_id
            )
    except REFUSALS as exc:
        return _form(request, session, viewer, community, error=exc, status_code=_status(exc))
    session.commit()
    return RedirectResponse(f"/c/{community.code}/expenses/{expense.id}", status_code=303)


@router.get(f"{EXPENSES}/{{number}}")
def expense_page(
    request: Request,
    number: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
) -> Response:
    """One expense: vouchers, answers with comments, objection, decision, vote, payment."""
    identity.authorize(viewer, Action.VIEW_COMMUNITY, community.id)
    return _detail(request, session, viewer, community, number)


def _step(
    request: Request,
    session: Session,
    viewer: Viewer,
    community: CommunityRef,
    number: int,
    action: Action,
    step: Any,
) -> Response:
    identity.authorize(viewer, action, community.id)
    try:
        with session.begin_nested():
            step()
    except REFUSALS as exc:
        return _detail(
            request, session, viewer, community, number, error=exc, status_code=_status(exc)
        )
    session.commit()
    return RedirectResponse(f"/c/{community.code}/expenses/{number}", status_code=303)


@router.post(f"{EXPENSES}/{{number}}/answer", dependencies=[CsrfChecked])
def answer(
    request: Request,
    number: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    choice: FormText = "",
    comment: FormText = "",
) -> Response:
    """A committee member approves or refuses, with a comment."""

    def step() -> None:
        if choice not in set(Choice):
            raise Invalid("approve or refuse")
        spending.decide_expense(
            session, community.id, number, user_id=viewer.user_id, choice=Choice(choice),
            comment=comment,
        )  # fmt: skip

    return _step(request, session, viewer, community, number, Action.APPROVE_EXPENSE, step)


@router.post(f"{EXPENSES}/{{number}}/objection", dependencies=[CsrfChecked])
def object_to(
    request: Request,
    number: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    text: FormText = "",
) -> Response:
    """A supervisor objects: the expense is frozen until the trustee answers."""

    def step() -> None:
        spending.object_expense(session, community.id, number, text=text, actor_id=viewer.user_id)

    return _step(request, session, viewer, community, number, Action.OBJECT_EXPENSE, step)


@router.post(f"{EXPENSES}/{{number}}/objection/answer", dependencies=[CsrfChecked])
def answer_objection(
    request: Request,
    number: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    text: FormText = "",
) -> Response:
    """The trustee answers the objection; the expense moves again."""

    def step() -> None:
        spending.answer_objection(session, community.id, number, text=text, actor_id=viewer.user_id)

    return _step(request, session, viewer, community, number, Action.PROPOSE_EXPENSE, step)


@router.post(f"{EXPENSES}/{{number}}/vote", dependencies=[CsrfChecked])
def link_vote(
    request: Request,
    number: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    vote_ref: FormText = "",
) -> Response:
    """Link the owners' vote (`vote:V/M`) that decided it."""

    def step() -> None:
        spending.link_vote(session, community.id, number, vote_ref, actor_id=viewer.user_id)

    return _step(request, session, viewer, community, number, Action.PROPOSE_EXPENSE, step)


@router.post(f"{EXPENSES}/{{number}}/pay", dependencies=[CsrfChecked])
def pay(
    request: Request,
    number: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    booked_on: FormText = "",
) -> Response:
    """Book the payment from the trust account (approved, or an emergency)."""

    def step() -> None:
        spending.pay_expense(
            session, community.id, number, booked_on=_day(booked_on, "booked_on"),
            actor_id=viewer.user_id,
        )  # fmt: skip

    return _step(request, session, viewer, community, number, Action.BOOK_ENTRY, step)


def _status(exc: Refusal) -> int:
    return _STATUS[type(exc)]


def _base(viewer: Viewer, community: CommunityRef) -> dict[str, Any]:
    cid = community.id
    return {
        "community": community,
        "community_name": community.name,
        "staff": identity.can(viewer, Action.VIEW_REGISTRY, cid),
        "can_propose": identity.can(viewer, Action.PROPOSE_EXPENSE, cid),
        "can_approve": identity.can(viewer, Action.APPROVE_EXPENSE, cid),
        "can_object": identity.can(viewer, Action.OBJECT_EXPENSE, cid),
        "can_set_limits": identity.can(viewer, Action.SET_SPENDING_LIMITS, cid),
        "can_pay": identity.can(viewer, Action.BOOK_ENTRY, cid),
        "states": STATE_LABELS,
        "needs": NEED_LABELS,
        "budgets": BUDGET_LABELS,
        "emergencies": EMERGENCY_NAMES,
        "today": clock.today(),
    }


def _list(
    request: Request,
    session: Session,
    viewer: Viewer,
    community: CommunityRef,
    *,
    status_code: int = 200,
    **context: Any,
) -> Response:
    cid = community.id
    limits = spending.limits_on(session, cid, clock.today())
    page = _base(viewer, community) | {
        "expenses": spending.list_expenses(session, cid),
        "limits": limits,
    }
    return render(request, "governance/expenses.html", page | context, status_code=status_code)


def _form(
    request: Request,
    session: Session,
    viewer: Viewer,
    community: CommunityRef,
    *,
    status_code: int = 200,
    **context: Any,
) -> Response:
    cid = community.id
    accounts = [
        a
        for a in ledger.list_accounts(session, cid)
        if a.kind is ledger_rules.AccountKind.EXPENSE
        and a.category is not ledger_rules.Category.REMUNERATION
    ]
    page = _base(viewer, community) | {
        "accounts": accounts,
        "lines": ledger.budget_lines(session, cid, Period.of(clock.today())),
        "limits": spending.limits_on(session, cid, clock.today()),
    }
    return render(request, "governance/expense_new.html", page | context, status_code=status_code)


def _detail(
    request: Request,
    session: Session,
    viewer: Viewer,
    community: CommunityRef,
    number: int,
    *,
    status_code: int = 200,
    **context: Any,
) -> Response:
    cid = community.id
    expense = spending.get_expense(session, cid, number)
    answers = spending.approvals_of(session, cid, number)
    people = {a.user_id for a in answers if a.user_id} | {
        u for u in (expense.proposed_by, expense.objected_by) if u
    }
    names = {uid: u.display_name for uid, u in identity.users_by_ids(session, people).items()}
    limits = spending.limits_on(session, cid, expense.proposed_on)
    mine = spending.member_for(session, cid, viewer.user_id, on=clock.today())
    answered = {a.member_id for a in answers}
    page = _base(viewer, community) | {
        "expense": expense,
        "answers": answers,
        "names": names,
        "limits": limits,
        "may_answer": mine is not None
        and mine not in answered
        and expense.proposed_by != viewer.user_id
        and expense.state.value == "proposed"
        and not expense.frozen,
        "payable": spending.payable_problem(expense) is None,
        "vouchers": [ledger.get_voucher(session, cid, sha) for sha in expense.voucher_list],
    }
    return render(request, "governance/expense.html", page | context, status_code=status_code)
