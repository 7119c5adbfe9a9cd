"""Where `sunshine ledger import`'s time goes on SQLite, and what SQLite alone needs.

1. Runs the import command in this process (its preparing process forks as usual) on a
   fresh SQLite file, with timers around: each SQL statement the writer runs (by its
   first words), the writer's work per batch, and its waits for the next prepared batch.
2. Reads the rows that import wrote and inserts them again with raw `sqlite3`
   `executemany` into fresh files, no triggers and no foreign keys, per schema variant:
   as migrated (16 KiB pages, as `infra.db` makes new files; the key on `reverses_id`
   over reversals only); the same with SQLite's default 4 KiB pages; with the key over
   every entry, as before migration 0006; the entry, posting and record tables WITHOUT
   ROWID. --repeat times each, interleaved.
3. Times preparing the first 100,000 transactions with Python's cycle collector on and
   off (the preparing process turns it off), and unpickling one prepared batch of
   20,000 transactions.
4. Times the start-up: a fresh Python importing the CLI up to the fork, and with the
   database's modules too (imported while the preparing process surveys), and the survey.

    .venv/bin/python bench/import_parts.py --size 100000
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import gc
import json
import pickle
import sqlite3
import statistics
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from baselines import DEFAULT_DATA  # noqa: E402
from baselines import DEFAULT_GENERATOR  # noqa: E402
from baselines import ensure_data  # noqa: E402
from baselines import machine  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402
from sunshine_bench import CODE  # noqa: E402
from sunshine_bench import _community  # noqa: E402
from sunshine_bench import _settle  # noqa: E402

from sunshine.infra.db import SQLITE_PAGE_SIZE  # noqa: E402

TIMES: dict[str, float] = collections.defaultdict(float)


def _timed(name: str, call):  # type: ignore[no-untyped-def]
    def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return call(*args, **kwargs)
        finally:
            TIMES[name] += time.perf_counter() - started

    return wrapper


def run_import(csv_path: Path, db: Path) -> dict[str, object]:
    import os

    from typer.testing import CliRunner

    from sunshine.entrypoints.cli import app
    from sunshine.infra import db as infra_db
    from sunshine.infra.settings import get_settings
    from sunshine.ledger.cli import importing
    from sunshine.ledger.cli import preparing

    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    _settle()
    url = f"sqlite:///{db}"
    _community(url)
    os.environ["SUNSHINE_DATABASE_URL"] = url
    get_settings.cache_clear()
    infra_db.use_engine(infra_db.make_engine(url))
    statements: dict[str, float] = collections.defaultdict(float)
    execute = Session.execute

    def timed_execute(self, statement, *args, **kwargs):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return execute(self, statement, *args, **kwargs)
        finally:
            statements[" ".join(str(statement).split())[:48]] += time.perf_counter() - started

    Session.execute = timed_execute  # type: ignore[method-assign]
    importing._book_batch = _timed("writer busy", importing._book_batch)  # noqa: SLF001
    preparing.Preparing._next = _timed("writer waiting", preparing.Preparing._next)  # noqa: SLF001
    started = time.perf_counter()
    result = CliRunner().invoke(
        app, ["ledger", "import", str(csv_path), "-c", CODE, "--open-accounts", "--lang", "en"]
    )
    wall = time.perf_counter() - started
    Session.execute = execute  # type: ignore[method-assign]
    if result.exit_code != 0:
        sys.exit(f"the import failed:\n{result.output}")
    top = sorted(statements.items(), key=lambda kv: -kv[1])[:8]
    return {
        "command_output": result.output.strip().splitlines()[-1],
        "in_process_s": round(wall, 2),
        "writer_busy_s": round(TIMES["writer busy"], 2),
        "writer_waiting_s": round(TIMES["writer waiting"], 2),
        "statements_s": {text: round(seconds, 3) for text, seconds in top},
    }


VARIANTS = ("as migrated", "4 KiB pages", "reverses key over every entry", "WITHOUT ROWID")


def _schema(db: Path, variant: str, source: sqlite3.Connection) -> sqlite3.Connection:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    ddl = dict(
        source.execute("SELECT name, sql FROM sqlite_master WHERE type IN ('table', 'index')")
    )
    entry, posting, record = (
        ddl["ledger_entry"],
        ddl["ledger_posting"],
        ddl["transparency_record"],
    )
    indexes = [
        ddl["ix_ledger_entry_booked_on"],
        ddl["ix_ledger_posting_account_day"],
        ddl["uq_ledger_entry_reverses_id"],  # reversals only (migration 0006)
    ]
    if variant == "reverses key over every entry":  # as before migration 0006
        entry = entry.rstrip().removesuffix(")") + (
            ", CONSTRAINT uq_reverses UNIQUE (community_id, reverses_id))"
        )
        indexes.pop()
    if variant == "WITHOUT ROWID":
        entry, posting, record = (f"{sql} WITHOUT ROWID" for sql in (entry, posting, record))
    connection = sqlite3.connect(db, isolation_level=None)
    page_size = 4096 if variant == "4 KiB pages" else SQLITE_PAGE_SIZE  # the latter: infra.db's
    connection.execute(f"PRAGMA page_size={page_size}")
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "cache_size=-262144"):
        connection.execute(f"PRAGMA {pragma}")
    for sql in (entry, posting, record, *indexes):
        connection.execute(sql)
    return connection


def raw_inserts(db: Path, work: Path, repeat: int) -> dict[str, object]:
    source = sqlite3.connect(db)
    entries = source.execute("SELECT * FROM ledger_entry ORDER BY id").fetchall()
    postings = source.execute("SELECT * FROM ledger_posting ORDER BY entry_id, line").fetchall()
    records = source.execute("SELECT * FROM transparency_record ORDER BY seq").fetchall()
    times: dict[str, list[float]] = {variant: [] for variant in VARIANTS}
    for _ in range(repeat):
        for variant in VARIANTS:
            target = _schema(work / "raw.db", variant, source)
            _settle()
            started = time.perf_counter()
            at = 0
            for first in range(0, len(entries), 20000):
                batch = entries[first : first + 20000]
                end = at
                while end < len(postings) and postings[end][1] <= batch[-1][1]:
                    end += 1
                target.execute("BEGIN")
                target.executemany(
                    f"INSERT INTO ledger_posting VALUES ({','.join('?' * 7)})", postings[at:end]
                )
                target.executemany(f"INSERT INTO ledger_entry VALUES ({','.join('?' * 14)})", batch)
                target.executemany(
                    f"INSERT INTO transparency_record VALUES ({','.join('?' * 7)})",
                    records[first : first + 20000],
                )
                target.execute("COMMIT")
                at = end
            times[variant].append(round(time.perf_counter() - started, 3))
            target.close()
    return {
        variant: {"runs": runs, "median_s": statistics.median(runs)}
        for variant, runs in times.items()
    }


def preparing(csv_path: Path, db: Path) -> dict[str, float]:
    from sunshine.infra.db import open_session
    from sunshine.ledger.rules import import_batches
    from sunshine.ledger.rules import journal_csv
    from sunshine.ledger.service import bulk_booking
    from sunshine.ledger.service import importing
    from sunshine.registry import service as registry

    with open_session() as session:
        community_id = registry.find_community(session, CODE).id  # type: ignore[union-attr]
        with csv_path.open(newline="") as handle:
            names = journal_csv.survey(handle).accounts
        codes = importing.match_accounts(session, community_id, names).codes
        books = bulk_booking.books_for_import(session, community_id, codes)
    with csv_path.open(newline="") as handle:
        rows = journal_csv.reader(handle)
        journal_csv.read_header(rows)
        txns = [t for t in journal_csv.transactions(rows) if isinstance(t, journal_csv.Txn)]
    out: dict[str, float] = {}
    for collector in ("on", "off"):
        if collector == "off":
            gc.disable()
        started = time.perf_counter()
        for first in range(0, min(len(txns), 100_000), 20000):
            import_batches.prepare(
                txns[first : first + 20000], books, first=first + 1, seq=0, frontier=[]
            )
        out[f"prepare 100,000, cycle collector {collector} (s)"] = round(
            time.perf_counter() - started, 2
        )
        gc.enable()
    batch = import_batches.prepare(txns[:20000], books, first=1, seq=0, frontier=[])
    flat = pickle.dumps(batch, pickle.HIGHEST_PROTOCOL)
    as_lists = pickle.dumps((batch.bodies, batch.leaves, batch.entries, batch.postings))
    for name, data in (("prepared batch", flat), ("its records as lists", as_lists)):
        started = time.perf_counter()
        for _ in range(20):
            pickle.loads(data)
        out[f"unpickle {name} (ms)"] = round((time.perf_counter() - started) / 20 * 1000, 2)
    return out


def start_up(csv_path: Path) -> dict[str, float]:
    """What comes before the first batch: loading the application, surveying the file.

    The command forks its preparing process once it has loaded the root command and its
    own module; that process surveys the file while this one loads the database's modules.
    """
    import subprocess

    from sunshine.ledger.rules import journal_csv

    def load(modules: str) -> float:
        times = []
        for _ in range(3):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", f"import {modules}"], check=True, cwd=BENCH)
            times.append(time.perf_counter() - started)
        return round(statistics.median(times), 2)

    started = time.perf_counter()
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        journal_csv.survey(handle)
    survey = round(time.perf_counter() - started, 2)
    before_fork = "sunshine.entrypoints.cli, sunshine.ledger.cli.importing"
    return {
        "python + the CLI, up to the fork, median of 3 (s)": load(before_fork),
        "python + the CLI and the database's modules, median of 3 (s)": load(
            f"{before_fork}, sunshine.ledger.service.bulk_booking, sunshine.registry.service"
        ),
        "survey the file's accounts (s)": survey,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=4)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--work", type=Path, default=Path("/tmp/sunshine-bench/parts"))
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    data = ensure_data(args.size, args.data_dir, DEFAULT_GENERATOR)
    csv_path = Path(data["dir"]) / "postings.csv"
    db = args.work / "import.db"
    today = dt.date.today().isoformat()  # noqa: DTZ011 - the machine's date names the file
    results: dict[str, object] = {"machine": machine(), "date": today, "size": args.size}
    results["import"] = run_import(csv_path, db)
    print(json.dumps(results["import"], indent=2), file=sys.stderr)
    results["raw inserts, no triggers or foreign keys"] = raw_inserts(db, args.work, args.repeat)
    results["preparing"] = preparing(csv_path, db)
    results["start-up"] = start_up(csv_path)
    out = args.out or BENCH / "results" / f"import-parts-{args.size}-{today}.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
