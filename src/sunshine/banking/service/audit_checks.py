"""Banking's audit check: each kept reconciliation against its `banking.reconciliation` record.

A reconciliation row keeps the very record it appended (`body`); the audit pairs each
row with the latest record of its key (account/date), so a figure changed in the row is
named, and a row with no record, or a record whose row is gone, is reported.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.banking.models import Reconciliation
from sunshine.banking.models.statements import RECONCILIATION_CHECK
from sunshine.banking.service.reconcile import LOG_KIND
from sunshine.infra.bulk import community_ids
from sunshine.infra.bulk import driver_rows
from sunshine.transparency.service.audit import AuditCheck
from sunshine.transparency.service.audit import register
from sunshine.transparency.service.audit_report import AuditReport
from sunshine.transparency.service.audit_rows import Derived
from sunshine.transparency.service.audit_rows import RowRecords
from sunshine.transparency.service.audit_rows import odd
from sunshine.transparency.service.audit_rows import parse_body

_R = Reconciliation.__table__.c


def _key_of(record: Mapping[str, object]) -> str:
    """account/date; a record without them raises KeyError, which RowRecords reports."""
    return f"{record['account']}/{record['on']}"


def reconciliations(session: Session, community_id: int, report: AuditReport) -> RowRecords:
    query = select(_R.account_id, _R.as_of, _R.body).where(_R.community_id == community_id)
    derived = []
    for account_id, as_of, body in driver_rows(session.connection(), query):
        record = parse_body(body.encode("utf-8")) if type(body) is str else None
        key = f"{account_id}/{as_of if isinstance(as_of, str) else as_of.isoformat()}"
        derived.append(Derived(key, odd(body) if record is None else record))
    return RowRecords(report, LOG_KIND, derived, key_of=_key_of, ref_of=_key_of, latest=True)


def _with_reconciliations(session: Session) -> set[int]:
    return community_ids(session, [Reconciliation.__table__])


register(
    AuditCheck(
        name=RECONCILIATION_CHECK,
        kinds=(LOG_KIND,),
        tables=(Reconciliation.__tablename__,),
        rows=reconciliations,
        communities=_with_reconciliations,
    )
)
