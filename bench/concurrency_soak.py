"""Concurrency soak (issue 11): rounds of truly concurrent writes of every kind at a real server.

For each database (a SQLite file; a fresh database on a throw-away PostgreSQL started
here, as the tests do) a demo of its own is served by `sunshine serve`
(tests/concurrency/live.py). Each round fires, one kind at a time and every request of
a kind at once (tests/concurrency/scenarios.py), sizes times --scale:

  voucher upload 60 (+10 of one file)  booking 100        reversal (of one entry) 30
  notice, same month 20                notice, other months (2025-10…2026-11, one each)
  public copy (of one voucher) 20      voucher opening (GET that writes) 60
  budget comment 80                    wrong password 60
  entry list (GET) 40, sent with 100 more bookings: how long readers wait behind writers

then the same kinds all at once, at half those sizes. After the last round the database
is checked: entry numbers and log indexes gapless, every accepted write stored once, one
reversal per entry, one notice version per accepted publication, one public copy. The
report gives per kind the requests fired, the answers and the 5xx; from the server's log,
the requests it ran again after a transient failure (by kind of failure), those it gave
up on (503/409 after its attempts) and any database invariant that fired. Results go to
bench/results/concurrency-soak-<date>.json; the exit code is 1 on any 5xx or problem.

    .venv/bin/python bench/concurrency_soak.py                        # both databases, 3 rounds
    .venv/bin/python bench/concurrency_soak.py --databases sqlite --rounds 10 --scale 2
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import platform
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))  # tests.concurrency and tests.pg

from tests.concurrency.live import Site  # noqa: E402
from tests.concurrency.live import demo_site  # noqa: E402
from tests.concurrency.scenarios import Books  # noqa: E402
from tests.concurrency.scenarios import Burst  # noqa: E402
from tests.concurrency.scenarios import Runner  # noqa: E402
from tests.concurrency.scenarios import problems  # noqa: E402
from tests.concurrency.scenarios import replays  # noqa: E402
from tests.concurrency.scenarios import run_in_own_loop  # noqa: E402
from tests.concurrency.scenarios import table  # noqa: E402
from tests.pg import running_postgres  # noqa: E402

MONTHS = [f"{y}-{m:02d}" for y, m in [(2025, 10), (2025, 11), (2025, 12)]] + [
    f"2026-{m:02d}" for m in range(1, 12)
]
SIZES = {
    "upload": 60,
    "same file": 10,
    "booking": 100,
    "reversal": 30,
    "same month": 20,
    "public copy": 20,
    "opening": 60,
    "comment": 80,
    "login": 60,
    "reads": 40,
}


def _sizes(scale: float) -> dict[str, int]:
    return {kind: max(2, round(size * scale)) for kind, size in SIZES.items()}


async def _one_kind_at_a_time(runner: Runner, budget_id: int, n: dict[str, int]) -> None:
    uploads = await runner.uploads(n["upload"], same=n["same file"])
    hashes = [r.json()["sha256"] for r in uploads.accepted()]
    await runner.bookings(n["booking"])
    await runner.reversals(n["reversal"])
    await runner.publications(n["same month"], "2025-09")
    await runner.publications_of(MONTHS)
    await runner.public_copies(n["public copy"], hashes[0])
    await runner.openings(n["opening"], hashes[1])
    await runner.comments(n["comment"], budget_id)
    await runner.wrong_logins(n["login"])
    await Runner(runner.site, f"{runner.tag}r", runner.bursts).reads_while_booking(
        n["booking"], n["reads"]
    )


async def _all_at_once(runner: Runner, budget_id: int, n: dict[str, int]) -> None:
    uploads = await runner.uploads(2, same=0)  # fresh vouchers to copy and open
    first, second = (r.json()["sha256"] for r in uploads.accepted())
    half = {kind: max(2, size // 2) for kind, size in n.items()}
    await asyncio.gather(
        runner.uploads(half["upload"], same=half["same file"]),
        runner.bookings(half["booking"]),
        runner.reversals(half["reversal"]),
        runner.publications(half["same month"], "2025-09"),
        runner.publications_of(MONTHS),
        runner.public_copies(half["public copy"], first),
        runner.openings(half["opening"], second),
        runner.comments(half["comment"], budget_id),
        runner.wrong_logins(half["login"]),
    )


async def _soak(site: Site, rounds: int, scale: float) -> list[Burst]:
    bursts: list[Burst] = []
    budget_id = await Runner(site, "soak").open_budget("2025-09")
    for number in range(1, rounds + 1):
        await _one_kind_at_a_time(Runner(site, f"r{number}", bursts), budget_id, _sizes(scale))
        await _all_at_once(Runner(site, f"r{number}m", bursts), budget_id, _sizes(scale))
        print(f"  round {number}/{rounds}: {sum(len(b.responses) for b in bursts)} requests")
    return bursts


@contextlib.contextmanager
def _site(database: str) -> Iterator[Site]:
    if database == "sqlite":
        with demo_site("sqlite") as site:
            yield site
        return
    with running_postgres() as url, demo_site("postgresql", postgres_url=url) as site:
        yield site


def _server_log(site: Site) -> dict[str, int]:
    text = site.log_text()
    return {
        "gave up busy (503)": text.count("busy after "),
        "gave up conflict (409)": text.count("conflict after "),
        "invariant fired (409)": text.count("integrity error on "),
        "tracebacks": text.count("Traceback"),
    }


def run(database: str, rounds: int, scale: float) -> dict[str, Any]:
    """Soak one database; the figures as a dict (and printed)."""
    print(f"{database}: serving a fresh demo …")
    with _site(database) as site:
        before = Books.read(site.database_url)
        start = time.perf_counter()
        bursts = run_in_own_loop(_soak(site, rounds, scale))
        seconds = time.perf_counter() - start
        found = problems(site.database_url, before, bursts)
        replayed = dict(replays(site))
        logged = _server_log(site)
    print(table(bursts))
    waits = _read_seconds(bursts)
    print(f"{database}: reads sent with bookings took {waits['median']} s (median), "
          f"{waits['max']} s at most")  # fmt: skip
    fired = sum(len(b.responses) for b in bursts)
    errors = sum(len(b.server_errors()) for b in bursts)
    print(
        f"{database}: {fired} requests in {seconds:.1f} s, 5xx: {errors}, ran again: "
        f"{replayed or 0}, server log: {logged}, problems: {found or 'none'}"
    )
    return {
        "database": database,
        "rounds": rounds,
        "scale": scale,
        "seconds": round(seconds, 1),
        "requests": fired,
        "server_errors": errors,
        "replayed": replayed,
        "read_seconds": waits,
        "server_log": logged,
        "problems": found,
        "kinds": _kinds(bursts),
    }


def _read_seconds(bursts: list[Burst]) -> dict[str, float]:
    """How long the entry list took when sent with a burst of bookings."""
    reads = sorted(
        r.elapsed.total_seconds()
        for b in bursts
        if b.kind == "entry list (GET)"
        for r in b.responses
    )
    return {"median": round(statistics.median(reads), 3), "max": round(reads[-1], 3)}


def _kinds(bursts: list[Burst]) -> dict[str, dict[str, Any]]:
    kinds: dict[str, dict[str, Any]] = {}
    for burst in bursts:
        kind = kinds.setdefault(burst.kind, {"fired": 0, "answers": Counter(), "5xx": 0})
        kind["fired"] += len(burst.responses)
        kind["answers"].update(burst.statuses)
        kind["5xx"] += len(burst.server_errors())
    for kind in kinds.values():
        kind["answers"] = {str(status): n for status, n in sorted(kind["answers"].items())}
    return kinds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    runs = [run(database, args.rounds, args.scale) for database in args.databases]
    out = (
        args.out or BENCH / "results" / f"concurrency-soak-{dt.datetime.now(dt.UTC):%Y-%m-%d}.json"
    )
    out.write_text(json.dumps({"machine": _machine(), "runs": runs}, indent=2) + "\n")
    print(f"results: {out.relative_to(REPO) if out.is_relative_to(REPO) else out}")
    bad = any(r["server_errors"] or r["problems"] or r["server_log"]["tracebacks"] for r in runs)
    return 1 if bad else 0


def _machine() -> dict[str, Any]:
    return {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "load_average": os.getloadavg(),
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


if __name__ == "__main__":
    raise SystemExit(main())
