"""The trust contract's remuneration terms, and what they make due for a period.

The trustee's pay (酬金) is computed, never typed (DESIGN.md rule 2): the terms are
stored per community with the period they take effect, each change also goes to the
transparency log, and the amount due for a period follows from the terms in force and,
for a percentage, from the period's income in the stated categories (read from the
per-period account totals).
"""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.infra import clock
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import Problem
from sunshine.kernel.money import ZERO
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import rules
from sunshine.ledger.models import Account
from sunshine.ledger.models import AccountTotal
from sunshine.ledger.models import TrustTerms
from sunshine.ledger.service.chart import accounts_by_code
from sunshine.ledger.service.totals import as_fen
from sunshine.transparency import service as transparency
from sunshine.transparency.rules.records import LogKind

TERMS_KIND = LogKind("ledger.trust_terms")


def _as_rule(row: TrustTerms) -> rules.TrustTerms:
    categories = tuple(rules.Category(c) for c in row.base_categories.split(",") if c)
    return rules.TrustTerms(
        effective_from=row.effective_from,
        kind=row.kind,
        fixed=row.fixed,
        rate_basis_points=row.rate_basis_points,
        base_categories=categories,
        account_code=row.account_code,
        settlement_code=row.settlement_code,
        contract_ref=row.contract_ref,
    )


def list_trust_terms(session: Session, community_id: int) -> list[rules.TrustTerms]:
    """Every version of the terms, oldest first."""
    rows = session.scalars(
        select(TrustTerms)
        .where(TrustTerms.community_id == community_id)
        .order_by(TrustTerms.effective_from)
    )
    return [_as_rule(row) for row in rows]


def terms_in_force(session: Session, community_id: int, period: Period) -> rules.TrustTerms | None:
    return rules.terms_in_force(list_trust_terms(session, community_id), period)


def set_trust_terms(
    session: Session, community_id: int, terms: rules.TrustTerms, *, actor_id: int | None
) -> TrustTerms:
    """Record the contract's pay clause from `terms.effective_from` on; logged publicly.

    Terms are never edited: a new contract or amendment is a new row with a later
    `effective_from`. The accounts it names must exist with the right categories.
    """
    problems = rules.terms_problems(terms)
    accounts = accounts_by_code(session, community_id)
    expense = accounts.get(terms.account_code)
    if expense is None or expense.category is not rules.Category.REMUNERATION:
        problems.append(
            Problem(
                "remuneration_account",
                "account {code} is not a remuneration account",
                {"code": terms.account_code},
                "account_code",
            )
        )
    if terms.settlement_code not in accounts:
        problems.append(
            Problem(
                "account_not_open",
                "account {code} is not open",
                {"code": terms.settlement_code},
                "settlement_code",
            )
        )
    if problems:
        raise Invalid("the trust terms were not recorded", problems=problems)
    if session.get(TrustTerms, (community_id, terms.effective_from)) is not None:
        raise Conflict(
            "terms from {period} are already recorded", args={"period": str(terms.effective_from)}
        )
    row = TrustTerms(
        community_id=community_id,
        effective_from=terms.effective_from,
        kind=terms.kind,
        fixed=terms.fixed,
        rate_basis_points=terms.rate_basis_points,
        base_categories=",".join(c.value for c in terms.base_categories),
        account_code=terms.account_code,
        settlement_code=terms.settlement_code,
        contract_ref=terms.contract_ref.strip(),
        recorded_at=clock.now(),
        recorded_by=actor_id,
    )
    session.add(row)
    session.flush()
    transparency.append(
        session, community_id, kind=TERMS_KIND, record=_record(terms), ref=str(terms.effective_from)
    )
    return row


def _record(terms: rules.TrustTerms) -> dict[str, object]:
    return {
        "effective_from": str(terms.effective_from),
        "kind": terms.kind.value,
        "fixed_fen": terms.fixed.value,
        "rate_basis_points": terms.rate_basis_points,
        "base_categories": [c.value for c in terms.base_categories],
        "account_code": terms.account_code,
        "settlement_code": terms.settlement_code,
        "contract_ref": terms.contract_ref.strip(),
    }


def _net_credit(
    session: Session, community_id: int, period: Period, categories: set[rules.Category]
) -> Fen:
    query = (
        select(func.coalesce(func.sum(AccountTotal.credit - AccountTotal.debit), 0))
        .join(
            Account,
            (Account.community_id == AccountTotal.community_id)
            & (Account.id == AccountTotal.account_id),
        )
        .where(
            AccountTotal.community_id == community_id,
            AccountTotal.period == period,
            Account.category.in_(categories),
        )
    )
    return as_fen(session.scalar(query))


def remuneration_base(
    session: Session, community_id: int, terms: rules.TrustTerms, period: Period
) -> Fen:
    """The income a percentage is taken of: the period's net credits in the base categories."""
    if not terms.base_categories:
        return ZERO
    return _net_credit(session, community_id, period, set(terms.base_categories))


def remuneration_booked(session: Session, community_id: int, period: Period) -> Fen:
    """What is already booked to remuneration accounts in `period`, net of reversals there."""
    return -_net_credit(session, community_id, period, {rules.Category.REMUNERATION})


def remuneration_due(session: Session, community_id: int, period: Period) -> Fen:
    """The remuneration the terms in force make due for `period`. Raises Invalid without terms."""
    terms = terms_in_force(session, community_id, period)
    if terms is None:
        raise Invalid("no trust terms are in force for {period}", args={"period": str(period)})
    return rules.remuneration_due(terms, remuneration_base(session, community_id, terms, period))
