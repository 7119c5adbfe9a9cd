"""Governance's audit checks of the steps' authority: the links and the requirement settings.

Each link is checked against its `governance.authority` record, each requirement
setting against its latest `governance.requirement` record.

A link's record states the matter and the authority; the row's `decision_id` repeats the
decision's number, so the derived authority is read from it for a decision (an edit of
either column is named). A setting may be logged again as it changes: the row must match
its latest record.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.governance.models import AuthorityLink
from sunshine.governance.models import Requirement
from sunshine.governance.models.authority import LINK_CHECK
from sunshine.governance.models.authority import REQUIREMENT_CHECK
from sunshine.governance.service.authority import LINK_KIND
from sunshine.governance.service.authority import REQUIREMENT_KIND
from sunshine.infra.bulk import community_ids
from sunshine.infra.bulk import driver_rows
from sunshine.transparency.service.audit import AuditCheck
from sunshine.transparency.service.audit import register
from sunshine.transparency.service.audit_report import AuditReport
from sunshine.transparency.service.audit_rows import Derived
from sunshine.transparency.service.audit_rows import Odd
from sunshine.transparency.service.audit_rows import RowRecords
from sunshine.transparency.service.audit_rows import flag
from sunshine.transparency.service.audit_rows import odd
from sunshine.transparency.service.audit_rows import text
from sunshine.transparency.service.audit_rows import whole

_L = AuthorityLink.__table__.c
_R = Requirement.__table__.c


def _matter_of(record: Mapping[str, object]) -> str:
    return str(text(record["matter"]))


def _kind_of(record: Mapping[str, object]) -> str:
    return str(text(record["kind"]))


def _authority(authority: object, decision_id: object) -> str | Odd:
    """The authority the row states; a decision's must agree with its `decision_id` column."""
    if type(authority) is not str:
        return odd(authority)
    if authority.startswith("decision:") or decision_id is not None:
        agree = type(decision_id) is int and authority == f"decision:{decision_id}"
        return authority if agree else odd(f"{authority} (decision_id {decision_id})")
    return authority


def links(session: Session, community_id: int, report: AuditReport) -> RowRecords:
    query = select(_L.id, _L.matter_kind, _L.matter_ref, _L.authority, _L.decision_id).where(
        _L.community_id == community_id
    )
    derived = []
    for link_id, kind, ref, authority, decision_id in driver_rows(session.connection(), query):
        matter = f"{text(kind)}:{text(ref)}"
        record = {
            "link": whole(link_id),
            "matter": matter,
            "authority": _authority(authority, decision_id),
        }
        derived.append(Derived(matter, record))
    return RowRecords(report, LINK_KIND, derived, key_of=_matter_of, ref_of=_matter_of)


def requirements(session: Session, community_id: int, report: AuditReport) -> RowRecords:
    query = select(_R.id, _R.kind, _R.required).where(_R.community_id == community_id)
    derived = [
        Derived(
            str(text(kind)),
            {"setting": whole(setting), "kind": text(kind), "required": flag(required)},
        )
        for setting, kind, required in driver_rows(session.connection(), query)
    ]
    return RowRecords(
        report, REQUIREMENT_KIND, derived, key_of=_kind_of, ref_of=_kind_of, latest=True
    )


register(
    AuditCheck(
        name=LINK_CHECK,
        kinds=(LINK_KIND,),
        tables=(AuthorityLink.__tablename__,),
        rows=links,
        communities=lambda session: community_ids(session, [AuthorityLink.__table__]),
    )
)
register(
    AuditCheck(
        name=REQUIREMENT_CHECK,
        kinds=(REQUIREMENT_KIND,),
        tables=(Requirement.__tablename__,),
        rows=requirements,
        communities=lambda session: community_ids(session, [Requirement.__table__]),
    )
)
