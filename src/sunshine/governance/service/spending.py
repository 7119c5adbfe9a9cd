"""Spending approvals: limits, expenses, approvals, objections, owners' votes and payment.

The trustee proposes an expense (amount, ledger account, budget line, payee, vouchers: a
quote, a contract). What it needs follows from the community's limits in force on the day
(`rules.spending.need_for`). Committee members approve or refuse it with a comment; the
proposer never decides their own. Once N members approve and the circulation is adopted by
the committee's own rules (LAW.md 1: quorum and majority of all members), the approval is
recorded as a committee decision (`decisions.record_decision`, written circulation, about
`expense:N`); once so many refuse that N can no longer be reached, it is refused. A
supervisor's objection freezes it until the trustee answers. Above the vote limit, or from
an account that needs the owners, it also needs a closed owners' vote whose matter passed
(`vote:V/M`). An emergency (lift, fire safety, facade, roof: LAW.md 2) may be paid first,
with its reason recorded and shown, and approved after.

Only `pay_expense` books an expense above the approval limit: the ledger's gate
(`infra.spending_gate`, installed by the entrypoints with `gate`) refuses any other booking.
Every step appends the expense's record to the log (members by number, never by name).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.governance.models import Expense
from sunshine.governance.models import ExpenseApproval
from sunshine.governance.models import SpendingLimits
from sunshine.governance.rules import spending as rules
from sunshine.governance.rules.committee import CommitteeOutcome
from sunshine.governance.rules.committee import decide
from sunshine.governance.rules.decisions import About
from sunshine.governance.rules.decisions import Subject
from sunshine.governance.rules.decisions import Way
from sunshine.governance.rules.spending import BudgetMark
from sunshine.governance.rules.spending import Choice
from sunshine.governance.rules.spending import Emergency
from sunshine.governance.rules.spending import ExpenseState
from sunshine.governance.rules.spending import Need
from sunshine.governance.rules.tally import Choice as VoteChoice
from sunshine.governance.service import authority
from sunshine.governance.service import counting
from sunshine.governance.service import decisions
from sunshine.governance.service import votes as vote_service
from sunshine.governance.service.committees import get_committee
from sunshine.governance.service.committees import members_on
from sunshine.governance.service.committees import settings_of
from sunshine.infra import clock
from sunshine.infra import spending_gate
from sunshine.infra.authority import expense_matter
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Forbidden
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.kernel.errors import Problem
from sunshine.kernel.masking import looks_personal
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import rules as ledger_rules
from sunshine.ledger import service as ledger
from sunshine.transparency import service as transparency
from sunshine.transparency.rules import records
from sunshine.transparency.rules.records import LogKind

EXPENSE_KIND = LogKind("governance.expense")
LIMITS_KIND = LogKind("governance.spending_limits")
_VOTE_REF = re.compile(r"vote:(\d+)/(\d+)")


def expense_ref(number: int) -> str:
    """How other parts name an expense (`expense:12`), e.g. a decision's subject."""
    return f"expense:{number}"


def _codes(values: Iterable[str]) -> str:
    return ",".join(sorted({v.strip() for v in values if v.strip()}))


def _code_set(text: str) -> frozenset[str]:
    return frozenset(v for v in text.split(",") if v)


def _public(text: str, what: str, *, limit: int = 200) -> str:
    cleaned = " ".join(text.split())
    if not 0 < len(cleaned) <= limit:
        raise Invalid("{what} is 1 to {limit} characters", args={"what": what, "limit": limit})
    if looks_personal(cleaned):  # the log can never be erased (LAW.md 3)
        raise Invalid(
            "{what} holds what looks like a phone or ID number; the public log may not",
            args={"what": what},
            problems=[Problem("personal", "no phone or ID numbers", {}, what)],
        )
    return cleaned


# --- limits ----------------------------------------------------------------------------


