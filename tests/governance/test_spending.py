"""Spending approvals through the service and the ledger's gate, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy.orm import Session

from sunshine.governance.rules.decisions import Subject
from sunshine.governance.rules.spending import BudgetMark
from sunshine.governance.rules.spending import Choice
from sunshine.governance.rules.spending import Emergency
from sunshine.governance.rules.spending import ExpenseState
from sunshine.governance.rules.spending import Need
from sunshine.governance.service import authority
from sunshine.governance.service import decisions
from sunshine.governance.service import spending
from sunshine.infra.authority import expense_matter
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Forbidden
from sunshine.kernel.errors import Invalid
from sunshine.kernel.money import Fen
from sunshine.ledger import rules as ledger_rules
from sunshine.ledger import service as ledger
from sunshine.transparency import service as transparency
from tests.governance.spending_setup import DAY
from tests.governance.spending_setup import Shop
from tests.governance.spending_setup import budget
from tests.governance.spending_setup import propose
from tests.governance.spending_setup import shop
from tests.governance.votes_setup import closed_vote

pytestmark = pytest.mark.db
APPROVE, REFUSE = Choice.APPROVE, Choice.REFUSE
PAY_DAY = date(2026, 11, 20)


def _answer(session: Session, s: Shop, number: int, *who: tuple[int, Choice]) -> None:
    for index, choice in who:
        spending.decide_expense(
            session, s.cid, number, user_id=s.users[index], choice=choice,
            comment="报价合理" if choice is APPROVE else "价格偏高", on=DAY,
        )  # fmt: skip


def _book(session: Session, s: Shop, amount: str, account: str = "6602") -> int:
    draft = ledger_rules.EntryDraft(
        PAY_DAY,
        "维修",
        (
            ledger_rules.PostingDraft(account, Fen.parse(amount)),
            ledger_rules.PostingDraft("1001", -Fen.parse(amount)),
        ),
        counterparty="常州道闸设备工程有限公司",
    )
    return ledger.post_entry(session, s.cid, draft, actor_id=s.trustee).id


def test_need_follows_the_limits_at_their_boundaries(session: Session) -> None:
    s = shop(session)
    at_limit = spending.get_expense(session, s.cid, propose(session, s, "2000.00"))
    above = spending.get_expense(session, s.cid, propose(session, s, "2000.01"))
    at_vote = spending.get_expense(session, s.cid, propose(session, s, "50000.00"))
    over_vote = spending.get_expense(session, s.cid, propose(session, s, "50000.01"))
    fund = spending.get_expense(session, s.cid, propose(session, s, "100.00", account="6609"))
    assert (at_limit.need, at_limit.state) == (Need.NONE, ExpenseState.APPROVED)
    assert (above.need, above.state) == (Need.COMMITTEE, ExpenseState.PROPOSED)
    assert at_vote.need is Need.COMMITTEE
    assert over_vote.need is Need.VOTE
    assert fund.need is Need.VOTE  # an account that always needs the owners
    assert above.budget_mark is BudgetMark.NO_BUDGET  # no approved budget in this community


def test_three_of_four_approve_and_the_decision_is_recorded_and_logged(session: Session) -> None:
    s = shop(session)
    number = propose(session, s)
    _answer(session, s, number, (0, APPROVE), (1, APPROVE))
    expense = spending.get_expense(session, s.cid, number)
    assert expense.state is ExpenseState.PROPOSED  # two of the three needed
    assert expense.decision_id is None
    _answer(session, s, number, (2, APPROVE))
    assert expense.state is ExpenseState.APPROVED
    [decision] = decisions.decisions_about(session, s.cid, Subject.EXPENSE, str(number))
    assert expense.decision_id == decision.id
    # The decision authorises the payment as a budget's or a close's does (infra.authority).
    assert authority.find(session, s.cid, expense_matter(number)) == f"decision:{decision.id}"
    record = decisions.record_of(decision)
    assert record["way"] == "circulation"
    assert record["outcome"] == "adopted"
    logged = transparency.find_record(
        session, s.cid, kind="governance.expense", ref=f"expense/{number}"
    )
    assert logged is not None
    body = json.loads(logged.body)
    assert body["state"] == "approved"
    assert body["answers"] == [{"member": m, "choice": "approve"} for m in s.members[:3]]
    assert "报价合理".encode() not in logged.body  # comments stay off the log


def test_two_refusals_of_four_with_three_needed_refuse_it(session: Session) -> None:
    s = shop(session)
    number = propose(session, s)
    _answer(session, s, number, (0, REFUSE))
    assert spending.get_expense(session, s.cid, number).state is ExpenseState.PROPOSED
    _answer(session, s, number, (1, REFUSE))
    assert spending.get_expense(session, s.cid, number).state is ExpenseState.REFUSED
    with pytest.raises(Conflict):
        _answer(session, s, number, (2, APPROVE))


def test_the_proposer_never_approves_and_a_member_answers_once(session: Session) -> None:
    s = shop(session)
    draft = spending.ExpenseDraft(
        "更换道闸系统", Fen.parse("4100.00"), "6602", "常州道闸设备工程有限公司", DAY
    )
    number = spending.propose_expense(session, s.cid, draft, actor_id=s.users[0]).id
    with pytest.raises(Forbidden):
        _answer(session, s, number, (0, APPROVE))
    _answer(session, s, number, (1, APPROVE))
    with pytest.raises(Conflict):
        _answer(session, s, number, (1, APPROVE))
    with pytest.raises(Forbidden):  # not a member
        spending.decide_expense(session, s.cid, number, user_id=s.trustee, choice=APPROVE, on=DAY)
    with pytest.raises(Invalid):  # a refusal says why
        spending.decide_expense(
            session, s.cid, number, user_id=s.users[2], choice=REFUSE, comment=" ", on=DAY
        )


def test_the_gate_refuses_booking_above_the_limit_without_an_approved_expense(
    session: Session,
) -> None:
    s = shop(session)
    _book(session, s, "2000.00")  # at the limit: no approval needed
    _book(session, s, "9000.00", account="6601")  # wages are routine
    with pytest.raises(Invalid) as refused:
        _book(session, s, "2000.01")
    assert refused.value.problems[0].code == "expense_not_approved"
    assert "the trustee's" in refused.value.problems[0].message


def test_an_approved_expense_is_paid_once_through_the_gate(session: Session) -> None:
    s = shop(session)
    number = propose(session, s)
    with pytest.raises(Conflict):  # not approved yet
        spending.pay_expense(session, s.cid, number, booked_on=PAY_DAY, actor_id=s.trustee)
    _answer(session, s, number, (0, APPROVE), (1, APPROVE), (2, APPROVE))
    expense = spending.pay_expense(session, s.cid, number, booked_on=PAY_DAY, actor_id=s.trustee)
    assert expense.paid_entry is not None
    entry = ledger.draft_of(session, ledger.get_entry(session, s.cid, expense.paid_entry))
    assert entry.postings[0].amount == Fen.parse("4100.00")
    assert s.quote in entry.vouchers
    with pytest.raises(Conflict):
        spending.pay_expense(session, s.cid, number, booked_on=PAY_DAY, actor_id=s.trustee)


@pytest.mark.parametrize(
    ("paid_on", "line"),
    [(PAY_DAY, "设施维护"), (date(2027, 1, 5), None)],  # in its budget's year, or the next
)
def test_an_expense_on_a_budget_line_paid_after_its_year_is_booked_outside_the_next(
    session: Session, paid_on: date, line: str | None
) -> None:
    # Approved in 2026 on the 2026 budget's line; the books go by the day paid, and 2027 has
    # no budget with that line yet: booked outside it, not refused.
    s = shop(session)
    budget(session, s, upkeep="9000.00")
    number = propose(session, s, budget_line="设施维护")
    assert spending.get_expense(session, s.cid, number).budget_mark is BudgetMark.WITHIN
    _answer(session, s, number, (0, APPROVE), (1, APPROVE), (2, APPROVE))
    expense = spending.pay_expense(session, s.cid, number, booked_on=paid_on, actor_id=s.trustee)
    assert expense.paid_entry is not None
    entry = ledger.draft_of(session, ledger.get_entry(session, s.cid, expense.paid_entry))
    assert (entry.booked_on, entry.budget_line) == (paid_on, line)


def test_limits_apply_from_their_day_only(session: Session) -> None:
    s = shop(session, limits=False)
    _book(session, s, "4100.00")  # no limits set: nothing to refuse
    spending.set_limits(
        session, s.cid, committee_id=s.committee, committee_limit=Fen.parse("2000.00"),
        vote_limit=Fen.parse("50000.00"), approvals_needed=3, effective_from=date(2026, 11, 21),
        actor_id=s.users[0],
    )  # fmt: skip
    _book(session, s, "4100.00")  # booked on the 20th, before the limits' day
    logged = transparency.find_record(
        session, s.cid, kind="governance.spending_limits", ref="spending_limits/1"
    )
    assert logged is not None
    assert json.loads(logged.body)["committee_limit"] == 200000


def test_an_objection_freezes_the_expense_until_answered(session: Session) -> None:
    s = shop(session)
    number = propose(session, s)
    spending.object_expense(session, s.cid, number, text="报价未比价", actor_id=s.supervisor)
    with pytest.raises(Conflict):
        _answer(session, s, number, (0, APPROVE))
    spending.answer_objection(session, s.cid, number, text="已补充三家比价", actor_id=s.trustee)
    _answer(session, s, number, (0, APPROVE), (1, APPROVE), (2, APPROVE))
    spending.object_expense(session, s.cid, number, text="合同未签", actor_id=s.supervisor)
    with pytest.raises(Conflict):
        spending.pay_expense(session, s.cid, number, booked_on=PAY_DAY, actor_id=s.trustee)


def test_an_emergency_is_paid_first_and_approved_after(session: Session) -> None:
    s = shop(session)
    number = propose(
        session, s, "8000.00", title="1幢电梯抢修", emergency=Emergency.LIFT,
        emergency_reason="电梯困人，主板烧毁",
    )  # fmt: skip
    expense = spending.pay_expense(session, s.cid, number, booked_on=PAY_DAY, actor_id=s.trustee)
    assert expense.paid_entry is not None
    assert expense.state is ExpenseState.PROPOSED
    _answer(session, s, number, (0, APPROVE), (1, APPROVE), (2, APPROVE))
    assert expense.state is ExpenseState.APPROVED
    with pytest.raises(Invalid):  # an emergency states its reason
        propose(session, s, "8000.00", emergency=Emergency.ROOF, emergency_reason="")


def test_above_the_vote_limit_it_needs_a_passed_matter_of_a_closed_vote(session: Session) -> None:
    s = shop(session)
    number = propose(session, s, "60000.00", title="更换1幢电梯")
    _answer(session, s, number, (0, APPROVE), (1, APPROVE), (2, APPROVE))
    with pytest.raises(Conflict):  # approved, but the owners have not voted
        spending.pay_expense(session, s.cid, number, booked_on=PAY_DAY, actor_id=s.trustee)
    vote = closed_vote(session, s.cid)
    with pytest.raises(Invalid):  # matter 2 did not pass
        spending.link_vote(session, s.cid, number, f"vote:{vote.id}/2", actor_id=s.trustee)
    with pytest.raises(Invalid):
        spending.link_vote(session, s.cid, number, f"vote:{vote.id}", actor_id=s.trustee)
    spending.link_vote(session, s.cid, number, f"vote:{vote.id}/1", actor_id=s.trustee)
    expense = spending.pay_expense(session, s.cid, number, booked_on=PAY_DAY, actor_id=s.trustee)
    assert expense.paid_entry is not None


def test_limits_are_checked(session: Session) -> None:
    s = shop(session, limits=False)
    with pytest.raises(Invalid):
        spending.set_limits(
            session, s.cid, committee_id=s.committee, committee_limit=Fen.parse("2000.00"),
            vote_limit=Fen.parse("1999.99"), approvals_needed=3, actor_id=None,
        )  # fmt: skip
    with pytest.raises(Invalid):
        spending.set_limits(
            session, s.cid, committee_id=s.committee, committee_limit=Fen.parse("2000.00"),
            vote_limit=Fen.parse("5000.00"), approvals_needed=3, exempt_accounts=["9999"],
            actor_id=None,
        )  # fmt: skip


def test_an_expense_is_over_budget_only_past_its_lines_approved_amount(session: Session) -> None:
    s = shop(session, limits=False)
    budget(session, s, upkeep="10000.00")
    _book(session, s, "6000.00")  # spent on the line so far this year (account 6602)
    _book(session, s, "500.00", account="6603")  # another account: not the line's

    at = spending.get_expense(
        session, s.cid, propose(session, s, "4000.00", budget_line="设施维护")
    )
    past = spending.get_expense(
        session, s.cid, propose(session, s, "4000.01", budget_line="设施维护")
    )
    far = spending.get_expense(
        session, s.cid, propose(session, s, "5250.00", budget_line="设施维护")
    )
    elsewhere = spending.get_expense(
        session, s.cid, propose(session, s, "1.00", budget_line="壁画")
    )
    income = spending.get_expense(
        session, s.cid, propose(session, s, "1.00", budget_line="车位租金")
    )

    # 6,000.00 spent + 4,000.00 is exactly the approved 10,000.00: within
    assert (at.budget_mark, at.over_budget) == (BudgetMark.WITHIN, None)
    assert (past.budget_mark, past.over_budget) == (BudgetMark.OVER, Fen.parse("0.01"))
    assert (far.budget_mark, far.over_budget) == (BudgetMark.OVER, Fen.parse("1250.00"))
    assert (elsewhere.budget_mark, elsewhere.over_budget) == (BudgetMark.OUTSIDE, None)
    assert income.budget_mark is BudgetMark.WITHIN  # no spending line's figures: not over
    within = json.loads(transparency.get_record(session, s.cid, at.log_seq).body)
    over = json.loads(transparency.get_record(session, s.cid, far.log_seq).body)
    assert (within["budget"], "over_budget" in within) == ("within", False)
    assert (over["budget"], over["over_budget"]) == ("over", 125000)

    # paid, the entry is booked on its line; the audit re-derives the marks from the log
    spending.pay_expense(session, s.cid, far.id, booked_on=PAY_DAY, actor_id=s.trustee)
    paid = ledger.get_entry(session, s.cid, spending.get_expense(session, s.cid, far.id).paid_entry)
    assert paid.budget_line == "设施维护"
    assert transparency.audit(session, s.cid).clean
    far.over_budget = Fen.parse("1.00")
    session.flush()
    assert not transparency.audit(session, s.cid).clean


def test_without_an_approved_budget_nothing_is_marked_over(session: Session) -> None:
    s = shop(session, limits=False)
    _book(session, s, "6000.00")
    expense = spending.get_expense(
        session, s.cid, propose(session, s, "99999.00", budget_line="设施维护")
    )
    assert (expense.budget_mark, expense.over_budget) == (BudgetMark.NO_BUDGET, None)
