"""Governance's audit checks of spending: the limits and each expense against their records.

A limits row is logged once (`governance.spending_limits`); an expense appends its record at
every step (`governance.expense`) and keeps the latest (`body`). The columns that repeat what
the record says (amounts, accounts, the payee, the state, the decision, the vote, the
payment) are taken from the row, so an edit of any of them, or of the body, is named, and so
is a row with no record or a record whose row is gone. Who answered how is in the record by
member number; the comments stay in `governance_expense_approval`, which no record stands for.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.governance.models import Expense
from sunshine.governance.models import SpendingLimits
from sunshine.governance.models.spending import EXPENSE_CHECK
from sunshine.governance.models.spending import LIMITS_CHECK
from sunshine.governance.service.spending import EXPENSE_KIND
from sunshine.governance.service.spending import LIMITS_KIND
from sunshine.infra.bulk import community_ids
from sunshine.infra.bulk import driver_rows
from sunshine.transparency.service.audit import AuditCheck
from sunshine.transparency.service.audit import register
from sunshine.transparency.service.audit_report import AuditReport
from sunshine.transparency.service.audit_rows import Derived
from sunshine.transparency.service.audit_rows import Odd
from sunshine.transparency.service.audit_rows import RowRecords
from sunshine.transparency.service.audit_rows import day
from sunshine.transparency.service.audit_rows import day_or_none
from sunshine.transparency.service.audit_rows import odd
from sunshine.transparency.service.audit_rows import parse_body
from sunshine.transparency.service.audit_rows import shown
from sunshine.transparency.service.audit_rows import text
from sunshine.transparency.service.audit_rows import text_or_none
from sunshine.transparency.service.audit_rows import whole
from sunshine.transparency.service.audit_rows import whole_or_none

_L = SpendingLimits.__table__.c
_E = Expense.__table__.c


def _codes(value: object) -> object:
    if type(value) is not str:
        return odd(value)
    return [v for v in value.split(",") if v]


def _kept(body: object) -> dict[str, object] | None:
    return parse_body(body.encode("utf-8")) if type(body) is str else None


def _agreed(record: dict[str, object], columns: dict[str, object]) -> dict[str, object]:
    """The columns' values where the record kept with the row says the same; else both, odd.

    So an edit of a column, and an edit of the kept record behind an unchanged column, are
    both named.
    """
    agreed: dict[str, object] = {}
    for name, column in columns.items():
        kept = record.get(name)
        agreed[name] = column if column == kept else Odd(f"{shown(column)} (kept: {shown(kept)})")
    return record | agreed


def _limits_key(record: Mapping[str, object]) -> str:
    return str(whole(record["limits"]))


def _limits_ref(record: Mapping[str, object]) -> str:
    return f"spending_limits/{_limits_key(record)}"


def limits(session: Session, community_id: int, report: AuditReport) -> RowRecords:
    query = select(
        _L.id, _L.committee_id, _L.committee_limit_fen, _L.vote_limit_fen, _L.approvals_needed,
        _L.vote_accounts, _L.exempt_accounts, _L.effective_from, _L.body,
    ).where(_L.community_id == community_id)  # fmt: skip
    derived = []
    for row in driver_rows(session.connection(), query):
        number, committee, low, high, needed, vote, exempt, since, body = tuple(row)
        record = _kept(body)
        stored: Mapping[str, object] | Odd = odd(body)
        if record is not None:
            stored = _agreed(record, {
                "limits": whole(number),
                "committee": whole(committee),
                "committee_limit": whole(low),
                "vote_limit": whole(high),
                "approvals_needed": whole(needed),
                "vote_accounts": _codes(vote),
                "exempt_accounts": _codes(exempt),
                "effective_from": day(since),
            })  # fmt: skip
        derived.append(Derived(str(number), stored))
    return RowRecords(report, LIMITS_KIND, derived, key_of=_limits_key, ref_of=_limits_ref)


def _expense_key(record: Mapping[str, object]) -> str:
    return str(whole(record["expense"]))


def _expense_ref(record: Mapping[str, object]) -> str:
    return f"expense/{_expense_key(record)}"


def expenses(session: Session, community_id: int, report: AuditReport) -> RowRecords:
    query = select(
        _E.id, _E.title, _E.amount_fen, _E.account, _E.budget_line, _E.budget_mark, _E.payee,
        _E.vouchers, _E.need, _E.state, _E.emergency, _E.emergency_reason, _E.vote_ref,
        _E.decision_id, _E.paid_entry, _E.paid_on, _E.proposed_on, _E.over_budget_fen, _E.body,
    ).where(_E.community_id == community_id)  # fmt: skip
    derived = []
    for row in driver_rows(session.connection(), query):
        (
            number, title, amount, account, line, mark, payee, vouchers, need, state, emergency,
            reason, vote, decision, paid, paid_on, proposed_on, over, body,
        ) = tuple(row)  # fmt: skip
        record = _kept(body)
        stored: Mapping[str, object] | Odd = odd(body)
        if record is not None:
            # over_budget is in the record only when the expense was marked over its line
            excess = {} if over is None and "over_budget" not in record else {
                "over_budget": whole_or_none(over),
            }  # fmt: skip
            stored = _agreed(record, excess | {
                "expense": whole(number),
                "title": text(title),
                "amount": whole(amount),
                "account": text(account),
                "budget_line": text_or_none(line),
                "budget": text(mark),
                "payee": text(payee),
                "vouchers": _codes(vouchers),
                "need": text(need),
                "state": text(state),
                "emergency": None
                if emergency is None and reason is None
                else {"kind": text(emergency), "reason": text(reason)},
                "vote": text_or_none(vote),
                "decision": whole_or_none(decision),
                "paid_entry": whole_or_none(paid),
                "paid_on": day_or_none(paid_on),
                "proposed_on": day(proposed_on),
            })  # fmt: skip
        derived.append(Derived(str(number), stored))
    return RowRecords(
        report, EXPENSE_KIND, derived, key_of=_expense_key, ref_of=_expense_ref, latest=True
    )


def _with_limits(session: Session) -> set[int]:
    return community_ids(session, [SpendingLimits.__table__])


def _with_expenses(session: Session) -> set[int]:
    return community_ids(session, [Expense.__table__])


register(
    AuditCheck(
        name=LIMITS_CHECK,
        kinds=(LIMITS_KIND,),
        tables=(SpendingLimits.__tablename__,),
        rows=limits,
        communities=_with_limits,
    )
)
register(
    AuditCheck(
        name=EXPENSE_CHECK,
        kinds=(EXPENSE_KIND,),
        tables=(Expense.__tablename__,),
        rows=expenses,
        communities=_with_expenses,
    )
)
