"""Import and auto-match a 10,000-line bank statement: issue 13's target is under 5 s.

    .venv/bin/python bench/bank_import.py [--lines 10000] [--runs 5] [--database-url URL]

Builds, in a fresh database (a SQLite file by default; a PostgreSQL URL works too), a
community whose books hold a year of entries touching the trust bank account (1001):
one for each statement line (income and payments of varied amounts, many amounts
repeated, so matching has to choose by date and text) plus 20% more the bank never saw.
Writes the statement as ICBC exports it (GBK CSV, header rows above the table, totals
below). Each run times `imports.import_statement` + `matching.auto_match` in one
transaction, as `sunshine bank import` does, and rolls it back, so every run imports the
whole statement. Prints every run and the median, and writes
bench/results/bank-import-<date>.json.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import platform
import random
import statistics
import tempfile
import time
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from sunshine.banking.service import accounts
from sunshine.banking.service import imports
from sunshine.banking.service import matching
from sunshine.entrypoints import tables  # noqa: F401 - every part's tables
from sunshine.infra import migrate
from sunshine.infra.db import make_engine
from sunshine.kernel.money import Fen
from sunshine.ledger import rules
from sunshine.ledger import service as ledger
from sunshine.registry import service as registry
from sunshine.registry.rules import CommitteeKind

RESULTS = Path(__file__).parent / "results"
NUMBER = "1102020309000123456"
START = date(2024, 1, 1)


def _community(session: Session) -> int:
    draft = registry.CommunityDraft(
        code="bench", name="基准小区", city="常州市", district="钟楼区", street="永红街道",
        neighbourhood="锦阳苑社区", committee_kind=CommitteeKind.PROPERTY_COMMITTEE,
        trustee_company="基准物业有限公司",
    )  # fmt: skip
    community = registry.create_community(session, draft)
    ledger.open_chart(session, community.id, on=date(2023, 12, 1))
    return community.id


def _moves(count: int, rng: random.Random) -> list[tuple[date, int, str]]:
    """(day, fen, narration) over the year: money in positive; amounts often repeated."""
    fees = [12000, 24000, 36000, 10000, 7200]
    moves = []
    for n in range(count):
        day = START + timedelta(days=n * 365 // count)
        if rng.random() < 0.6:
            moves.append((day, rng.choice(fees) * rng.randint(1, 3), f"物业费 {n % 192 + 1}户"))
        else:
            moves.append((day, -rng.randint(100, 500_000), f"支出 {n}"))
    return moves


def _book(session: Session, cid: int, moves: list[tuple[date, int, str]]) -> None:
    drafts = [
        rules.EntryDraft(
            booked_on=day,
            narration=text,
            postings=(
                rules.PostingDraft("1001", Fen(fen)),
                rules.PostingDraft("6001" if fen > 0 else "6606", Fen(-fen)),
            ),
        )
        for day, fen, text in sorted(moves)
    ]
    ledger.post_entries(session, cid, drafts, actor_id=None)


def _statement(moves: list[tuple[date, int, str]], rng: random.Random) -> bytes:
    out = io.StringIO()
    write = csv.writer(out, lineterminator="\r\n").writerow
    write(["中国工商银行 账户历史明细"])
    write([f"账号：{NUMBER}"])
    write(["户名：基准小区业主大会"])
    write(
        [
            "交易时间",
            "摘要",
            "用途",
            "对方单位名称",
            "对方账号",
            "借方发生额",
            "贷方发生额",
            "余额",
            "交易流水号",
        ]
    )
    balance = 100_000_000_00  # never below zero
    rows = []
    for n, (day, fen, text) in enumerate(moves):
        shifted = day + timedelta(days=rng.choice((0, 0, 0, 1, 2)))  # credited a little later
        rows.append((shifted, n, fen, text))
    for shifted, n, fen, text in sorted(rows):
        balance += fen
        yuan = f"{abs(fen) // 100}.{abs(fen) % 100:02d}"
        write(
            [
                f"{shifted.isoformat()} 10:00:00",
                text,
                "",
                "某单位",
                "",
                yuan if fen < 0 else "",
                yuan if fen > 0 else "",
                f"{balance // 100}.{balance % 100:02d}",
                f"B{n:08d}",
            ]
        )
    write(["合计"])
    return out.getvalue().encode("gbk")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='bank-bench-')}/bench.db"
    engine = make_engine(url)
    migrate.upgrade(engine)
    rng = random.Random(13)
    moves = _moves(args.lines, rng)
    extra = _moves(args.lines // 5, rng)  # booked, never in the bank
    with Session(engine) as session:
        cid = _community(session)
        _book(session, cid, moves + extra)
        accounts.set_account(session, cid, number=NUMBER, bank="icbc")
        account_id = accounts.pick_account(session, cid).id
        session.commit()
    data = _statement(moves, rng)
    runs = []
    for run in range(args.runs):
        with Session(engine) as session:
            began = time.perf_counter()
            done = imports.import_statement(session, cid, data, bank="icbc")
            matched = matching.auto_match(session, cid, account_id)
            session.flush()
            seconds = time.perf_counter() - began
            session.rollback()
        runs.append(seconds)
        print(f"run {run + 1}: {done.added} lines imported, {matched} matched in {seconds:.2f} s")
    median = statistics.median(runs)
    print(f"median of {len(runs)}: {median:.2f} s ({engine.dialect.name}, {len(data):,} bytes)")
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC)
    (RESULTS / f"bank-import-{stamp:%Y-%m-%d}-{engine.dialect.name}.json").write_text(
        json.dumps({"when": stamp.isoformat(), "machine": platform.platform(),
                    "database": engine.dialect.name, "lines": args.lines,
                    "entries": len(moves) + len(extra), "matched": matched,
                    "runs_s": [round(r, 3) for r in runs], "median_s": round(median, 3)}, indent=2),
        encoding="utf-8",
    )  # fmt: skip
    engine.dispose()


if __name__ == "__main__":
    main()
