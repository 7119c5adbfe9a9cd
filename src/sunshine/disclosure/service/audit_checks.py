"""Disclosure's audit checks: published notices and budgets put in force, against the log.

Registered with `transparency.service.audit`, whose registry imports this module
whenever an audit runs (the ledger below cannot import disclosure; it need not).

- `disclosure.notice`: each published version's row holds the very record it logged
  (`body`), and its columns repeat some of its fields; the body, each such column, the
  log position (`log_seq`) and the checkpoint it was signed into (`checkpoint_size`) are
  compared with the record, so a figure changed on the notice page is named.
- `disclosure.budget`: each version put in force (approved or revised) is re-derived
  from its decision row, the budget row and its lines, and compared line by line; the
  budget's state and version must be those its logged decisions give (a budget with no
  decision is a draft or open for comments, at version 1).

INVARIANT: the budget record is laid out as `budget_log.decision_record` lays it out: the
demo audits clean (tests/test_audit_edits.py), which pins the two.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection
from sqlalchemy import Select
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.disclosure.models.budgets import Budget
from sunshine.disclosure.models.budgets import BudgetDecision
from sunshine.disclosure.models.budgets import BudgetLine
from sunshine.disclosure.models.notices import NoticeVersion
from sunshine.disclosure.rules.budget import BudgetState
from sunshine.disclosure.service.budget_log import LOG_KIND as BUDGET_KIND
from sunshine.disclosure.service.notices import NOTICE_KIND
from sunshine.infra.bulk import community_ids
from sunshine.infra.bulk import driver_rows
from sunshine.kernel.errors import Problem
from sunshine.transparency.service import audit_checkpoints
from sunshine.transparency.service.audit import AuditCheck
from sunshine.transparency.service.audit import register
from sunshine.transparency.service.audit_report import AuditReport
from sunshine.transparency.service.audit_report import FindingKind
from sunshine.transparency.service.audit_rows import Derived
from sunshine.transparency.service.audit_rows import Odd
from sunshine.transparency.service.audit_rows import RowRecords
from sunshine.transparency.service.audit_rows import day
from sunshine.transparency.service.audit_rows import differences
from sunshine.transparency.service.audit_rows import flag
from sunshine.transparency.service.audit_rows import month
from sunshine.transparency.service.audit_rows import odd
from sunshine.transparency.service.audit_rows import parse_body
from sunshine.transparency.service.audit_rows import report_field
from sunshine.transparency.service.audit_rows import shown
from sunshine.transparency.service.audit_rows import text
from sunshine.transparency.service.audit_rows import text_or_none
from sunshine.transparency.service.audit_rows import whole

_N, _B = NoticeVersion.__table__.c, Budget.__table__.c
_D, _L = BudgetDecision.__table__.c, BudgetLine.__table__.c
_IN_FORCE = {BudgetState.APPROVED.value, BudgetState.REVISED.value}


def _version_key(record: Mapping[str, object], owner: str) -> str:
    return f"{record[owner]}/v{record['version']}"


def _key(value: object) -> str:
    return value if type(value) is str else shown(odd(value))


class NoticeAudit(RowRecords):
    """Published notice versions against their `disclosure.notice` records."""

    def __init__(self, session: Session, community_id: int, report: AuditReport) -> None:
        checkpoints = audit_checkpoints.read_checkpoints(session, community_id)
        self.signed = set(audit_checkpoints.sizes(checkpoints))
        self.columns: dict[str, dict[str, object]] = {}  # key → what the row's columns say
        super().__init__(
            report,
            NOTICE_KIND,
            self._derived(session, community_id),
            key_of=lambda r: _version_key(r, "period"),
            ref_of=lambda r: _version_key(r, "period"),
        )

    def _derived(self, session: Session, community_id: int) -> list[Derived]:
        n = _N
        query = select(
            n.period, n.version, n.first, n.body, n.log_seq, n.checkpoint_size,
            n.published_on, n.reason,
        ).where(n.community_id == community_id)  # fmt: skip
        found = []
        for period, version, first, body, seq, size, published_on, reason in driver_rows(
            session.connection(), query
        ):
            key = f"{_key(period)}/v{version}"
            self.columns[key] = {
                "period": month(period),
                "version": whole(version),
                "first": month(first),
                "published_on": day(published_on),
                "reason": text_or_none(reason),
                "log_seq": whole(seq),
                "checkpoint_size": whole(size),
            }
            record = (
                parse_body(body.encode("utf-8", "surrogatepass")) if type(body) is str else None
            )
            found.append(Derived(key, odd(body) if record is None else record))
        return found

    def paired(self, key: str, seq: int, record: Mapping[str, object]) -> None:
        """The row's columns must repeat the record, and say where it is: at `seq`, signed."""
        columns = self.columns[key]
        revision = record.get("revision")
        logged = {
            "period": record.get("period"),
            "version": record.get("version"),
            "first": record.get("first"),
            "published_on": record.get("published_on"),
            "reason": revision.get("reason") if isinstance(revision, dict) else None,
            "log_seq": seq,
            "checkpoint_size": columns["checkpoint_size"],
        }
        size = columns["checkpoint_size"]
        if type(size) is not int or size <= seq or size not in self.signed:
            self.report.add(
                Problem(
                    FindingKind.CHANGED,
                    "disclosure.notice {key}: checkpoint_size is {size} in the database,"
                    " which is no signed checkpoint after log record {seq}",
                    {"key": key, "size": shown(size), "seq": seq},
                ),
                seq=seq,
                kind=NOTICE_KIND,
                key=key,
                field="checkpoint_size",
            )
        for field in sorted(logged):
            if differences(logged[field], columns[field]):
                report_field(
                    self.report,
                    kind=NOTICE_KIND,
                    key=key,
                    seq=seq,
                    field=field,
                    logged=logged[field],
                    stored=columns[field],
                )


