"""A billing run for a whole district: 100,000 units, on SQLite and on PostgreSQL.

    .venv/bin/python bench/billing_run.py [--units 100000] [--runs 5] [--databases sqlite postgresql]

Generates a district (100,000 units in 500 buildings, each unit with an owner; areas from
45.00 to 180.99 m²), then bills the property service fee (1.85 yuan per m² per month) for
a new month per run, with `billing.service.post_run` as `sunshine billing run` calls it,
and commits. Also times the preview and running a billed month again (which adds
nothing). Prints the medians and writes bench/results/billing-run-<date>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC
from datetime import date
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))
os.environ.setdefault("SUNSHINE_VAR_DIR", tempfile.mkdtemp(prefix="sunshine-billing-bench-"))

from sqlalchemy import Engine  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402
from tests.pg import running_postgres  # noqa: E402

from sunshine.billing import service as billing  # noqa: E402
from sunshine.billing.rules.charges import ChargeKind  # noqa: E402
from sunshine.billing.rules.charges import Liable  # noqa: E402
from sunshine.entrypoints import tables  # noqa: E402
from sunshine.infra import migrate  # noqa: E402
from sunshine.infra.bulk import insert_rows  # noqa: E402
from sunshine.infra.db import make_engine  # noqa: E402
from sunshine.kernel.money import Fen  # noqa: E402
from sunshine.kernel.periods import Period  # noqa: E402
from sunshine.ledger import service as ledger  # noqa: E402
from sunshine.registry import rules as registry_rules  # noqa: E402
from sunshine.registry import service as registry  # noqa: E402

PER_BUILDING = 200
T = tables.metadata.tables


@contextmanager
def _engine(kind: str, folder: Path) -> Iterator[Engine]:
    if kind == "postgresql":
        with running_postgres() as url:
            engine = make_engine(url)
            yield engine
            engine.dispose()
        return
    engine = make_engine(f"sqlite:///{folder / 'district.db'}")
    yield engine
    engine.dispose()


def _district(session: Session, units: int) -> int:
    """A community of `units` units with an owner each, written set-wise (setup, not timed)."""
    community = registry.create_community(
        session,
        registry.CommunityDraft(
            code="district",
            name="测试街道",
            city="常州市",
            district="钟楼区",
            street="永红街道",
            neighbourhood="锦阳苑社区",
            committee_kind=registry_rules.CommitteeKind.PROPERTY_COMMITTEE,
        ),
    )
    cid = community.id
    ledger.open_chart(session, cid, on=date(2024, 1, 1))
    buildings = (units + PER_BUILDING - 1) // PER_BUILDING
    insert_rows(
        session,
        T["registry_building"],
        ("community_id", "id", "code", "name", "floors"),
        [(cid, b, str(b), f"{b}幢", 40) for b in range(1, buildings + 1)],
    )
    unit_rows = [
        (
            cid,
            n,
            (n - 1) // PER_BUILDING + 1,
            f"{(n - 1) // PER_BUILDING + 1}-{n}",
            1,
            "residential",
            4500 + (n * 7919) % 13600,
            "registry",
            "delivered",
        )
        for n in range(1, units + 1)
    ]
    insert_rows(
        session,
        T["registry_unit"],
        (
            "community_id",
            "id",
            "building_id",
            "number",
            "floor",
            "use",
            "area_dm2",
            "area_source",
            "sale_state",
        ),
        unit_rows,
        ready={"area_dm2"},
    )
    insert_rows(
        session,
        T["registry_party"],
        ("community_id", "id", "kind", "name", "phone", "id_number", "is_developer"),
        [(cid, n, "person", f"业主{n}", "", "", False) for n in range(1, units + 1)],
    )
    insert_rows(
        session,
        T["registry_ownership"],
        (
            "community_id",
            "unit_id",
            "party_id",
            "share_percent",
            "is_designated_voter",
            "registered",
        ),
        [(cid, n, n, 100, True, True) for n in range(1, units + 1)],
    )
    item = billing.add_item(
        session,
        cid,
        code="service",
        name="物业服务费",
        kind=ChargeKind.PER_AREA_MONTH,
        account_code="6001",
        liable=Liable.OWNER,
    )
    billing.set_rate(
        session, cid, item.id, rate=Fen(185), effective_from=date(2024, 1, 1), actor="bench"
    )
    session.commit()
    return cid


def _timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def _one_month(
    engine: Engine, cid: int, item: int, period: Period
) -> tuple[float, float, float, tuple[int, str]]:
    """Preview a month, post it (and commit), then post it again: each timed."""
    with Session(engine) as session:
        preview = _timed(lambda: billing.preview_run(session, cid, item, period))
    with Session(engine) as session:
        started = time.perf_counter()
        plan, _ = billing.post_run(session, cid, item, period, actor="bench")
        session.commit()
        post = time.perf_counter() - started
    with Session(engine) as session:
        again = _timed(lambda: billing.post_run(session, cid, item, period, actor="bench"))
    return preview, post, again, (plan.count, str(plan.total))


def _bench(engine: Engine, units: int, runs: int) -> dict[str, object]:
    migrate.upgrade(engine)
    with Session(engine) as session:
        cid = _district(session, units)
        item = billing.item_by_code(session, cid, "service").id
    posts, previews, agains, counts = [], [], [], []
    for run in range(runs):
        preview, post, again, count = _one_month(engine, cid, item, Period(2024, 1).shift(run))
        posts.append(post)
        previews.append(preview)
        agains.append(again)
        counts.append(count)
    return {
        "post_run_s": [round(t, 3) for t in posts],
        "post_run_median_s": round(statistics.median(posts), 3),
        "preview_median_s": round(statistics.median(previews), 3),
        "again_median_s": round(statistics.median(agains), 3),
        "bills_and_total_per_run": counts,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    args = parser.parse_args()
    results: dict[str, object] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} cores, {platform.platform()}, Python {platform.python_version()}",
        "units": args.units,
        "runs": args.runs,
    }
    for kind in args.databases:
        with _engine(kind, Path(tempfile.mkdtemp(prefix="sunshine-billing-bench-"))) as engine:
            results[kind] = _bench(engine, args.units, args.runs)
        print(kind, json.dumps(results[kind]))
    out = REPO / "bench" / "results" / f"billing-run-{datetime.now(UTC).date().isoformat()}.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
