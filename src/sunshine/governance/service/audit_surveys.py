"""Governance's audit checks of surveys and announcements, against their latest records.

A survey keeps the record it last appended (`body`: on opening, then with its result on
closing); its state, title, questions, whom it asks, the units asked and its days repeat
what the record says, so the derived record takes them from the columns: an edit of any of
them, or of the body, is named, and so is a survey with no record or a record whose survey
is gone. The responses are not here: they say which unit answered what.

An announcement keeps the record it appended; its kind, title, text, reference, day,
deadline and whether it was late are taken from the columns the same way. A column that
disagrees with the record kept with the row shows both (an edit of the kept body is named too).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.governance.models import Announcement
from sunshine.governance.models import Survey
from sunshine.governance.models.surveys import ANNOUNCEMENT_CHECK
from sunshine.governance.models.surveys import SURVEY_CHECK
from sunshine.governance.service import announcements
from sunshine.governance.service import surveys
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
from sunshine.transparency.service.audit_rows import whole

_S = Survey.__table__.c
_A = Announcement.__table__.c


def _json(value: object) -> object:
    if type(value) is not str:
        return odd(value)
    try:
        loaded: object = json.loads(value)
    except ValueError:
        return odd(value)
    return loaded


def _agreed(column: object, kept: object) -> object:
    """A column's value if the record kept with the row says the same; else both, as odd."""
    if column == kept:
        return column
    return Odd(f"{shown(column)} (its kept record: {shown(kept)})")


def _survey_key(record: Mapping[str, object]) -> str:
    return str(whole(record["survey"]))


def _survey_ref(record: Mapping[str, object]) -> str:
    return f"survey/{_survey_key(record)}"


def survey_rows(session: Session, community_id: int, report: AuditReport) -> RowRecords:
    query = select(
        _S.id, _S.state, _S.title, _S.questions, _S.asked_of, _S.asked, _S.opens_on,
        _S.closes_on, _S.body,
    ).where(_S.community_id == community_id)  # fmt: skip
    derived = []
    for row in driver_rows(session.connection(), query):
        survey_id, state, title, questions, asked_of, asked, opens, closes, body = row
        record = parse_body(body.encode("utf-8")) if type(body) is str else None
        stored: Mapping[str, object] | Odd = odd(body)
        if record is not None:
            columns = {
                "survey": whole(survey_id),
                "state": text(state),
                "title": text(title),
                "questions": _json(questions),
                "asked_of": text(asked_of),
                "asked": whole(asked),
                "opens": day(opens),
                "closes": day(closes),
            }
            stored = record | {name: _agreed(v, record.get(name)) for name, v in columns.items()}
        derived.append(Derived(str(survey_id), stored))
    return RowRecords(
        report, surveys.LOG_KIND, derived, key_of=_survey_key, ref_of=_survey_ref, latest=True
    )


def _announcement_key(record: Mapping[str, object]) -> str:
    return str(whole(record["announcement"]))


def _announcement_ref(record: Mapping[str, object]) -> str:
    return f"announcement/{_announcement_key(record)}"


def _late(published: object, due: object) -> object:
    shown, by = day(published), day_or_none(due)
    if isinstance(shown, Odd) or isinstance(by, Odd):
        return odd(f"{published} / {due}")
    return by is not None and shown > by


def announcement_rows(session: Session, community_id: int, report: AuditReport) -> RowRecords:
    query = select(
        _A.id, _A.kind, _A.title, _A.text, _A.ref, _A.published_on, _A.due_by, _A.body
    ).where(_A.community_id == community_id)
    derived = []
    for row in driver_rows(session.connection(), query):
        number, kind, title, body_text, ref, published, due, body = row
        record = parse_body(body.encode("utf-8")) if type(body) is str else None
        stored: Mapping[str, object] | Odd = odd(body)
        if record is not None:
            columns = {
                "announcement": whole(number),
                "kind": text(kind),
                "title": text(title),
                "text": text(body_text),
                "ref": text(ref),
                "published": day(published),
                "due_by": day_or_none(due),
                "late": _late(published, due),
            }
            stored = record | {name: _agreed(v, record.get(name)) for name, v in columns.items()}
        derived.append(Derived(str(number), stored))
    return RowRecords(
        report,
        announcements.LOG_KIND,
        derived,
        key_of=_announcement_key,
        ref_of=_announcement_ref,
    )


def _with_surveys(session: Session) -> set[int]:
    return community_ids(session, [Survey.__table__])


def _with_announcements(session: Session) -> set[int]:
    return community_ids(session, [Announcement.__table__])


register(
    AuditCheck(
        name=SURVEY_CHECK,
        kinds=(surveys.LOG_KIND,),
        tables=(Survey.__tablename__,),
        rows=survey_rows,
        communities=_with_surveys,
    )
)
register(
    AuditCheck(
        name=ANNOUNCEMENT_CHECK,
        kinds=(announcements.LOG_KIND,),
        tables=(Announcement.__tablename__,),
        rows=announcement_rows,
        communities=_with_announcements,
    )
)
