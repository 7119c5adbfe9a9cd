"""Governance's audit check of owners' votes: each opened vote against its latest record.

A vote keeps the record it last appended (`body`: on opening, then with the result on
closing); its state, title, matters, scope, times, notice, silent-majority setting and
the SHA-256 of its frozen roll repeat what the record says, so the derived record takes
them from the columns: an edit of any of them, or of the body, is named, and so is an
opened vote with no record or a record whose vote is gone (or back to a draft). The
ballots are counted again by `sunshine governance vote recount`, not here: they say who
voted how.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.governance.models import Vote
from sunshine.governance.models.votes import VOTE_CHECK
from sunshine.governance.models.votes import VoteState
from sunshine.governance.service.counting import LOG_KIND
from sunshine.governance.service.counting import roll_digest
from sunshine.infra.bulk import community_ids
from sunshine.infra.bulk import driver_rows
from sunshine.transparency.service.audit import AuditCheck
from sunshine.transparency.service.audit import register
from sunshine.transparency.service.audit_report import AuditReport
from sunshine.transparency.service.audit_rows import Derived
from sunshine.transparency.service.audit_rows import Odd
from sunshine.transparency.service.audit_rows import RowRecords
from sunshine.transparency.service.audit_rows import day
from sunshine.transparency.service.audit_rows import flag
from sunshine.transparency.service.audit_rows import odd
from sunshine.transparency.service.audit_rows import parse_body
from sunshine.transparency.service.audit_rows import shown
from sunshine.transparency.service.audit_rows import text
from sunshine.transparency.service.audit_rows import whole

_V = Vote.__table__.c


def _instant(value: object) -> str | Odd:
    """A stored time as the record holds it: PostgreSQL's aware value, or SQLite's text."""
    if type(value) is str:
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return odd(value)
    if type(value) is datetime:
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat()
    return odd(value)


def _json(value: object) -> object:
    if type(value) is not str:
        return odd(value)
    try:
        loaded: object = json.loads(value)
    except ValueError:
        return odd(value)
    return loaded


def _key_of(record: Mapping[str, object]) -> str:
    """The vote's number; a record without one raises KeyError, which RowRecords reports."""
    return str(whole(record["vote"]))


def _ref_of(record: Mapping[str, object]) -> str:
    return f"vote/{_key_of(record)}"


def _roll(record: Mapping[str, object], roll: object) -> object:
    """The record's roll totals with the digest of the roll as stored now."""
    totals = record.get("roll")
    digest = roll_digest(roll) if type(roll) is str else odd(roll)
    return {**totals, "sha256": digest} if isinstance(totals, Mapping) else odd(totals)


def _derived(row: tuple[object, ...]) -> Derived:
    vote_id, state, title, matters, scope, opens, closes, opened, closed, notice, on, roll, body = (
        row[:13]
    )
    silent = row[13]
    record = parse_body(body.encode("utf-8")) if type(body) is str else None
    stored: Mapping[str, object] | Odd = odd(body)
    if record is not None:
        columns = {
            "vote": whole(vote_id),
            "state": text(state),
            "roll": _roll(record, roll),
            "title": text(title),
            "matters": _json(matters),
            "scope": _json(scope),
            "opens": _instant(opens),
            "closes": _instant(closes),
            "opened": _instant(opened),
            "notice": {"text": text(notice), "on": day(on)},
            "silent_follow_majority": flag(silent),
        }
        if state != VoteState.OPEN.value or closed is not None:
            columns["closed"] = _instant(closed)
        stored = record | {name: _agreed(v, record.get(name)) for name, v in columns.items()}
    return Derived(str(vote_id), stored)


def _agreed(column: object, kept: object) -> object:
    """A column's value if the result kept with the row says the same; else both, as odd."""
    if column == kept:
        return column
    return Odd(f"{shown(column)} (its kept result: {shown(kept)})")


def votes(session: Session, community_id: int, report: AuditReport) -> RowRecords:
    query = select(
        _V.id, _V.state, _V.title, _V.matters, _V.scope, _V.opens_at, _V.closes_at,
        _V.opened_at, _V.closed_at, _V.notice_text, _V.notice_on, _V.roll, _V.body,
        _V.silent_follow_majority,
    ).where(_V.community_id == community_id, _V.state != VoteState.DRAFT.value)  # fmt: skip
    derived = [_derived(tuple(row)) for row in driver_rows(session.connection(), query)]
    return RowRecords(report, LOG_KIND, derived, key_of=_key_of, ref_of=_ref_of, latest=True)


def _with_votes(session: Session) -> set[int]:
    return community_ids(session, [Vote.__table__])


register(
    AuditCheck(
        name=VOTE_CHECK,
        kinds=(LOG_KIND,),
        tables=(Vote.__tablename__,),
        rows=votes,
        communities=_with_votes,
    )
)
