"""Time `transparency.service.audit` of one community of N journal entries (SQLite, PostgreSQL).

Builds the books once per database file through `ledger.service.post_entries` (the
import path: entries, postings, totals and log records in batches), signs a checkpoint,
then times the audit twice in fresh sessions, in one process and with the log read in a
second one (`parallel=True`, what `sunshine audit` does), one JSON line each.

    .venv/bin/python bench/audit_bench.py --entries 1000000 --db /tmp/sunshine-audit/1m.db
    .venv/bin/python bench/audit_bench.py --entries 100000 --url postgresql+psycopg://…

The entries are synthetic but shaped like gen_journal.py's: 2–4 postings each (about
2.2 on average), a narration, some counterparties (a fifth of them people, masked in
the record), spread over 2020–2024. The same --entries and --seed give the same books.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from datetime import date
from datetime import timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from sunshine.infra import migrate
from sunshine.infra.db import make_engine
from sunshine.kernel.money import Fen
from sunshine.ledger import rules
from sunshine.ledger import service
from sunshine.registry import rules as registry_rules
from sunshine.registry import service as registry
from sunshine.transparency import service as transparency

CODES = [t.code for t in rules.CHART if t.code not in {"6610", "6608"}]
NARRATIONS = [
    "物业费收入",
    "车位租金",
    "公共水电费",
    "保洁服务费",
    "绿化养护",
    "设备维修",
    "办公用品",
]
PARTIES = ["常州通用自来水有限公司", "国网常州供电公司", "常州道闸科技有限公司", ""]
PEOPLE = ["王建国", "李秀英", "张伟"]
BATCH = 10_000


def drafts(count: int, seed: int) -> list[rules.EntryDraft]:
    rng = random.Random(seed)
    start, days = date(2020, 1, 1), (date(2024, 12, 31) - date(2020, 1, 1)).days
    out = []
    for n in range(count):
        legs = rng.choices((2, 3, 4), weights=(85, 12, 3))[0]
        amounts = [rng.randint(100, 2_000_000) for _ in range(legs - 1)]
        codes = rng.sample(CODES, legs)
        postings = [rules.PostingDraft(c, Fen(a)) for c, a in zip(codes, amounts, strict=False)]
        postings.append(rules.PostingDraft(codes[-1], Fen(-sum(amounts))))
        person = rng.random() < 0.2
        out.append(
            rules.EntryDraft(
                booked_on=start + timedelta(days=days * n // count),
                narration=f"{rng.choice(NARRATIONS)} 第{n}笔",
                postings=tuple(postings),
                counterparty=rng.choice(PEOPLE) if person else rng.choice(PARTIES),
                counterparty_is_person=person,
            )
        )
    return out


def build(url: str, entries: int, seed: int) -> int:
    engine = make_engine(url)
    migrate.upgrade(engine)
    with Session(engine) as session:
        found = registry.find_community(session, "bench")
        if found is not None:
            return found.id
        community = registry.create_community(
            session,
            registry.CommunityDraft(
                code="bench",
                name="基准小区",
                city="常州市",
                district="钟楼区",
                street="永红街道",
                neighbourhood="锦阳苑社区",
                committee_kind=registry_rules.CommitteeKind.PROPERTY_COMMITTEE,
                trustee_company="基准物业",
            ),
        )
        service.open_chart(session, community.id, on=date(2019, 12, 1))
        session.commit()
        began = time.perf_counter()
        for first in range(0, entries, BATCH):
            batch = drafts(min(BATCH, entries - first), seed + first)
            service.post_entries(session, community.id, batch, actor_id=None)
            session.commit()
        transparency.sign_checkpoint(session, community.id, origin="sunshine/bench")
        session.commit()
        sys.stderr.write(f"built {entries} entries in {time.perf_counter() - began:.1f} s\n")
        return community.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", type=Path, default=None, help="SQLite file (built if missing)")
    parser.add_argument("--url", default=None, help="a database URL instead of --db")
    args = parser.parse_args()
    if args.url is None and args.db is None:
        args.db = Path(f"/tmp/sunshine-audit/{args.entries}.db")
    if args.url is None:
        args.db.parent.mkdir(parents=True, exist_ok=True)
    url = args.url or f"sqlite:///{args.db}"
    community_id = build(url, args.entries, args.seed)
    engine = make_engine(url)
    for parallel in (False, True):
        with Session(engine) as session:
            began, cpu = time.perf_counter(), time.process_time()
            report = transparency.audit(session, community_id, parallel=parallel)
            seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
        result = {
            "database": engine.dialect.name,
            "parallel": parallel,
            "entries": report.counts["entries"],
            "postings": report.counts["postings"],
            "records": report.records,
            "findings": report.finding_count,
            "seconds": round(seconds, 2),
            "cpu_seconds_main": round(cpu, 2),
            "peak_rss_mb_main": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        }
        sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
