"""Where the audit's log side runs: in the caller's transaction, or in a second process.

Both give `audit.py` the same thing: the log's records in seq order as batches of
`LogRow` (`batches()`), how many have been read (`read`), and, at `finish(report)`, the
findings of the log side and of the totals check (`audit_checks`).

`LocalLog` reads in the caller's session, so it sees what the caller's transaction sees
(tests audit books they have not committed). `RemoteLog` reads the log, and checks the
totals, in a child process with its own connection, while the caller rebuilds entries:
on two cores a million-entry audit takes about half as long. The child sees committed
data only, so it is for edges that audit the database as stored (`sunshine audit`).
Both sides check the same records because the caller passes the tree size and the
checkpoint from its own snapshot, and the log only ever grows.
"""

from __future__ import annotations

import importlib
import multiprocessing
import sys
from collections.abc import Iterator
from multiprocessing.connection import Connection
from typing import Any
from typing import Self

from sqlalchemy.orm import Session

from sunshine.infra.db import make_engine
from sunshine.kernel.errors import Problem
from sunshine.ledger.service.audit_checks import check_totals
from sunshine.ledger.service.audit_report import AuditReport
from sunshine.ledger.service.audit_scan import LogBatch
from sunshine.ledger.service.audit_scan import LogScan
from sunshine.ledger.service.posting import ENTRY_KIND

_JOIN_SECONDS = 30
# fork: the child starts at once with what the caller has imported (spawn would import
# the whole command again first, seconds on a slow disk). It opens its own connection
# and leaves the caller's alone; a forked child ends with os._exit, so nothing inherited
# is closed under the caller.
_START_METHOD = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"


class LocalLog:
    """The log side in the caller's own transaction."""

    def __init__(
        self,
        session: Session,
        community_id: int,
        report: AuditReport,
        *,
        size: int,
        checkpoint: tuple[int, bytes] | None,
    ) -> None:
        self.session, self.community_id = session, community_id
        self.scan = LogScan(
            session, community_id, report, size=size, checkpoint=checkpoint, entry_kind=ENTRY_KIND
        )

    @property
    def read(self) -> int:
        return self.scan.read

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        return

    def batches(self) -> Iterator[LogBatch]:
        return self.scan.batches()

    def finish(self, report: AuditReport) -> None:
        self.scan.check_root()
        check_totals(self.session, self.community_id, report)


def _log_side(
    models: list[str],
    url: str,
    community_id: int,
    size: int,
    checkpoint: tuple[int, bytes] | None,
    keep_bodies: frozenset[str],
    out: Connection,
) -> None:
    """The child process: read and fold the log, run the checks, send everything back.

    Bodies are sent only for the kinds in `keep_bodies`; for the rest the leaf hash of
    the body stands for it (the caller compares it with the hash of the rebuilt record).
    `models` are the table modules the caller has loaded: the child imports the same, so
    that foreign keys to other parts' tables resolve (this part may not import them).
    """
    for name in models:
        importlib.import_module(name)
    engine = make_engine(url)
    with Session(engine) as session:
        report = AuditReport(community_id)
        scan = LogScan(
            session,
            community_id,
            report,
            size=size,
            checkpoint=checkpoint,
            entry_kind=ENTRY_KIND,
            bodies=False,
        )
        read = 0
        for logged, others, high in scan.batches():
            kept = [(s, k, r, b if k in keep_bodies else b"", d) for s, k, r, b, d in others]
            out.send(("rows", (logged, kept, high, scan.read - read)))
            read = scan.read
        scan.check_root()
        check_totals(session, community_id, report)
        findings = [
            (f.problem.code, f.problem.message, dict(f.problem.args), f.entry, f.seq)
            for f in report.findings
        ]
        out.send(("end", (report.records, report.root, findings, report.omitted)))
    engine.dispose()
    out.close()


def _loaded_models() -> list[str]:
    return sorted(n for n in sys.modules if n.startswith("sunshine.") and n.endswith(".models"))


class RemoteLog:
    """The log side in a child process (see the module doc)."""

    def __init__(
        self,
        session: Session,
        community_id: int,
        *,
        size: int,
        checkpoint: tuple[int, bytes] | None,
        keep_bodies: frozenset[str],
    ) -> None:
        url = session.get_bind().engine.url.render_as_string(hide_password=False)
        context: Any = multiprocessing.get_context(_START_METHOD)  # Process is on each kind
        self.pipe, child_end = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_log_side,
            args=(_loaded_models(), url, community_id, size, checkpoint, keep_bodies, child_end),
            daemon=True,
        )
        self.process.start()
        child_end.close()
        self.read = 0
        self.result: Any = None

    def _receive(self) -> tuple[str, Any]:
        try:
            message: tuple[str, Any] = self.pipe.recv()
        except EOFError:
            self.process.join(_JOIN_SECONDS)
            code = self.process.exitcode
            raise RuntimeError(f"the audit's log reader stopped (exit code {code})") from None
        return message

    def batches(self) -> Iterator[LogBatch]:
        while True:
            kind, payload = self._receive()
            if kind == "end":
                self.result = payload
                return
            logged, others, high, count = payload
            self.read += count
            yield logged, others, high

    def finish(self, report: AuditReport) -> None:
        """Take the child's findings (after `batches` is exhausted)."""
        if self.result is None:
            for _ in self.batches():
                pass
        records, root, findings, omitted = self.result
        report.records, report.root = records, root
        for code, message, args, entry, seq in findings:
            report.add(Problem(code, message, args), entry=entry, seq=seq)
        report.omitted += omitted

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
