"""A community's collection terms: the late-fee clause of its trust contract, its publicity.

Until a community records a clause, late fees are 0 (LAW.md 2); until it decides so, public
figures name no room (LAW.md 3). Changing terms never touches a bill. When billed money
becomes income (rules.income) is chosen before the first bill and fixed from then on:
switching midway would count some income twice (billed, then collected) or never.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.billing.models import Bill
from sunshine.billing.models import Terms
from sunshine.billing.rules.collect import LateFeeClause
from sunshine.billing.rules.income import DEFERRED_INCOME
from sunshine.billing.rules.income import IncomeBasis
from sunshine.infra import clock
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import Problem
from sunshine.ledger import service as ledger

MAX_BP_PER_DAY = 100  # 1% a day; a clause beyond it is a typing slip, not a contract


def terms_of(session: Session, community_id: int) -> Terms:
    """The community's terms; the defaults (no clause, no rooms) when none are recorded."""
    terms = session.get(Terms, community_id)
    if terms is None:
        return Terms(
            community_id=community_id,
            late_fee_bp=0,
            late_fee_from_day=1,
            late_fee_cap_bp=None,
            clause_ref="",
            public_rooms=False,
            income_on=IncomeBasis.BILLED,
        )
    return terms


def income_basis(session: Session, community_id: int) -> IncomeBasis:
    """When the community's billed money becomes income (billed unless it chose otherwise)."""
    found = session.scalar(select(Terms.income_on).where(Terms.community_id == community_id))
    return IncomeBasis.BILLED if found is None else IncomeBasis(found)


def late_fee_clause(session: Session, community_id: int) -> LateFeeClause:
    terms = terms_of(session, community_id)
    return LateFeeClause(
        terms.late_fee_bp, terms.late_fee_from_day, terms.late_fee_cap_bp, terms.clause_ref
    )


def set_terms(
    session: Session,
    community_id: int,
    *,
    late_fee_bp: int,
    late_fee_from_day: int = 1,
    late_fee_cap_bp: int | None = None,
    clause_ref: str = "",
    public_rooms: bool = False,
    income_on: IncomeBasis | None = None,
) -> Terms:
    """Record the clause as the contract writes it (0: the contract has none).

    `income_on` (None: as it is) is refused (Conflict) once the community has bills, if
    it changes; "collected" opens 2205 in the ledger's chart if it is not there yet.
    """
    problems = []
    if not 0 <= late_fee_bp <= MAX_BP_PER_DAY:
        problems.append(
            Problem("late_fee", "a daily rate of 0 to 100 basis points", where="late_fee_bp")
        )
    if late_fee_from_day < 1:
        problems.append(Problem("late_fee", "from day 1 or later", where="late_fee_from_day"))
    if late_fee_cap_bp is not None and late_fee_cap_bp < 0:
        problems.append(Problem("late_fee", "a cap of 0 or more", where="late_fee_cap_bp"))
    if late_fee_bp and not clause_ref.strip():
        problems.append(Problem("late_fee", "quote the contract's clause", where="clause_ref"))
    if problems:
        raise Invalid("the terms were not recorded", problems=problems)
    terms = session.get(Terms, community_id) or Terms(community_id=community_id)
    if income_on is not None and income_on is not (terms.income_on or IncomeBasis.BILLED):
        _switch_basis(session, community_id, income_on)
        terms.income_on = income_on
    terms.late_fee_bp = late_fee_bp
    terms.late_fee_from_day = late_fee_from_day
    terms.late_fee_cap_bp = late_fee_cap_bp
    terms.clause_ref = clause_ref.strip()[:200]
    terms.public_rooms = public_rooms
    session.add(terms)
    session.flush()
    return terms


def _switch_basis(session: Session, community_id: int, basis: IncomeBasis) -> None:
    """Refuse once there are bills; for "collected", make sure 2205 is open from the start."""
    if session.scalar(select(Bill.id).where(Bill.community_id == community_id).limit(1)):
        raise Conflict(
            "the community has bills: when income is recognised (on billing or on"
            " collection) cannot change now"
        )
    if basis is not IncomeBasis.COLLECTED:
        return
    account = ledger.find_account(session, community_id, DEFERRED_INCOME.code)
    if account is not None and account.closed_on is None:
        return
    if account is not None:
        raise Conflict("account {code} is closed", args={"code": DEFERRED_INCOME.code})
    # Open as early as the chart, so runs of past months (and their payments) may book to it.
    chart = [a.opened_on for a in ledger.list_accounts(session, community_id)]
    ledger.add_account(session, community_id, DEFERRED_INCOME, on=min(chart, default=clock.today()))