class BudgetAudit(RowRecords):
    """Budget versions put in force against their `disclosure.budget` records (module doc)."""

    def __init__(self, session: Session, community_id: int, report: AuditReport) -> None:
        connection = session.connection()
        self.budgets = {
            budget_id: (first, title, state, version)
            for budget_id, first, title, state, version in driver_rows(
                connection,
                select(_B.id, _B.first, _B.title, _B.state, _B.version).where(
                    _B.community_id == community_id
                ),
            )
        }
        super().__init__(
            report,
            BUDGET_KIND,
            self._derived(connection, community_id),
            key_of=lambda r: _version_key(r, "budget"),
            ref_of=lambda r: _version_key(r, "budget"),
        )

    def _derived(self, connection: Connection, community_id: int) -> list[Derived]:
        decisions = {
            (budget_id, version): (reason, sha)
            for budget_id, version, reason, sha in driver_rows(
                connection,
                select(_D.budget_id, _D.version, _D.reason, _D.decision_sha256).where(
                    _D.community_id == community_id
                ),
            )
        }
        lines: dict[tuple[object, object], list[object]] = defaultdict(list)
        for budget_id, version, *line in driver_rows(connection, self._lines(community_id)):
            in_force = self.budgets.get(budget_id, (None, None, None))[2] in _IN_FORCE
            if in_force or (budget_id, version) in decisions:
                lines[budget_id, version].append(_line(line))
        return [
            self._version(key, decisions.get(key), lines[key])
            for key in sorted(decisions.keys() | lines.keys(), key=str)
        ]

    def _lines(self, community_id: int) -> Select[Any]:
        line = _L
        return (
            select(
                line.budget_id, line.version, line.number, line.name_zh, line.name_en,
                line.kind, line.amount_fen, line.accounts, line.recurring, line.note,
            )
            .where(line.community_id == community_id)
            .order_by(line.budget_id, line.version, line.number)
        )  # fmt: skip

    def _version(
        self,
        key: tuple[object, object],
        decision: tuple[object, object] | None,
        lines: list[object],
    ) -> Derived:
        budget_id, version = key
        budget = self.budgets.get(budget_id)
        none = odd(None)
        first, title = (none, none) if budget is None else (month(budget[0]), text(budget[1]))
        reason, sha = (none, none) if decision is None else (text(decision[0]), decision[1])
        return Derived(
            f"{budget_id}/v{version}",
            {
                "budget": whole(budget_id),
                "version": whole(version),
                "title": title,
                "first": first,
                "reason": reason,
                "decision_sha256": sha if isinstance(sha, Odd) else text_or_none(sha),
                "lines": lines,
            },
        )

    def finish(self) -> None:
        """Then each budget's state and version must be those its logged decisions give."""
        decided: dict[str, int] = {}
        for _seq, record in self.seen.values():
            budget, version = str(record.get("budget")), record.get("version")
            if type(version) is int:
                decided[budget] = max(decided.get(budget, 0), version)
        super().finish()
        for budget_id, (_first, _title, state, version) in sorted(self.budgets.items(), key=str):
            latest = decided.get(str(budget_id))
            expected = _state(latest)
            if state not in expected or version != (latest or 1):
                self._wrong_state(str(budget_id), state, version, expected, latest or 1)

    def _wrong_state(
        self, key: str, state: object, version: object, expected: set[str], latest: int
    ) -> None:
        self.report.add(
            Problem(
                FindingKind.CHANGED,
                "disclosure.budget {key}: the budget is {state} at version {version} in the"
                " database; its logged decisions make it {expected} at version {latest}",
                {
                    "key": key,
                    "state": shown(state if type(state) is str else odd(state)),
                    "version": shown(version if type(version) is int else odd(version)),
                    "expected": " / ".join(sorted(expected)),
                    "latest": latest,
                },
            ),
            kind=BUDGET_KIND,
            key=key,
            field="state",
        )


def _state(latest: int | None) -> set[str]:
    if latest is None:
        return {BudgetState.DRAFT.value, BudgetState.OPEN.value}
    return {BudgetState.APPROVED.value if latest == 1 else BudgetState.REVISED.value}


def _line(values: list[object]) -> dict[str, object]:
    number, name_zh, name_en, kind, amount, accounts, recurring, note = values
    codes = text(accounts)
    return {
        "number": whole(number),
        "name_zh": text(name_zh),
        "name_en": text(name_en),
        "kind": text(kind),
        "amount_fen": whole(amount),
        "accounts": [c for c in codes.split(",") if c] if isinstance(codes, str) else codes,
        "recurring": flag(recurring),
        "note": text(note),
    }


def _with_disclosures(session: Session) -> set[int]:
    """Communities with a published notice or a budget: their log must stand for them."""
    models = (NoticeVersion, Budget, BudgetLine, BudgetDecision)
    return community_ids(session, [model.__table__ for model in models])


register(
    AuditCheck(
        name=NOTICE_KIND,
        kinds=(NOTICE_KIND,),
        tables=(NoticeVersion.__tablename__,),
        rows=NoticeAudit,
        communities=_with_disclosures,
    )
)
register(
    AuditCheck(
        name=BUDGET_KIND,
        kinds=(BUDGET_KIND,),
        tables=tuple(m.__tablename__ for m in (Budget, BudgetLine, BudgetDecision)),
        rows=BudgetAudit,
    )
)
