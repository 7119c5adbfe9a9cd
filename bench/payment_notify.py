"""Payment notifications (issue 13): answered in under 20 ms at the 99th percentile, < 200/s.

For each database (a SQLite file; a fresh database on a throw-away PostgreSQL started
here, as the tests do) the demo is served by `sunshine serve` in a process of its own
(tests/concurrency/live.py), with the development channel's secret set. This process
opens the orders in the database, then is the load generator: it posts signed
development-channel notifications to POST /api/v1/pay/notify/development at a fixed rate
(each is due on its schedule whether or not the earlier ones were answered, over
`--connections` kept-alive connections, 8 by default),
one in ten a repeat of an earlier one (a duplicate: answered SUCCESS, booked nothing),
and times each answer from its send. Before that, 200 are sent one at a time on one
connection (each once the last was answered): the answer time without queueing. Every notification goes through the code path of
the real channels (verify, lock the order, check, book Dr 1001 / Cr 2203 in the ledger
and its log, answer). A second of warm-up is not counted. After the runs the database is
checked: one ledger entry per paid order, none for a duplicate (the server's booker books
them in batches moments after the answers; how long after the last answer it took to catch
up is `booker_lag_s`).

    .venv/bin/python bench/payment_notify.py                                  # SQLite, 5 runs
    .venv/bin/python bench/payment_notify.py --databases sqlite postgresql --rate 150

Results go to bench/results/payment-notify-<date>-<rate>x<connections>.json; exit 1 if a run's p99 is 20 ms or
more, or on any 5xx or a wrong count in the books.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import statistics
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))  # tests.concurrency and tests.pg

from tests.concurrency.live import Site  # noqa: E402
from tests.concurrency.live import demo_site  # noqa: E402
from tests.concurrency.scenarios import replays  # noqa: E402
from tests.pg import running_postgres  # noqa: E402

SECRET = "bench development channel secret"
TARGET_P99_MS = 20.0
WARM_UP_SECONDS = 1.0
REPEAT_EVERY = 10
CONNECTIONS = 8
BOOKER_WAIT_SECONDS = 60


def _open_orders(database_url: str, count: int) -> list[tuple[str, int]]:
    """Open `count` development-channel orders in the served demo: (number, fen) each."""
    from sunshine.billing.service import online
    from sunshine.billing.service.channels.development import DevelopmentChannel
    from sunshine.infra import clock
    from sunshine.infra import work as units
    from sunshine.infra.db import make_engine
    from sunshine.kernel.money import Fen
    from sunshine.registry import service as registry

    channel = DevelopmentChannel(SECRET.encode(), base_url="http://127.0.0.1")
    engine = make_engine(database_url)
    orders = []
    with units.unit_of_work(units.Work(writes=True)), Session(engine) as session:
        community = registry.community_refs(session)[0]
        units = registry.list_units(session, community.id)
        for n in range(count):
            opened = online.open_order(
                session,
                community.id,
                unit_id=units[n % len(units)].id,
                amount=Fen(10_000 + n % 5_000),
                description="物业费",
                channel=channel,
                now=clock.now(),
                minutes=120,
            )
            orders.append((opened.order.order_no, opened.order.amount.value))
        session.commit()
    engine.dispose()
    return orders


def _messages(orders: list[tuple[str, int]], run: str) -> list[tuple[dict[str, str], bytes]]:
    """Each order's notification; every REPEAT_EVERY-th is a repeat of an earlier one."""
    from sunshine.billing.rules.channels import PaidNotice
    from sunshine.billing.service.channels.development import DevelopmentChannel
    from sunshine.infra import clock
    from sunshine.kernel.money import Fen

    channel = DevelopmentChannel(SECRET.encode(), base_url="http://127.0.0.1")
    signed = []
    for n, (order_no, fen) in enumerate(orders):
        now = clock.now()
        notice = PaidNotice(order_no, f"BENCH{run}{n:06d}", Fen(fen), now)
        signed.append(channel.sign_notice(notice, at=now))
    mixed = []
    for n, message in enumerate(signed):
        mixed.append(message)
        if n % REPEAT_EVERY == REPEAT_EVERY - 1:
            mixed.append(signed[n - REPEAT_EVERY // 2])
    return mixed


def _fire(
    base: str,
    messages: list[tuple[dict[str, str], bytes]],
    rate: float,
    connections: int = CONNECTIONS,
) -> list[tuple[float, int, str]]:
    """Send each message on its schedule; (milliseconds to the answer, status, body) each.

    `connections` kept-alive connections, one per thread, as a channel's senders keep theirs.
    Each time counts from when the message was due, so a send held up behind a slow answer
    counts its wait too (no coordinated omission).
    """
    local = threading.local()
    start = time.perf_counter() + 0.2

    def one(n: int) -> tuple[float, int, str]:
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=base, timeout=30)
        due = start + n / rate
        if (delay := due - time.perf_counter()) > 0:
            time.sleep(delay)
        headers, body = messages[n]
        try:
            response = local.client.post(
                "/api/v1/pay/notify/development", headers=headers, content=body
            )
        except httpx.TransportError as exc:  # counted, as the channel would send it again
            return (time.perf_counter() - due) * 1000, 0, type(exc).__name__
        return (time.perf_counter() - due) * 1000, response.status_code, response.text

    with ThreadPoolExecutor(connections) as pool:
        return list(pool.map(one, range(len(messages))))


def _one_at_a_time(base: str, messages: list[tuple[dict[str, str], bytes]]) -> list[float]:
    """Send each message once the last was answered, on one connection: milliseconds each."""
    times = []
    with httpx.Client(base_url=base, timeout=30) as client:
        for headers, body in messages:
            sent = time.perf_counter()
            client.post("/api/v1/pay/notify/development", headers=headers, content=body)
            times.append((time.perf_counter() - sent) * 1000)
    return times


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _run(site: Site, rate: float, seconds: float, run: str, connections: int) -> dict[str, Any]:
    warm = _open_orders(site.database_url, round(rate * WARM_UP_SECONDS))
    _fire(site.url, _messages(warm, f"W{run}"), rate, connections)
    alone = _one_at_a_time(site.url, _messages(_open_orders(site.database_url, 200), f"A{run}"))
    count = round(rate * seconds * REPEAT_EVERY / (REPEAT_EVERY + 1))
    orders = _open_orders(site.database_url, count)
    messages = _messages(orders, run)
    began = time.perf_counter()
    answers = _fire(site.url, messages, rate, connections)
    wall = time.perf_counter() - began
    times = [ms for ms, _, _ in answers]
    return {
        "notifications": len(answers),
        "orders": len(orders),
        "rate_asked": rate,
        "connections": connections,
        "rate_sent": round(len(answers) / wall, 1),
        "p50_ms": round(statistics.median(times), 2),
        "p99_ms": round(_percentile(times, 0.99), 2),
        "max_ms": round(max(times), 2),
        "server_errors": sum(1 for _, status, _ in answers if status >= 500),
        "transport_errors": sum(1 for _, status, _ in answers if status == 0),
        "one_at_a_time": {
            "notifications": len(alone),
            "p50_ms": round(statistics.median(alone), 2),
            "p99_ms": round(_percentile(alone, 0.99), 2),
            "max_ms": round(max(alone), 2),
        },
        "answers": dict(Counter(f"{status} {body}" for _, status, body in answers)),
    }


def _books(database_url: str) -> dict[str, Any]:
    """Entries booked from the channel and orders paid: equal once the server's booker is done."""
    from sunshine.billing.models.orders import OnlineOrder
    from sunshine.infra.db import make_engine
    from sunshine.ledger.models import JournalEntry

    engine = make_engine(database_url)
    waited = time.perf_counter()
    while True:
        with Session(engine) as session:
            entries = session.scalar(
                select(func.count()).where(JournalEntry.external_id.like("pay:development:%"))
            )
            paid = session.scalar(select(func.count()).where(OnlineOrder.status == "paid"))
        if entries == paid or time.perf_counter() - waited > BOOKER_WAIT_SECONDS:
            break
        time.sleep(0.2)
    engine.dispose()
    seconds = round(time.perf_counter() - waited, 1)
    return {"entries": int(entries or 0), "paid_orders": int(paid or 0), "booker_lag_s": seconds}


@contextlib.contextmanager
def _site(database: str) -> Iterator[Site]:
    if database == "sqlite":
        with demo_site("sqlite") as site:
            yield site
        return
    with running_postgres("bench") as url, demo_site("postgresql", postgres_url=url) as site:
        yield site


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--databases", nargs="+", default=["sqlite"])
    parser.add_argument("--rate", type=float, default=150.0, help="notifications per second")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--connections", type=int, default=CONNECTIONS)
    args = parser.parse_args()
    os.environ["SUNSHINE_PAY_DEV_SECRET"] = SECRET  # the server inherits it
    report: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} cores, {platform.platform()}",
        "load_average_before": os.getloadavg(),
        "command": " ".join(sys.argv),
        "databases": {},
    }
    failed = False
    for database in args.databases:
        with _site(database) as site:
            runs = [
                _run(site, args.rate, args.seconds, str(n), args.connections)
                for n in range(args.runs)
            ]
            books = _books(site.database_url)
            again = dict(replays(site))
            booker_failed = site.log_text().count("booking paid orders failed")
        p99s = [run["p99_ms"] for run in runs]
        summary = {
            "median_p99_ms": statistics.median(p99s),
            "median_p50_ms": statistics.median(run["p50_ms"] for run in runs),
            "server_errors": sum(run["server_errors"] for run in runs),
            "books": books,
            "run_again": again,  # requests the server ran again after a transient failure
            "booker_failures": booker_failed,
            "runs": runs,
        }
        report["databases"][database] = summary
        print(database, json.dumps({k: v for k, v in summary.items() if k != "runs"}))
        for run in runs:
            print("  ", {k: v for k, v in run.items() if k != "answers"})
        failed |= max(p99s) >= TARGET_P99_MS or summary["server_errors"] > 0
        failed |= books["entries"] != books["paid_orders"]
    day = dt.datetime.now(dt.UTC).date().isoformat()
    out = BENCH / "results" / f"payment-notify-{day}-{args.rate:g}x{args.connections}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written to {out.relative_to(REPO)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
