"""Where an import's time goes, on SQLite: the inserts per table, and what the triggers cost.

1. Imports DATA_DIR/N/postings.csv into a fresh SQLite file through the import service
   (the same calls `sunshine ledger import` makes, batches of 10,000), with a timer
   around each insert into each table and around the whole import.
2. On a copy of that database, inserts 20,000 more two-posting entries with raw
   `sqlite3` (no Python above the driver): as migrated, then without the per-row
   trigger on postings (`ledger_posting_sealed`), then without the one on entries
   (`ledger_entry_checked`), to show what those checks cost per row.

    .venv/bin/python bench/import_phases.py --size 100000
"""

from __future__ import annotations

import argparse
import itertools
import json
import shutil
import sqlite3
import sys
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from sunshine.infra import bulk
from sunshine.infra import migrate
from sunshine.infra.db import make_engine
from sunshine.ledger import service
from sunshine.ledger.rules import journal_csv
from sunshine.ledger.service import importing
from sunshine.ledger.service import posting
from sunshine.registry import rules as registry_rules
from sunshine.registry import service as registry
from sunshine.transparency import service as transparency

TIMES: dict[str, float] = defaultdict(float)


def _timed_insert_rows(session, table, columns, rows, **options):
    started = time.perf_counter()
    bulk.insert_rows(session, table, columns, rows, **options)
    TIMES[f"insert {table.name}"] += time.perf_counter() - started


def import_file(path: Path, db: Path, batch: int) -> dict[str, float]:
    posting.insert_rows = _timed_insert_rows  # type: ignore[assignment]
    transparency.insert_rows = _timed_insert_rows  # type: ignore[assignment]
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{db}")
    migrate.upgrade(engine)
    with Session(engine) as session:
        draft = registry.CommunityDraft(
            code="bench",
            name="基准小区",
            city="常州市",
            district="钟楼区",
            street="永红街道",
            neighbourhood="锦阳苑社区",
            committee_kind=registry_rules.CommitteeKind.PROPERTY_COMMITTEE,
            trustee_company="基准物业有限公司",
        )
        community_id = registry.create_community(session, draft).id
        with path.open() as handle:
            names = sorted(journal_csv.survey(handle).accounts)
        codes = importing.open_accounts(session, community_id, names, on=date(2019, 1, 1))
        session.commit()
    started = time.perf_counter()
    postings = 0
    with path.open(newline="") as handle:
        rows = journal_csv.reader(handle)
        journal_csv.read_header(rows)
        stream = journal_csv.transactions(rows)
        while chunk := [
            t for t in itertools.islice(stream, batch) if isinstance(t, journal_csv.Txn)
        ]:
            with Session(engine) as session:
                result = importing.book_batch(session, community_id, chunk, codes, actor_id=None)
                session.commit()
            postings += result.postings
    total = time.perf_counter() - started
    with Session(engine) as session:
        assert service.mismatches(session, community_id) == []
    engine.dispose()
    inserts = sum(v for k, v in TIMES.items() if k.startswith("insert"))
    return {
        "total_s": round(total, 2),
        "postings": postings,
        "postings_per_s": round(postings / total),
        **{k: round(v, 2) for k, v in sorted(TIMES.items())},
        "all inserts_s": round(inserts, 2),
        "outside inserts_s": round(total - inserts, 2),
    }


def trigger_cost(db: Path, work: Path, count: int = 20_000) -> dict[str, dict[str, int]]:
    out = {}
    for label, drop in (
        ("as migrated", ()),
        ("without ledger_posting_sealed", ("ledger_posting_sealed",)),
        ("without ledger_entry_checked", ("ledger_entry_checked",)),
    ):
        copy = work / "triggers.db"
        for suffix in ("", "-wal", "-shm"):
            source = Path(f"{db}{suffix}")
            if source.exists():
                shutil.copy(source, f"{copy}{suffix}")
        connection = sqlite3.connect(copy, isolation_level=None)
        connection.execute("PRAGMA foreign_keys=ON")
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        for name in drop:
            connection.execute(f"DROP TRIGGER {name}")
        base = connection.execute("SELECT max(id) FROM ledger_entry").fetchone()[0]
        account_ids = [
            row[0] for row in connection.execute("SELECT id FROM ledger_account LIMIT 2")
        ]
        postings, entries = [], []
        for number in range(base + 1, base + count + 1):
            postings.append((1, number, 1, account_ids[0], "2024-01-05", 100, ""))
            postings.append((1, number, 2, account_ids[1], "2024-01-05", -100, ""))
            entries.append(
                (1, number, "2024-01-05", "2024-01", "x", "", 0, None, None, "", "import",
                 f"X{number}", None, "2024-01-05 00:00:00.000000")
            )  # fmt: skip
        connection.execute("BEGIN")
        started = time.perf_counter()
        connection.executemany(
            "INSERT INTO ledger_posting (community_id, entry_id, line, account_id, booked_on, "
            "amount_fen, memo) VALUES (?, ?, ?, ?, ?, ?, ?)",
            postings,
        )
        middle = time.perf_counter()
        connection.executemany(
            "INSERT INTO ledger_entry (community_id, id, booked_on, period, narration, "
            "counterparty, counterparty_is_person, budget_line, reverses_id, reason, source, "
            "external_id, posted_by, posted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            entries,
        )
        end = time.perf_counter()
        connection.execute("COMMIT")
        connection.close()
        out[label] = {
            "postings_per_s": round(2 * count / (middle - started)),
            "entries_per_s": round(count / (end - middle)),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/sunshine-bench/data"))
    parser.add_argument("--work", type=Path, default=Path("/tmp/sunshine-bench/phases"))
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    db = args.work / f"{args.size}.db"
    result = {
        "import": import_file(args.data_dir / str(args.size) / "postings.csv", db, args.batch),
        "triggers": trigger_cost(db, args.work),
    }
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
