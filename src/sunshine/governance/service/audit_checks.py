"""Governance's audit check: each committee decision against its `governance.decision` record.

A decision row keeps the record it appended (`body`); its title, subject, day and committee repeat
what the record says, so the derived record takes them from the columns: an edit of any of
them, or of the body, is named, and so is a row with no record or a record whose row is gone.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.governance.models import Decision
from sunshine.governance.models.committees import DECISION_CHECK
from sunshine.governance.service import audit_authority  # noqa: F401  (registers its two)
from sunshine.governance.service import audit_meetings  # noqa: F401  (governance.minutes)
from sunshine.governance.service import audit_spending  # noqa: F401  (registers spending)
from sunshine.governance.service import audit_surveys  # noqa: F401  (surveys, announcements)
from sunshine.governance.service import audit_votes  # noqa: F401  (registers governance.vote)
from sunshine.governance.service.decisions import LOG_KIND
from sunshine.infra.bulk import community_ids
from sunshine.infra.bulk import driver_rows
from sunshine.transparency.service.audit import AuditCheck
from sunshine.transparency.service.audit import register
from sunshine.transparency.service.audit_report import AuditReport
from sunshine.transparency.service.audit_rows import Derived
from sunshine.transparency.service.audit_rows import Odd
from sunshine.transparency.service.audit_rows import RowRecords
from sunshine.transparency.service.audit_rows import day
from sunshine.transparency.service.audit_rows import odd
from sunshine.transparency.service.audit_rows import parse_body
from sunshine.transparency.service.audit_rows import text
from sunshine.transparency.service.audit_rows import whole

_D = Decision.__table__.c


def _key_of(record: Mapping[str, object]) -> str:
    """The decision's number; a record without one raises KeyError, which RowRecords reports."""
    return str(whole(record["decision"]))


def _ref_of(record: Mapping[str, object]) -> str:
    return f"decision/{_key_of(record)}"


def decisions(session: Session, community_id: int, report: AuditReport) -> RowRecords:
    query = select(
        _D.id, _D.committee_id, _D.title, _D.subject, _D.subject_ref, _D.decided_on, _D.body
    ).where(_D.community_id == community_id)
    derived = []
    for decision_id, committee_id, title, subject, ref, decided_on, body in driver_rows(
        session.connection(), query
    ):
        record = parse_body(body.encode("utf-8")) if type(body) is str else None
        stored: Mapping[str, object] | Odd = odd(body)
        if record is not None:
            stored = {
                **record,
                "committee": whole(committee_id),
                "title": text(title),
                "subject": {"kind": text(subject), "ref": text(ref)},
                "on": day(decided_on),
            }
        derived.append(Derived(str(decision_id), stored))
    return RowRecords(report, LOG_KIND, derived, key_of=_key_of, ref_of=_ref_of)


def _with_decisions(session: Session) -> set[int]:
    return community_ids(session, [Decision.__table__])


register(
    AuditCheck(
        name=DECISION_CHECK,
        kinds=(LOG_KIND,),
        tables=(Decision.__tablename__,),
        rows=decisions,
        communities=_with_decisions,
    )
)
