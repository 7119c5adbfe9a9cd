"""The audit: re-derive every row that a log record stands for, and name what differs.

`sunshine audit` runs it; so can anyone who distrusts the database file. The log knows
how to check itself (every leaf hash, every stored subtree hash, every signed checkpoint
and co-signature: `audit_scan`, `audit_checkpoints`); what its records stand for, only
the part that appended them knows. So each part registers, for every record kind it
appends, an `AuditCheck`: the kinds, the tables whose rows those records stand for, and
how to re-derive the rows and compare (`register`). The registry lives here, below every
part that logs, and fills itself: each part's checks live in its `service/audit_checks.py`,
which `registered_checks` imports for every part that has one, whoever runs the audit.

A test holds the registry to the code: every `LogKind` declared anywhere must have a
check, every table must declare whether a check re-derives it (`infra.db.Audit`), and
each audited column is edited behind the app's back to see the audit name it.

A check has two sides. Its sorter (`records`) runs where the log is read, in the child
process when the log is read in parallel (`audit_sources`); its row side (`rows`) runs
in the caller's transaction, takes the sorted records batch by batch, and names each
difference. Work that needs no log (the ledger sums its postings) runs `alongside`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from typing import Protocol

from sqlalchemy.orm import Session

from sunshine.transparency.models import Checkpoint
from sunshine.transparency.models import Cosignature
from sunshine.transparency.models import LogNode
from sunshine.transparency.models import LogRecord
from sunshine.transparency.models import SigningKey
from sunshine.transparency.rules.records import LogKind
from sunshine.transparency.service import audit_checkpoints
from sunshine.transparency.service.audit_report import AuditReport
from sunshine.transparency.service.audit_report import Progress
from sunshine.transparency.service.audit_scan import RecordSorter
from sunshine.transparency.service.audit_scan import log_size
from sunshine.transparency.service.audit_sources import LocalLog
from sunshine.transparency.service.audit_sources import RemoteLog
from sunshine.transparency.service.audit_sources import Snapshot
from sunshine.transparency.service.records import logged_communities

_PARTS = Path(__file__).resolve().parents[2]  # src/sunshine
CHECKS_MODULE = "service/audit_checks.py"  # where a part registers its checks


class RowSide(Protocol):
    """A check's side in the caller's transaction: re-derives rows, takes sorted records."""

    def take(self, batch: Any) -> None: ...

    def finish(self) -> None: ...


@dataclass(frozen=True, slots=True)
class AuditCheck:
    """How the audit re-derives what a part logs (see the module doc).

    `name` is what tables declare (`infra.db.audited_by`); `kinds` the record kinds it
    stands behind; `tables` those whose rows the records stand for. `bodies`: whether the
    row side reads record bodies, or makes do with their leaf hashes when the log is read
    in another process. `communities` says which communities have rows in its tables (the
    part reads its own tables), so that rows with no record at all are audited too.
    Module-level callables only: the child process may be spawned.
    """

    name: str
    kinds: tuple[LogKind, ...]
    tables: tuple[str, ...]
    rows: Callable[[Session, int, AuditReport], RowSide] | None = None
    records: Callable[[AuditReport], RecordSorter] = RecordSorter
    alongside: Callable[[Session, int, AuditReport], None] | None = None
    bodies: bool = True
    communities: Callable[[Session], Iterable[int]] | None = None  # with rows in `tables`


_checks: dict[str, AuditCheck] = {}
_discovered: list[bool] = []


def register(check: AuditCheck) -> None:
    """Register a part's check; the same name or kind twice, differently, is a bug."""
    known = _checks.get(check.name)
    if known is not None and known != check:
        raise ValueError(f"two audit checks are named {check.name}")
    for other in _checks.values():
        if other.name != check.name and set(other.kinds) & set(check.kinds):
            raise ValueError(f"{check.name} and {other.name} both check {other.kinds}")
    _checks[check.name] = check


def registered_checks() -> list[AuditCheck]:
    """Every part's checks, by name: each part's `service/audit_checks.py` is imported once."""
    if not _discovered:
        for part in sorted(p.name for p in _PARTS.iterdir() if (p / CHECKS_MODULE).is_file()):
            importlib.import_module(f"sunshine.{part}.service.audit_checks")
        _discovered.append(True)
    return [_checks[name] for name in sorted(_checks)]


register(
    AuditCheck(
        name=audit_checkpoints.LOG,
        kinds=(),
        tables=tuple(
            model.__tablename__
            for model in (LogRecord, LogNode, Checkpoint, SigningKey, Cosignature)
        ),
        communities=logged_communities,
    )
)


def audit(
    session: Session,
    community_id: int,
    *,
    progress: Progress | None = None,
    parallel: bool = False,
) -> AuditReport:
    """Check the community's log and every row its records stand for (see the module doc).

    Reads only. `progress(done, total)` is called after each batch of log records. With
    `parallel`, the log is read in a second process (`audit_sources.RemoteLog`), which
    sees committed data only: for auditing the database as stored, not a transaction's
    own writes.
    """
    checks = registered_checks()
    report = AuditReport(community_id)
    size = log_size(session, community_id)
    checkpoints = audit_checkpoints.read_checkpoints(session, community_id)
    report.checkpoint_size = max(audit_checkpoints.sizes(checkpoints), default=None)
    snapshot = Snapshot(community_id, size, checkpoints)
    source = (
        RemoteLog(session, snapshot, checks)
        if parallel and size
        else LocalLog(session, report, snapshot, checks)
    )
    with source:  # a RemoteLog's process ends with the block, whatever happens in it
        sides = {c.name: c.rows(session, community_id, report) for c in checks if c.rows}
        for batch in source.batches():
            for name, sorted_records in batch.items():
                sides[name].take(sorted_records)
            if progress is not None:
                progress(source.read, size)
        for side in sides.values():
            side.finish()
        source.finish(report)
    if progress is not None:
        progress(size, size)
    return report


def audited_communities(session: Session) -> list[int]:
    """Ids of the communities with a log, or with rows that a registered check re-derives."""
    ids: set[int] = set()
    for check in registered_checks():
        if check.communities is not None:
            ids.update(check.communities(session))
    return sorted(ids)
