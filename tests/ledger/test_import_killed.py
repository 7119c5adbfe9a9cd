"""`sunshine ledger import` killed with SIGKILL: its preparing process ends with it, and the
database holds whole batches only.

The import runs as its own process on a SQLite file, in batches of 100 transactions of a
20,000-transaction journal, and is killed once its first batch is in: either while a
batch is being written, or while it waits for the database (this test holds the write
lock), so that its preparing process has filled its queue and waits too.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from sunshine.ledger import service
from sunshine.ledger.rules import journal_csv
from sunshine.ledger.service import bulk_booking
from sunshine.ledger.service import importing
from sunshine.transparency import service as transparency
from tests.factories import make_community
from tests.infra.test_lifeline import gone
from tests.infra.test_lifeline import wait_until_gone
from tests.ledger.builders import long_journal

BATCH = 100
COUNT = 20_000


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _take_the_lock_between_batches(
    db: sqlite3.Connection, importer: subprocess.Popen[bytes]
) -> None:
    """Take the write lock as soon as the import commits a batch, before it begins the next.

    SQLite's own busy wait sleeps between tries and is no fair queue: the import, which
    begins its next batch at once, could win every time until it had prepared its last
    batch (and its preparing process had ended). Trying without a pause wins in the gap.
    """
    db.execute("PRAGMA busy_timeout = 0")
    deadline = time.monotonic() + 60
    while True:
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:  # database is locked: the import is writing
            assert importer.poll() is None, "the import ended before the lock was taken"
            assert time.monotonic() < deadline
        else:
            return


def _entries(db: sqlite3.Connection) -> int:
    return int(db.execute("SELECT count(*) FROM ledger_entry").fetchone()[0])


@pytest.mark.parametrize("moment", ["while it writes", "while it waits for the lock"])
def test_a_killed_import_takes_its_preparing_process_along_and_leaves_whole_batches(
    cli_database: Engine, tmp_path: Path, moment: str
) -> None:
    if not Path("/proc/self/stat").exists():
        pytest.skip("finds the preparing process in /proc")
    path = tmp_path / "postings.csv"
    path.write_text(long_journal(COUNT), encoding="utf-8")
    with path.open(encoding="utf-8") as handle:
        found = journal_csv.survey(handle)
    assert found.first_day is not None
    with Session(cli_database) as session:
        cid = make_community(session, code="jc").id
        importing.open_accounts(session, cid, sorted(found.accounts), on=found.first_day)
        session.commit()
    database = cli_database.url.database
    assert database is not None
    db = sqlite3.connect(database, isolation_level=None, timeout=30)
    command = ["ledger", "import", str(path), "-c", "jc", "--batch", str(BATCH)]
    importer = subprocess.Popen(
        [sys.executable, "-m", "sunshine", *command],
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    preparing: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while _entries(db) == 0:  # the first batch is in
            assert importer.poll() is None, "the import ended before its first batch"
            assert time.monotonic() < deadline
            time.sleep(0.005)
        if moment == "while it waits for the lock":
            _take_the_lock_between_batches(db, importer)  # its next batch waits for this
        preparing = _children(importer.pid)
        assert len(preparing) == 1
        assert importer.poll() is None
        importer.send_signal(signal.SIGKILL)
        importer.wait()
        assert wait_until_gone(preparing[0])
    finally:
        importer.kill()
        importer.wait()
        for pid in preparing:
            if not gone(pid):
                os.kill(pid, signal.SIGKILL)
        if db.in_transaction:
            db.execute("ROLLBACK")
    booked = _entries(db)
    db.close()
    assert 0 < booked < COUNT
    assert booked % BATCH == 0
    with Session(cli_database) as session:
        triggers = session.connection().exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        )
        assert set(bulk_booking.INSERT_TRIGGERS) <= set(triggers.scalars())
        assert service.mismatches(session, cid) == []
        assert transparency.audit(session, cid).findings == []
