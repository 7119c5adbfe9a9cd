"""The audit of closing months: each request, withdrawal and close against its rows.

A month closes at a committee member's countersignature of a manager's request, and
each step is logged (`closing`): `ledger.close_requested` (ref = the request), then
`ledger.close_withdrawn` (ref = the request) or `ledger.period_closed` (ref = the month).
Here each is derived again from the request, its decision and the closed month's row:
a closed month removed behind the app's back (the books opened again), a request or
decision changed or made up, a month closed with no countersignature logged, is named.

INVARIANT: the records are laid out as `closing.requested_record`, `withdrawn_record` and
`closed_record` lay them out: the demo, with months closed, audits clean
(tests/test_audit_edits.py), which pins them.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.infra.bulk import driver_rows
from sunshine.ledger.models import CloseDecision
from sunshine.ledger.models import CloseRequest
from sunshine.ledger.models import PeriodClose
from sunshine.ledger.rules import CloseOutcome
from sunshine.ledger.service.closing import CLOSED_KIND
from sunshine.ledger.service.closing import REQUESTED_KIND
from sunshine.ledger.service.closing import WITHDRAWN_KIND
from sunshine.transparency.service.audit_report import AuditReport
from sunshine.transparency.service.audit_rows import Derived
from sunshine.transparency.service.audit_rows import LogRow
from sunshine.transparency.service.audit_rows import Odd
from sunshine.transparency.service.audit_rows import RowRecords
from sunshine.transparency.service.audit_rows import month
from sunshine.transparency.service.audit_rows import odd
from sunshine.transparency.service.audit_rows import shown
from sunshine.transparency.service.audit_rows import text
from sunshine.transparency.service.audit_rows import whole

_R, _D, _C = CloseRequest.__table__.c, CloseDecision.__table__.c, PeriodClose.__table__.c
_NO_ROW = odd(None)
Request = tuple[object, object, object]  # period, entries_through, requested_by, as stored


def _key(value: object) -> str:
    return value if type(value) is str else shown(odd(value))


def _by_request(record: Mapping[str, object]) -> str:
    return str(record["request"])


def _by_period(record: Mapping[str, object]) -> str:
    return str(record["period"])


class CloseAudit:
    """Close requests, withdrawals and closed months against their records (module doc)."""

    def __init__(self, session: Session, community_id: int, report: AuditReport) -> None:
        connection = session.connection()
        requests: dict[object, Request] = {
            request_id: (period, through, asker)
            for request_id, period, through, asker in driver_rows(
                connection,
                select(_R.id, _R.period, _R.entries_through, _R.requested_by).where(
                    _R.community_id == community_id
                ),
            )
        }
        decisions = driver_rows(
            connection,
            select(_D.request_id, _D.outcome, _D.decided_by).where(_D.community_id == community_id),
        )
        closed = dict(
            driver_rows(
                connection,
                select(_C.period, _C.closed_by).where(_C.community_id == community_id),
            )
        )
        self.sides: dict[str, RowRecords] = {
            REQUESTED_KIND: RowRecords(
                report,
                REQUESTED_KIND,
                [Derived(str(key), _asked(key, request)) for key, request in requests.items()],
                key_of=_by_request,
                ref_of=_by_request,
            ),
            WITHDRAWN_KIND: RowRecords(
                report,
                WITHDRAWN_KIND,
                _withdrawn(requests, decisions),
                key_of=_by_request,
                ref_of=_by_request,
            ),
            CLOSED_KIND: RowRecords(
                report,
                CLOSED_KIND,
                _closed(requests, decisions, closed),
                key_of=_by_period,
                ref_of=_by_period,
            ),
        }

    def take(self, rows: Iterable[LogRow]) -> None:
        for row in rows:
            self.sides[row[1]].take([row])

    def finish(self) -> None:
        for side in self.sides.values():
            side.finish()


def _asked(request_id: object, request: Request | None) -> dict[str, object]:
    period, through, asker = request if request is not None else (None, None, None)
    return {
        "request": whole(request_id),
        "period": _NO_ROW if request is None else month(period),
        "entries_through": _NO_ROW if request is None else whole(through),
        "requested_by": _NO_ROW if request is None else whole(asker),
    }


def _withdrawn(
    requests: Mapping[object, Request], decisions: Iterable[tuple[object, object, object]]
) -> list[Derived]:
    found = []
    for request_id, outcome, decided_by in decisions:
        if outcome == CloseOutcome.WITHDRAWN.value:
            asked = _asked(request_id, requests.get(request_id))
            record = {
                "request": asked["request"],
                "period": asked["period"],
                "withdrawn_by": whole(decided_by),
            }
            found.append(Derived(str(request_id), record))
    return found


def _closed(
    requests: Mapping[object, Request],
    decisions: Iterable[tuple[object, object, object]],
    closed: Mapping[object, object],
) -> list[Derived]:
    """Each closed month with the countersigned request that closed it (by its month)."""
    signed: dict[str, dict[str, object]] = {}
    for request_id, outcome, decided_by in decisions:
        if outcome != CloseOutcome.WITHDRAWN.value:
            asked = _asked(request_id, requests.get(request_id))
            if outcome != CloseOutcome.COUNTERSIGNED.value:
                asked["outcome"] = text(outcome)  # no record holds another outcome
            signed[_key(requests.get(request_id, (None,))[0])] = {
                **asked,
                "countersigned_by": whole(decided_by),
            }
    months = {_key(period): closed_by for period, closed_by in closed.items()}
    found = []
    for period in sorted(signed.keys() | months.keys()):
        record = signed.get(period) or _asked(None, None)
        if period not in months:  # the books opened again
            record = {**record, "period": Odd(f"{period}, with no ledger_period_close row")}
        elif months[period] != record.get("countersigned_by"):  # either side changed
            stored = f"{record.get('countersigned_by')}, closed by {months[period]}"
            record = {**record, "countersigned_by": Odd(stored)}
        found.append(Derived(period, record))
    return found
