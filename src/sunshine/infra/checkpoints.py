"""SQLite's write-ahead log copied back into the database beside the server, not inside a request.

In WAL mode SQLite copies the log back into the database file (a checkpoint) when a commit
finds it past 1,000 pages, inside that commit: with 16 KiB pages that is 16 MB to write and
sync, 10-15 ms added to whichever request's commit crossed the line, about once a second
under 200 payment notifications a second (bench/RESULTS.md, payment notifications). So
while `sunshine serve` runs on SQLite its connections, and its booker's, do not checkpoint
(`infra.db.leave_checkpoints_to_the_server`), and a thread of the server's does it every
`EVERY_SECONDS` on a connection of its own, PASSIVE: it copies what no reader still needs
and waits for no one, and SQLite runs it without Python's interpreter lock, so the
requests go on meanwhile on the other core. Once the server stops, SQLite's own rule
applies again (and the last connection to close checkpoints the whole log).
"""

from __future__ import annotations

import logging
import sqlite3
import threading

from sqlalchemy import Engine

from sunshine.infra import db

log = logging.getLogger(__name__)
EVERY_SECONDS = 1.0
LONG_LOG_PAGES = 4096  # 64 MiB of 16 KiB pages
RESTART_WAIT_MS = 1000


class Checkpointer:
    """A thread that checkpoints one SQLite database's log every `EVERY_SECONDS`."""

    def __init__(self, database: str, *, every_seconds: float = EVERY_SECONDS) -> None:
        self._database = database
        self._every = every_seconds
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sunshine-checkpoints", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        connection = sqlite3.connect(self._database, timeout=0, check_same_thread=False)
        try:
            while not self._stopped.wait(self._every):
                try:
                    if not copy_back(connection):
                        restart_if_long(connection)
                except sqlite3.Error:  # busy or locked for a moment: the next tick copies it
                    log.warning("checkpoint skipped", exc_info=True)
        finally:
            connection.close()


def copy_back(connection: sqlite3.Connection, *, tries: int = 4) -> bool:
    """Checkpoint until a pass finds nothing new to copy (at most `tries`): whether one did.

    Only a log copied back whole lets the next writer start it over from its beginning;
    else it grows for as long as commits keep coming (145 MB in 17 s at 200 commits a
    second, measured). A pass copies the frames there were when it began and reports
    them, so frames committed while it ran show only in the next pass's count: the first
    pass copies the second's worth of commits, the next the few that landed meanwhile,
    and so on until one finds the count unchanged. Where commits land during every pass
    (each syncs the file; a busy machine, a bulk job), it does not get there, and
    `restart_if_long` bounds the log instead.
    """
    last = -1
    for _ in range(tries):
        in_log, copied = checkpoint(connection)
        if copied == in_log == last:
            return True
        last = in_log
    return False


def restart_if_long(connection: sqlite3.Connection) -> None:
    """Past `LONG_LOG_PAGES`, start the log over even if writers must wait a moment.

    Commits coming faster than a pass can find a gap between them (a bulk job writing
    without pause) would never let the log start over. A RESTART checkpoint takes the
    writers' lock for as long as it copies what the passes left (little, they have
    copied the rest) and waits up to `RESTART_WAIT_MS` for readers still in the old log.
    """
    in_log, _ = checkpoint(connection)
    if in_log < LONG_LOG_PAGES:
        return
    connection.execute(f"PRAGMA busy_timeout={RESTART_WAIT_MS}")
    try:
        connection.execute("PRAGMA wal_checkpoint(RESTART)").fetchone()
    finally:
        connection.execute("PRAGMA busy_timeout=0")


def checkpoint(connection: sqlite3.Connection) -> tuple[int, int]:
    """One PASSIVE checkpoint: (pages in the log, pages now copied to the database)."""
    busy, in_log, copied = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    del busy  # PASSIVE never waits, so never reports busy
    return int(in_log), int(copied)


def checkpoint_beside_the_server() -> Checkpointer | None:
    """On a SQLite file, take checkpoints out of this process's commits and run them here."""
    bind = db.session_factory().kw.get("bind")
    if not isinstance(bind, Engine) or bind.url.get_backend_name() != "sqlite":
        return None
    if bind.url.database in (None, "", ":memory:"):
        return None
    db.leave_checkpoints_to_the_server()
    checkpointer = Checkpointer(bind.url.database)
    checkpointer.start()
    return checkpointer