def set_limits(
    session: Session,
    community_id: int,
    *,
    committee_id: int,
    committee_limit: Fen,
    vote_limit: Fen,
    approvals_needed: int,
    vote_accounts: Iterable[str] = (),
    exempt_accounts: Iterable[str] = (),
    effective_from: date | None = None,
    actor_id: int | None,
) -> SpendingLimits:
    """Set the limits in force from `effective_from` (today by default), and log them."""
    get_committee(session, community_id, committee_id)
    limits = rules.Limits(
        committee_limit.value,
        vote_limit.value,
        approvals_needed,
        _code_set(_codes(vote_accounts)),
        _code_set(_codes(exempt_accounts)),
    )
    found = limits.problems()
    if found:
        raise Invalid(
            "the spending limits were not set",
            problems=[Problem("limits", text, {}, "limits") for text in found],
        )
    known = {a.code for a in ledger.list_accounts(session, community_id)}
    unknown = sorted((limits.vote_accounts | limits.exempt_accounts) - known)
    if unknown:
        raise Invalid("no account {codes} in the chart", args={"codes": ", ".join(unknown)})
    row = SpendingLimits(
        community_id=community_id,
        committee_id=committee_id,
        committee_limit=committee_limit,
        vote_limit=vote_limit,
        approvals_needed=approvals_needed,
        vote_accounts=_codes(limits.vote_accounts),
        exempt_accounts=_codes(limits.exempt_accounts),
        effective_from=effective_from or clock.today(),
        set_by=actor_id,
        set_at=clock.now(),
    )
    session.add(row)
    session.flush()
    body = limits_record(row)
    logged = transparency.append(
        session, community_id, kind=LIMITS_KIND, record=body, ref=f"spending_limits/{row.id}"
    )
    row.body, row.log_seq = records.canonical(body).decode("utf-8"), logged.seq
    session.flush()
    return row


def limits_record(row: SpendingLimits) -> dict[str, object]:
    return {
        "limits": row.id,
        "committee": row.committee_id,
        "committee_limit": row.committee_limit.value,
        "vote_limit": row.vote_limit.value,
        "approvals_needed": row.approvals_needed,
        "vote_accounts": sorted(_code_set(row.vote_accounts)),
        "exempt_accounts": sorted(_code_set(row.exempt_accounts)),
        "effective_from": row.effective_from.isoformat(),
        "source": rules.LAW,
    }


def limits_on(session: Session, community_id: int, day: date) -> SpendingLimits | None:
    """The limits in force on `day` (the latest set from that day or before), or None."""
    query = select(SpendingLimits).where(
        SpendingLimits.community_id == community_id, SpendingLimits.effective_from <= day
    )
    query = query.order_by(SpendingLimits.effective_from.desc(), SpendingLimits.id.desc())
    return session.scalars(query.limit(1)).first()


def list_limits(session: Session, community_id: int) -> list[SpendingLimits]:
    query = select(SpendingLimits).where(SpendingLimits.community_id == community_id)
    return list(session.scalars(query.order_by(SpendingLimits.effective_from, SpendingLimits.id)))


def rules_of(row: SpendingLimits) -> rules.Limits:
    return rules.Limits(
        row.committee_limit.value,
        row.vote_limit.value,
        row.approvals_needed,
        _code_set(row.vote_accounts),
        _code_set(row.exempt_accounts),
        row.effective_from,
    )


# --- expenses ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExpenseDraft:
    title: str
    amount: Fen
    account: str
    payee: str
    proposed_on: date
    budget_line: str | None = None
    vouchers: tuple[str, ...] = ()
    emergency: Emergency | None = None
    emergency_reason: str = ""
    vote_ref: str | None = None


