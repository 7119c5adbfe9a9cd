"""A community's collection terms: the late-fee clause of its trust contract, its publicity.

Until a community records a clause, late fees are 0 (LAW.md 2); until it decides so, public
figures name no room (LAW.md 3). Changing terms never touches a bill.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from sunshine.billing.models import Terms
from sunshine.billing.rules.collect import LateFeeClause
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import Problem

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
        )
    return terms


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
) -> Terms:
    """Record the clause as the contract writes it (0: the contract has none)."""
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
    terms.late_fee_bp = late_fee_bp
    terms.late_fee_from_day = late_fee_from_day
    terms.late_fee_cap_bp = late_fee_cap_bp
    terms.clause_ref = clause_ref.strip()[:200]
    terms.public_rooms = public_rooms
    session.add(terms)
    session.flush()
    return terms
