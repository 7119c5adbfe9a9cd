"""Where the audit's log side runs: in the caller's transaction, or in a second process.

The log side reads and folds the log (`audit_scan.LogScan`), sorts each check's records
with the check's sorter, and at the end checks the tree, the checkpoints and whatever
the checks do alongside (the ledger's totals). Both sources give `audit.py` the same
thing: batches of {check name: sorted records} (`batches()`), how many records have been
read (`read`), and, at `finish(report)`, the log side's findings.

`LocalLog` reads in the caller's session, so it sees what the caller's transaction sees
(tests audit books they have not committed). `RemoteLog` reads in a child process with
its own connection while the caller rebuilds rows: on two cores a million-entry audit
takes about half as long. The child sees committed data only, so it is for edges that
audit the database as stored (`sunshine audit`). Both sides check the same records
because the caller passes the tree size and the checkpoints from its own snapshot, and
the log only ever grows.
"""

from __future__ import annotations

import importlib
import multiprocessing
import sys
from collections.abc import Iterator
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING
from typing import Any
from typing import Self

from sqlalchemy.orm import Session

from sunshine.infra.db import make_engine
from sunshine.kernel.errors import NotFound
from sunshine.kernel.errors import Problem
from sunshine.transparency.service import audit_checkpoints
from sunshine.transparency.service import log
from sunshine.transparency.service.audit_report import AuditReport
from sunshine.transparency.service.audit_report import FindingKind
from sunshine.transparency.service.audit_scan import LogScan
from sunshine.transparency.service.audit_scan import Route

if TYPE_CHECKING:
    from sunshine.transparency.service.audit import AuditCheck

_JOIN_SECONDS = 30
# fork: the child starts at once with what the caller has imported (spawn would import
# the whole command again first, seconds on a slow disk). It opens its own connection
# and leaves the caller's alone; a forked child ends with os._exit, so nothing inherited
# is closed under the caller.
_START_METHOD = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
Batch = dict[str, object]  # check name → what its sorter made of its records in the batch


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What both sides check: the community, its tree size and checkpoints, as the caller saw."""

    community_id: int
    size: int
    checkpoints: Sequence[audit_checkpoints.CheckpointRow]


class _LogSide:
    """The log side's work in one session (the caller's, or the child's own)."""

    def __init__(
        self,
        session: Session,
        report: AuditReport,
        snapshot: Snapshot,
        checks: Sequence[AuditCheck],
        *,
        all_bodies: bool,
    ) -> None:
        self.session, self.report, self.snapshot, self.checks = session, report, snapshot, checks
        routes: dict[str, Route] = {
            kind: Route(check.name, check.records(report), all_bodies or check.bodies)
            for check in checks
            for kind in check.kinds
        }
        self.scan = LogScan(
            session,
            snapshot.community_id,
            report,
            size=snapshot.size,
            checkpoints=audit_checkpoints.sizes(snapshot.checkpoints),
            routes=routes,
        )

    def finish(self) -> None:
        """After the last batch: the tree, the stored root, the checkpoints, work alongside."""
        session, community_id, report = self.session, self.snapshot.community_id, self.report
        self.scan.check_tree()
        _check_stored_root(session, community_id, report, self.snapshot.size)
        audit_checkpoints.check(
            session, community_id, report, self.snapshot.checkpoints, self.scan.roots
        )
        for check in self.checks:
            if check.alongside is not None:
                check.alongside(session, community_id, report)


def _check_stored_root(session: Session, community_id: int, report: AuditReport, size: int) -> None:
    """Compare the refolded root with the one the stored subtree hashes give (as proofs do)."""
    try:
        stored = log.root(session, community_id, size).hex()
    except (NotFound, TypeError, ValueError):  # a hash missing, or stored as text
        stored = "—"
    if stored != report.root.hex():
        report.add(
            Problem(
                FindingKind.ROOT,
                "the root of the log's {size} records is {root}; its stored subtree"
                " hashes give {stored}",
                {"size": size, "root": report.root.hex(), "stored": stored},
            ),
            kind=audit_checkpoints.LOG,
        )


class LocalLog:
    """The log side in the caller's own transaction."""

    def __init__(
        self,
        session: Session,
        report: AuditReport,
        snapshot: Snapshot,
        checks: Sequence[AuditCheck],
    ) -> None:
        self.side = _LogSide(session, report, snapshot, checks, all_bodies=True)

    @property
    def read(self) -> int:
        return self.side.scan.read

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        return

    def batches(self) -> Iterator[Batch]:
        return self.side.scan.batches()

    def finish(self, report: AuditReport) -> None:
        self.side.finish()


def _log_side(
    models: list[str],
    url: str,
    snapshot: Snapshot,
    checks: Sequence[AuditCheck],
    out: Connection,
) -> None:
    """The child process: read and fold the log, run the checks, send everything back.

    Bodies are sent only for the checks that read them; for the rest the leaf hash of
    the body stands for it (the caller compares it with the hash of the rebuilt record).
    `models` are the table modules the caller has loaded: the child imports the same, so
    that foreign keys to other parts' tables resolve (this part may not import them).
    """
    for name in models:
        importlib.import_module(name)
    engine = make_engine(url)
    with Session(engine) as session:
        report = AuditReport(snapshot.community_id)
        side = _LogSide(session, report, snapshot, checks, all_bodies=False)
        read = 0
        for batch in side.scan.batches():
            out.send(("rows", (batch, side.scan.read - read)))
            read = side.scan.read
        side.finish()
        out.send(("end", report))
    engine.dispose()
    out.close()


def _loaded_models() -> list[str]:
    return sorted(n for n in sys.modules if n.startswith("sunshine.") and ".models" in n)


class RemoteLog:
    """The log side in a child process (see the module doc)."""

    def __init__(self, session: Session, snapshot: Snapshot, checks: Sequence[AuditCheck]) -> None:
        url = session.get_bind().engine.url.render_as_string(hide_password=False)
        context: Any = multiprocessing.get_context(_START_METHOD)  # Process is on each kind
        self.pipe, child_end = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_log_side,
            args=(_loaded_models(), url, snapshot, checks, child_end),
            daemon=True,
        )
        self.process.start()
        child_end.close()
        self.read = 0
        self.result: AuditReport | None = None

    def _receive(self) -> tuple[str, Any]:
        try:
            message: tuple[str, Any] = self.pipe.recv()
        except EOFError:
            self.process.join(_JOIN_SECONDS)
            code = self.process.exitcode
            raise RuntimeError(f"the audit's log reader stopped (exit code {code})") from None
        return message

    def batches(self) -> Iterator[Batch]:
        while True:
            kind, payload = self._receive()
            if kind == "end":
                self.result = payload
                return
            batch, count = payload
            self.read += count
            yield batch

    def finish(self, report: AuditReport) -> None:
        """Take the child's findings (after `batches` is exhausted)."""
        if self.result is None:
            for _ in self.batches():
                pass
        assert self.result is not None  # the child's last message
        report.records, report.root = self.result.records, self.result.root
        report.merge(self.result)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        """Let the child end (it has, once its results are in), or stop it."""
        self.pipe.close()
        if self.result is None:  # the audit stopped early: the child's work is not wanted
            self.process.terminate()
        self.process.join(_JOIN_SECONDS)
        if self.process.is_alive():
            self.process.kill()