def propose_expense(
    session: Session, community_id: int, draft: ExpenseDraft, *, actor_id: int | None
) -> Expense:
    """The trustee proposes an expense; logged. What it needs follows from the limits."""
    if draft.amount.value <= 0:
        raise Invalid("an expense is more than 0.00")
    account = ledger.find_account(session, community_id, draft.account)
    if account is None or account.kind is not ledger_rules.AccountKind.EXPENSE:
        raise Invalid("{code} is not a spending account of the chart", args={"code": draft.account})
    for sha256 in draft.vouchers:
        ledger.get_voucher(session, community_id, sha256)  # NotFound: not uploaded
    lines = ledger.budget_lines(session, community_id, Period.of(draft.proposed_on))
    line = draft.budget_line.strip() if draft.budget_line else None
    figures = (
        ledger.line_figures(session, community_id, Period.of(draft.proposed_on), line)
        if line and line in lines
        else None
    )
    mark, over = rules.budget_mark(
        line,
        lines,
        amount=draft.amount.value,
        figures=None
        if figures is None
        else rules.LineAmounts(approved=figures.approved.value, spent=figures.spent.value),
    )
    limits = limits_on(session, community_id, draft.proposed_on)
    need = (
        Need.NONE
        if limits is None
        else rules.need_for(
            rules_of(limits), amount=draft.amount.value, accounts=frozenset({draft.account})
        )
    )
    reason = None
    if draft.emergency is not None:
        reason = _public(draft.emergency_reason, "the emergency's reason", limit=500)
    row = Expense(
        community_id=community_id,
        title=_public(draft.title, "the title"),
        amount=draft.amount,
        account=draft.account,
        budget_line=line or None,
        budget_mark=mark,
        over_budget=None if over is None else Fen(over),
        payee=_public(draft.payee, "the payee"),
        vouchers=",".join(dict.fromkeys(draft.vouchers)),
        need=need,
        state=ExpenseState.APPROVED if need is Need.NONE else ExpenseState.PROPOSED,
        emergency=draft.emergency,
        emergency_reason=reason,
        proposed_on=draft.proposed_on,
        proposed_by=actor_id,
        created_at=clock.now(),
    )
    session.add(row)
    session.flush()
    if draft.vote_ref:
        _check_vote(session, community_id, draft.vote_ref)
        row.vote_ref = draft.vote_ref.strip()
    _log(session, row, "proposed")
    return row


def get_expense(session: Session, community_id: int, number: int) -> Expense:
    expense = session.get(Expense, (community_id, number))
    if expense is None:
        raise NotFound("no expense {number} in this community", args={"number": number})
    return expense


def list_expenses(session: Session, community_id: int) -> list[Expense]:
    query = select(Expense).where(Expense.community_id == community_id)
    return list(session.scalars(query.order_by(Expense.id.desc())))


def approvals_of(session: Session, community_id: int, number: int) -> list[ExpenseApproval]:
    query = select(ExpenseApproval).where(
        ExpenseApproval.community_id == community_id, ExpenseApproval.expense_id == number
    )
    order = (ExpenseApproval.answered_on, ExpenseApproval.at, ExpenseApproval.id)
    return list(session.scalars(query.order_by(*order)))


def _committee_of(session: Session, expense: Expense) -> SpendingLimits:
    limits = limits_on(session, expense.community_id, expense.proposed_on)
    if limits is None:
        raise Conflict("the community has set no spending limits: no approval is needed")
    return limits


def member_for(session: Session, community_id: int, user_id: int, *, on: date) -> int | None:
    """The member number of the login `user_id` on the approving committee, serving `on`."""
    limits = limits_on(session, community_id, on)
    if limits is None:
        return None
    for member in members_on(session, community_id, limits.committee_id, on):
        if member.user_id == user_id:
            return member.id
    return None


