"""SQLite's log is copied back by the server's checkpointer, not inside a request's commit."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from sunshine.infra import checkpoints
from sunshine.infra import db

# Each commit of a 16 KiB row fills a page or more of the log; SQLite's own rule would
# checkpoint inside the commit that passes 1,000 pages.
ROWS = 1_200


def _fill(path: Path) -> sqlite3.Connection:
    """Commit `ROWS` rows one at a time; a connection kept open meanwhile, which it returns.

    Kept open (and having read), it stops the last of the engine's connections from
    checkpointing the whole log as it closes.
    """
    engine = db.make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (x BLOB)"))
    keep_open = sqlite3.connect(path)
    keep_open.execute("SELECT count(*) FROM t").fetchone()
    for _ in range(ROWS):
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO t VALUES (randomblob(16000))"))
    engine.dispose()
    return keep_open


def _frames_in_log(path: Path) -> int:
    """The log's frames now (a PASSIVE checkpoint reports them; it also copies them back)."""
    connection = sqlite3.connect(path)
    try:
        return checkpoints.checkpoint(connection)[0]
    finally:
        connection.close()


@pytest.fixture
def own_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db, "_commits_checkpoint", [True])


def test_by_sqlites_rule_a_commit_copies_the_log_back(tmp_path: Path, own_rule: None) -> None:
    del own_rule
    keep_open = _fill(tmp_path / "a.db")
    # The commit that passed 1,000 pages checkpointed, and the log started over.
    assert _frames_in_log(tmp_path / "a.db") < ROWS
    keep_open.close()


def test_left_to_the_server_no_commit_checkpoints_and_the_checkpointer_does(
    tmp_path: Path, own_rule: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    del own_rule
    path = tmp_path / "b.db"
    monkeypatch.setattr(db, "_factory", None)  # no process-wide pool to let go of here
    db.leave_checkpoints_to_the_server()
    assert not db.commits_checkpoint()
    keep_open = _fill(path)
    seen: list[tuple[int, int]] = []
    checkpoint = checkpoints.checkpoint

    def watched(connection: sqlite3.Connection) -> tuple[int, int]:
        seen.append(checkpoint(connection))
        return seen[-1]

    monkeypatch.setattr(checkpoints, "checkpoint", watched)
    checkpointer = checkpoints.Checkpointer(str(path), every_seconds=0.02)
    checkpointer.start()
    deadline = time.monotonic() + 10
    while not seen and time.monotonic() < deadline:
        time.sleep(0.02)
    checkpointer.stop()
    in_log, copied = seen[0]
    assert in_log >= ROWS  # no commit had copied any of it back
    assert copied == in_log  # the checkpointer's thread did, all of it
    assert keep_open.execute("SELECT count(*) FROM t").fetchone() == (ROWS,)
    keep_open.close()


def test_only_a_sqlite_file_is_checkpointed_beside_the_server(
    monkeypatch: pytest.MonkeyPatch, own_rule: None
) -> None:
    del own_rule
    monkeypatch.setattr(db, "_factory", None)
    db.use_engine(db.make_engine("sqlite://"))
    assert checkpoints.checkpoint_beside_the_server() is None
    assert db.commits_checkpoint()


def test_a_log_copied_back_whole_starts_over_at_the_next_commit(
    tmp_path: Path, own_rule: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Copied back only in part (a commit landed during the pass), the log grows on: a
    # writer starts it over only once every frame is in the database. `copy_back` passes
    # until one finds nothing new, and says whether it got there.
    del own_rule
    path = tmp_path / "c.db"
    monkeypatch.setattr(db, "_factory", None)
    db.leave_checkpoints_to_the_server()
    keep_open = _fill(path)
    connection = sqlite3.connect(path, timeout=0)
    assert checkpoints.copy_back(connection)
    engine = db.make_engine(f"sqlite:///{path}")
    with engine.begin() as writer:
        writer.execute(text("INSERT INTO t VALUES (randomblob(16000))"))
    engine.dispose()
    assert checkpoints.checkpoint(connection)[0] < 10  # the one commit's frames, from the start
    connection.close()
    keep_open.close()


class _Recorded:
    """A connection that answers PASSIVE checkpoints with `in_log` and records statements."""

    def __init__(self, in_log: int) -> None:
        self.in_log = in_log
        self.statements: list[str] = []

    def execute(self, statement: str) -> sqlite3.Cursor:
        self.statements.append(statement)
        cursor = sqlite3.connect(":memory:").cursor()
        return cursor.execute("SELECT 0, ?, ?", (self.in_log, self.in_log // 2))


@pytest.mark.parametrize(("in_log", "restarted"), [(4095, False), (4096, True)])
def test_a_log_the_passes_could_not_copy_whole_is_started_over_once_long(
    in_log: int, restarted: bool
) -> None:
    # Commits back to back with no gap (a bulk job) leave the passes no moment to finish;
    # here 1,200 commits in a row grew the log to 3,606 pages with passes alone.
    connection = _Recorded(in_log)
    checkpoints.restart_if_long(connection)  # type: ignore[arg-type]
    assert ("PRAGMA wal_checkpoint(RESTART)" in connection.statements) is restarted
    if restarted:  # it waits for the writers a while, then no more
        assert connection.statements[-3:] == [
            f"PRAGMA busy_timeout={checkpoints.RESTART_WAIT_MS}",
            "PRAGMA wal_checkpoint(RESTART)",
            "PRAGMA busy_timeout=0",
        ]
