"""Governance's audit check of the joint meeting: each published version of the minutes.

A `MeetingMinutes` row keeps the record it appended (`body`); its number, meeting, version,
day of publication and a correction's reason repeat what the record says, so the derived
record takes them from the columns: an edit of any of them, or of the body, is named, and so
is a version with no record or a record whose version is gone. The working copy
(`governance_meeting`) and the actions' follow-up are not in the log: owners read each
version as it was published.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.governance.models import MeetingMinutes
from sunshine.governance.models.meetings import MINUTES_CHECK
from sunshine.governance.service.meetings import LOG_KIND
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

_M = MeetingMinutes.__table__.c


def _key_of(record: Mapping[str, object]) -> str:
    """The version's own number; a record without one raises KeyError, which RowRecords reports."""
    return str(whole(record["minutes"]))


def _ref_of(record: Mapping[str, object]) -> str:
    return f"meeting/{whole(record['meeting'])}/v{whole(record['version'])}"


def minutes(session: Session, community_id: int, report: AuditReport) -> RowRecords:
    query = select(_M.id, _M.meeting_id, _M.version, _M.published_on, _M.reason, _M.body).where(
        _M.community_id == community_id
    )
    derived = []
    rows = driver_rows(session.connection(), query)
    for minutes_id, meeting_id, version, published_on, reason, body in rows:
        record = parse_body(body.encode("utf-8")) if type(body) is str else None
        stored: Mapping[str, object] | Odd = odd(body)
        if record is not None:
            stored = {
                **record,
                "minutes": whole(minutes_id),
                "meeting": whole(meeting_id),
                "version": whole(version),
                "published_on": day(published_on),
            }
            if "reason" in record or reason != "":  # a first version has none
                stored["reason"] = text(reason)
        derived.append(Derived(str(minutes_id), stored))
    return RowRecords(report, LOG_KIND, derived, key_of=_key_of, ref_of=_ref_of)


def _with_minutes(session: Session) -> set[int]:
    return community_ids(session, [MeetingMinutes.__table__])


register(
    AuditCheck(
        name=MINUTES_CHECK,
        kinds=(LOG_KIND,),
        tables=(MeetingMinutes.__tablename__,),
        rows=minutes,
        communities=_with_minutes,
    )
)