def decide_expense(
    session: Session,
    community_id: int,
    number: int,
    *,
    user_id: int,
    choice: Choice,
    comment: str = "",
    on: date | None = None,
) -> Expense:
    """A committee member approves or refuses; the expense is decided once N of M are reached."""
    day = on or clock.today()
    expense = get_expense(session, community_id, number)
    session.refresh(expense, with_for_update=True)  # one answer at a time
    limits = _committee_of(session, expense)
    if expense.state is not ExpenseState.PROPOSED:
        raise Conflict(
            "expense {number} is {state}", args={"number": number, "state": expense.state}
        )
    if expense.frozen:
        raise Conflict("expense {number} is frozen by an objection", args={"number": number})
    if expense.proposed_by is not None and expense.proposed_by == user_id:
        raise Forbidden("the proposer never approves their own expense")
    members = members_on(session, community_id, limits.committee_id, day)
    member = next((m.id for m in members if m.user_id == user_id), None)
    if member is None:
        raise Forbidden("only a serving member of the committee approves an expense")
    if any(a.member_id == member for a in approvals_of(session, community_id, number)):
        raise Conflict("member {member} has already answered", args={"member": member})
    if choice is Choice.REFUSE and not comment.strip():
        raise Invalid("a refusal says why")
    session.add(
        ExpenseApproval(
            community_id=community_id,
            expense_id=number,
            member_id=member,
            user_id=user_id,
            choice=choice,
            comment=comment.strip(),
            answered_on=day,
            at=clock.now(),
        )
    )
    session.flush()
    answers = {a.member_id: a.choice for a in approvals_of(session, community_id, number)}
    serving = frozenset(m.id for m in members)
    yes = sum(1 for c in answers.values() if c is Choice.APPROVE)
    state = rules.standing(
        approvals=yes, refusals=len(answers) - yes, needed=limits.approvals_needed,
        members=len(serving),
    )  # fmt: skip
    votes = {
        m: VoteChoice.YES if c is Choice.APPROVE else VoteChoice.NO for m, c in answers.items()
    }
    committee = get_committee(session, community_id, limits.committee_id)
    present = frozenset(answers) & serving
    counted = decide(serving, present, {m: votes[m] for m in present}, settings_of(committee))
    if state is ExpenseState.APPROVED and counted.outcome is CommitteeOutcome.ADOPTED:
        decision = decisions.record_decision(
            session, community_id, limits.committee_id,
            title=f"批准支出{number}：{expense.title}"[:200], way=Way.CIRCULATION,
            decided_on=day, present=present, votes={m: votes[m] for m in present},
            actor_id=user_id, about=About(Subject.EXPENSE, str(number)),
        )  # fmt: skip
        # The decision authorises the expense's payment: linked and logged as the budget's,
        # the close's and the key's are (infra.authority), so all four read alike.
        authority.check(
            session, community_id, expense_matter(number), f"decision:{decision.id}", user_id
        )
        expense.decision_id = decision.id
        expense.state = ExpenseState.APPROVED
        _log(session, expense, "approved")
    elif state is ExpenseState.REFUSED:
        expense.state = ExpenseState.REFUSED
        _log(session, expense, "refused")
    else:
        _log(session, expense, "answered")
    return expense


def object_expense(
    session: Session, community_id: int, number: int, *, text: str, actor_id: int | None
) -> Expense:
    """A supervisor objects: the expense is frozen until the objection is answered."""
    expense = get_expense(session, community_id, number)
    if expense.frozen:
        raise Conflict("expense {number} already has an open objection", args={"number": number})
    if expense.paid_entry is not None and expense.emergency is None:
        raise Conflict("expense {number} is paid", args={"number": number})
    expense.objection = _public(text, "the objection", limit=1000)
    expense.objected_by, expense.objected_at = actor_id, clock.now()
    expense.objection_answer = expense.answered_at = None
    _log(session, expense, "objected")
    return expense


def answer_objection(
    session: Session, community_id: int, number: int, *, text: str, actor_id: int | None
) -> Expense:
    """The trustee answers the objection; the expense moves again."""
    expense = get_expense(session, community_id, number)
    if not expense.frozen:
        raise Conflict("expense {number} has no open objection", args={"number": number})
    expense.objection_answer = _public(text, "the answer", limit=1000)
    expense.answered_at = clock.now()
    _log(session, expense, "answered_objection")
    return expense


def _check_vote(session: Session, community_id: int, ref: str) -> None:
    """`vote:V/M` names a closed vote whose matter M passed; Invalid otherwise."""
    match = _VOTE_REF.fullmatch(ref.strip())
    if match is None:
        raise Invalid("an owners' vote is named vote:V/M (the vote and its matter)")
    vote_id, matter = int(match[1]), int(match[2])
    vote = vote_service.get_vote(session, community_id, vote_id)
    result = counting.result_of(vote)
    if result is None:
        raise Invalid("vote {vote} is not closed", args={"vote": vote_id})
    tally = result.get("tally") or {}
    found = [m for m in tally.get("matters", []) if m.get("matter") == matter]
    if not found:
        raise Invalid(
            "vote {vote} has no matter {matter}", args={"vote": vote_id, "matter": matter}
        )
    if found[0].get("outcome") != "passed":
        raise Invalid(
            "matter {matter} of vote {vote} did not pass ({outcome})",
            args={"vote": vote_id, "matter": matter, "outcome": str(found[0].get("outcome"))},
        )


def link_vote(
    session: Session, community_id: int, number: int, ref: str, *, actor_id: int | None
) -> Expense:
    """Link the owners' vote that decided the expense (`vote:V/M`, checked to have passed)."""
    expense = get_expense(session, community_id, number)
    _check_vote(session, community_id, ref)
    expense.vote_ref = ref.strip()
    _log(session, expense, "vote_linked")
    return expense


def payable_problem(expense: Expense) -> Problem | None:
    """Why the expense may not be paid now, or None."""
    emergency = expense.emergency is not None  # paid first, approved after (LAW.md 2)
    checks = (
        (expense.paid_entry is not None, "expense_paid", "expense {number} is already paid"),
        (expense.frozen, "expense_frozen", "expense {number} is frozen by an objection"),
        (expense.state is ExpenseState.REFUSED, "expense_refused", "expense {number} was refused"),
        (
            not emergency and expense.state is not ExpenseState.APPROVED,
            "expense_not_approved",
            "expense {number} is not approved yet",
        ),
        (
            not emergency and expense.need is Need.VOTE and expense.vote_ref is None,
            "expense_needs_vote",
            "expense {number} needs the owners' vote that decided it",
        ),
    )
    for failed, code, message in checks:
        if failed:
            return Problem(code, message, {"number": expense.id})
    return None


def _trust_account(session: Session, community_id: int) -> str:
    for account in ledger.list_accounts(session, community_id):
        if account.category is ledger_rules.Category.TRUST_BANK:
            return account.code
    raise Conflict("the chart has no trust bank account to pay from")


def pay_expense(
    session: Session,
    community_id: int,
    number: int,
    *,
    booked_on: date,
    receipts: tuple[str, ...] = (),
    actor_id: int | None,
) -> Expense:
    """Book the payment of an approved (or emergency) expense from the trust account."""
    expense = get_expense(session, community_id, number)
    problem = payable_problem(expense)
    if problem is not None:
        raise Conflict(problem.message, args=problem.args)
    line = (
        expense.budget_line if expense.budget_mark in {BudgetMark.WITHIN, BudgetMark.OVER} else None
    )
    if line is not None and line not in ledger.budget_lines(
        session, community_id, Period.of(booked_on)
    ):
        # Paid in a later budget year without that line (approved in December, invoiced in
        # January): the books go by the day paid, so it is spent outside that year's
        # budget, approved all the same.
        line = None
    draft = ledger_rules.EntryDraft(
        booked_on=booked_on,
        narration=expense.title,
        postings=(
            ledger_rules.PostingDraft(expense.account, expense.amount),
            ledger_rules.PostingDraft(_trust_account(session, community_id), -expense.amount),
        ),
        counterparty=expense.payee,
        budget_line=line,
        vouchers=tuple(dict.fromkeys((*expense.voucher_list, *receipts))),
    )
    with spending_gate.paying(number):
        entry = ledger.post_entry(session, community_id, draft, actor_id=actor_id)
    expense.paid_entry, expense.paid_on = entry.id, booked_on
    _log(session, expense, "paid")
    return expense


def record_payment(
    session: Session, community_id: int, number: int, *, entry_id: int, actor_id: int | None
) -> Expense:
    """Link an entry the books already hold as the expense's payment (same account, amount)."""
    expense = get_expense(session, community_id, number)
    problem = payable_problem(expense)
    if problem is not None:
        raise Conflict(problem.message, args=problem.args)
    draft = ledger.draft_of(session, ledger.get_entry(session, community_id, entry_id))
    debited = sum(p.amount.value for p in draft.postings if p.account_code == expense.account)
    if debited != expense.amount.value:
        raise Invalid(
            "entry {entry} does not pay {amount} from {account}",
            args={"entry": entry_id, "amount": str(expense.amount), "account": expense.account},
        )
    expense.paid_entry, expense.paid_on = entry_id, draft.booked_on
    _log(session, expense, "paid")
    return expense


# --- the log -----------------------------------------------------------------------------


def expense_record(session: Session, expense: Expense, step: str) -> dict[str, object]:
    """The expense's public record: members by number, no names, no comments."""
    answers = approvals_of(session, expense.community_id, expense.id)
    limits = limits_on(session, expense.community_id, expense.proposed_on)
    objection = None
    if expense.objection is not None:
        objection = "open" if expense.objection_answer is None else "answered"
    record: dict[str, object] = {
        "expense": expense.id,
        "step": step,
        "title": expense.title,
        "amount": expense.amount.value,
        "account": expense.account,
        "budget_line": expense.budget_line,
        "budget": expense.budget_mark.value,
        "payee": expense.payee,
        "vouchers": expense.voucher_list,
        "need": expense.need.value,
        "limits": None if limits is None else limits.id,
        "approvals_needed": None if limits is None else limits.approvals_needed,
        "answers": [{"member": a.member_id, "choice": a.choice.value} for a in answers],
        "state": expense.state.value,
        "emergency": None
        if expense.emergency is None
        else {"kind": expense.emergency.value, "reason": expense.emergency_reason},
        "objection": objection,
        "vote": expense.vote_ref,
        "decision": expense.decision_id,
        "paid_entry": expense.paid_entry,
        "paid_on": None if expense.paid_on is None else expense.paid_on.isoformat(),
        "proposed_on": expense.proposed_on.isoformat(),
        "rule": rules.COST_RULE,
    }
    if expense.over_budget is not None:  # kept out otherwise: the records logged before stay
        record["over_budget"] = expense.over_budget.value
    return record


def _log(session: Session, expense: Expense, step: str) -> None:
    body = expense_record(session, expense, step)
    logged = transparency.append(
        session, expense.community_id, kind=EXPENSE_KIND, record=body,
        ref=f"expense/{expense.id}",
    )  # fmt: skip
    expense.body, expense.log_seq = records.canonical(body).decode("utf-8"), logged.seq
    session.flush()


# --- the gate --------------------------------------------------------------------------


def gate(session: Session, spending: spending_gate.Spending) -> list[Problem]:
    """The ledger's question (infra.spending_gate): may this spending be booked?"""
    limits = limits_on(session, spending.community_id, spending.booked_on)
    if limits is None:
        return []
    debits = dict(spending.debits)
    amount = rules.gated_amount(rules_of(limits), debits)
    need = rules.need_for(rules_of(limits), amount=amount, accounts=frozenset(debits))
    if need is Need.NONE:
        return []
    if spending.expense is None:
        return [
            Problem(
                "expense_not_approved",
                "{amount} of spending is above the approval limit {limit}: it is booked only as"
                " the payment of an approved expense (LAW.md 2: without approval the cost is the"
                " trustee's, not the owners')",
                {"amount": str(Fen(amount)), "limit": str(limits.committee_limit)},
                "postings",
            )
        ]
    return _paying_problems(session, spending.community_id, spending.expense, amount)


def _paying_problems(
    session: Session, community_id: int, number: int, amount: int
) -> list[Problem]:
    expense = session.get(Expense, (community_id, number))
    if expense is None:
        return [Problem("expense_unknown", "no expense {number}", {"number": number})]
    problem = payable_problem(expense)
    if problem is None and amount > expense.amount.value:
        problem = Problem(
            "expense_exceeded", "the payment is more than expense {number}", {"number": number}
        )
    return [] if problem is None else [problem]
