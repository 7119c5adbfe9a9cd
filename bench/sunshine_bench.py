"""Sunshine on the baselines' journal: import, reports, proofs, audit and verify, per size.

For each size N and database (SQLite file, and a throw-away PostgreSQL started here as
the tests do), on the same DATA_DIR/N/postings.csv that `baselines.py` gives the other
tools:

  import    `sunshine ledger import --open-accounts` in a fresh process (entries,
            postings, per-period totals and log records, committed per batch): wall time,
            postings per second, the process's peak RSS
  load      the trial balance of every account through the last month
  account   Assets:Bank:Operating's balance at the end of 2024-06-30
  month     income and spending of October 2024
  proof     an inclusion proof of a random record in the whole tree
  audit     `sunshine audit --community bench` in a fresh process
  verify    `sunshine log bundle --records all` then `sunshine verify` of that bundle,
            both timed (the verifier recomputes the root from every record)

The three reports run in this process on a warm connection: the median of --repeat
calls, and the Python memory the call allocates at its peak (tracemalloc), which must
not grow with the journal. Answers are printed so they can be checked against the
baselines' (same tasks, same journal). With --baselines (default: beancount and
hledger) those tools are timed in the same run, after Sunshine, on the same files
(baselines.py's commands; one fresh process per task). Results go to
bench/results/sunshine-<date>.json.

    .venv/bin/python bench/sunshine_bench.py --sizes 10000 100000 --databases sqlite postgresql
    .venv/bin/python bench/sunshine_bench.py --sizes 1000000 --databases sqlite
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))  # tests.pg starts the throw-away PostgreSQL

from baselines import DEFAULT_DATA  # noqa: E402
from baselines import DEFAULT_GENERATOR  # noqa: E402
from baselines import ensure_data  # noqa: E402
from baselines import machine  # noqa: E402
from baselines import measure as measure_tool  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402
from tests.pg import running_postgres  # noqa: E402

from sunshine.infra import migrate  # noqa: E402
from sunshine.infra.db import make_engine  # noqa: E402
from sunshine.kernel.periods import Period  # noqa: E402
from sunshine.ledger import service  # noqa: E402
from sunshine.ledger.service import importing  # noqa: E402
from sunshine.registry import rules as registry_rules  # noqa: E402
from sunshine.registry import service as registry  # noqa: E402
from sunshine.transparency import service as log  # noqa: E402

SUNSHINE = REPO / ".venv" / "bin" / "sunshine"
CODE = "bench"
ACCOUNT = "Assets:Bank:Operating"
ON = dt.date(2024, 6, 30)
MONTH = Period(2024, 10)


def _community(url: str) -> int:
    engine = make_engine(url)
    migrate.upgrade(engine)
    with Session(engine) as session:
        draft = registry.CommunityDraft(
            code=CODE,
            name="基准小区",
            city="常州市",
            district="钟楼区",
            street="永红街道",
            neighbourhood="锦阳苑社区",
            committee_kind=registry_rules.CommitteeKind.PROPERTY_COMMITTEE,
            trustee_company="基准物业有限公司",
        )
        community_id = registry.create_community(session, draft).id
        session.commit()
    engine.dispose()
    return community_id


def _run(args: list[str], env: dict[str, str]) -> dict[str, float]:
    """Run a `sunshine` command under GNU time: wall seconds, CPU seconds and peak RSS (MB).

    CPU is user + system time of the command and the processes it waited for (an import's
    preparing process): on a shared machine it moves less with the load than wall time.
    The load average (one minute) when it ended is kept with it. Peak RSS is the
    command's own process's.
    """
    started = time.perf_counter()
    proc = subprocess.run(
        ["/usr/bin/time", "-f", "%U %S %M", str(SUNSHINE), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    user, system, peak_kb = proc.stderr.strip().splitlines()[-1].split()
    return {
        "seconds": round(seconds, 3),
        "cpu_s": round(float(user) + float(system), 2),
        "load": round(os.getloadavg()[0], 1),
        "peak_mb": round(int(peak_kb) / 1024, 1),
    }


def _timed(call: Callable[[], object], repeat: int) -> dict[str, object]:
    """Median milliseconds of `repeat` calls after one warm-up, and one call's peak allocation."""
    answer = call()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    tracemalloc.start()
    call()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "ms": round(statistics.median(times), 3),
        "alloc_kb": round(peak / 1024, 1),
        "answer": str(answer),
    }


def _queries(url: str, community_id: int, repeat: int) -> dict[str, object]:
    engine = make_engine(url)
    with Session(engine) as session:
        code = importing.match_accounts(session, community_id, [ACCOUNT]).codes[ACCOUNT]
        last = max(e.period for e in service.list_entries(session, community_id, limit=1))
        size = log.tree_size(session, community_id)
        rng = random.Random(7)
        seqs = [rng.randrange(size) for _ in range(repeat + 2)]
        proofs = iter(seqs)
        out = {
            "load": _timed(
                lambda: service.trial_balance(session, community_id, upto_period=last).balanced,
                repeat,
            ),
            "account": _timed(
                lambda: service.account_balance(session, community_id, account_code=code, on=ON),
                repeat,
            ),
            "month": _timed(
                lambda: (
                    service.income_and_spending(session, community_id, first=MONTH, last=MONTH).net
                ),
                repeat,
            ),
            "proof": _timed(
                lambda: len(
                    log.inclusion_proof(session, community_id, seq=next(proofs), size=size)
                ),
                repeat,
            ),
            "records": size,
            "entries": service.entry_count(session, community_id),
        }
    engine.dispose()
    return out


@contextmanager
def _database(kind: str, work: Path, n: int) -> Iterator[str]:
    if kind == "postgresql":
        _settle()
        with running_postgres() as url:
            yield url
        return
    path = work / f"{n}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    _settle()
    yield f"sqlite:///{path}"


SETTLE_S = 5.0


def _settle() -> None:
    """Let the disk finish with the previous run's files before timing the next.

    The root file system here is ext4 mounted with `discard`: deleting the last run's
    database and WAL (1.6 GB at 1,000,000 entries) trims their blocks, and that and the
    write-back of their pages ran into the next run. Imports of the same file, taking
    turns with another version's, took 22.3 to 28.7 s without this pause and 21.0 to
    21.7 s with it (three each, scratch runs on 2026-11-29).
    """
    os.sync()
    time.sleep(SETTLE_S)


def measure(kind: str, n: int, data: dict, work: Path, args: argparse.Namespace) -> dict:
    csv_path = Path(data["dir"]) / "postings.csv"
    with _database(kind, work, n) as url:
        env = {
            **os.environ,
            "SUNSHINE_DATABASE_URL": url,
            "SUNSHINE_VAR_DIR": str(work / f"var-{kind}-{n}"),
        }
        shutil.rmtree(env["SUNSHINE_VAR_DIR"], ignore_errors=True)
        community_id = _community(url)
        print(f"{kind} {n}: importing ...", file=sys.stderr)
        imported = _run(
            ["ledger", "import", str(csv_path), "-c", CODE, "--open-accounts", "--lang", "en"],
            env,
        )
        imported["postings_per_s"] = round(data["postings"] / imported["seconds"])
        result: dict[str, object] = {"import": imported}
        print(f"  {imported}", file=sys.stderr)
        result.update(_queries(url, community_id, args.repeat))
        audits = [_run(["audit", "--community", CODE], env) for _ in range(args.runs)]
        result["audit"] = min(audits, key=lambda r: r["seconds"]) | {
            "median_s": statistics.median(r["seconds"] for r in audits)
        }
        bundle = work / f"bundle-{kind}-{n}.json"
        result["bundle"] = _run(
            ["log", "bundle", "-c", CODE, "--records", "all", "--out", str(bundle)], env
        )
        # The log's own public keys, as an owner would take them from the board: verify
        # without a trusted key does not pass (it says authenticity was not checked).
        keys = subprocess.run(
            [str(SUNSHINE), "log", "keys", "-c", CODE],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
        keys = [line.split("#")[0].strip() for line in keys if line.strip()]
        trusted = [arg for key in keys for arg in ("--key", key)]
        verifies = [_run(["verify", str(bundle), *trusted], env) for _ in range(args.runs)]
        result["verify"] = {"median_s": statistics.median(r["seconds"] for r in verifies)} | {
            "peak_mb": max(r["peak_mb"] for r in verifies),
            "bundle_mb": round(bundle.stat().st_size / 2**20, 1),
        }
        bundle.unlink()
        print(f"  {json.dumps(result, ensure_ascii=False)}", file=sys.stderr)
    return result


def table(results: dict) -> str:
    """The Markdown tables of RESULTS.md from a results file."""
    lines = [
        (
            "| entries | postings | database | import | postings/s | import peak RSS "
            "| trial balance | account at a date | month | inclusion proof | audit | bundle "
            "| verify |"
        ),
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for kind in ("sqlite", "postgresql"):
        for n, cell in sorted(results.get(kind, {}).items(), key=lambda kv: int(kv[0])):
            lines.append(
                f"| {int(n):,} | {cell['postings']:,} | {kind} "
                f"| {cell['import']['seconds']:.1f} s | {cell['import']['postings_per_s']:,} "
                f"| {cell['import']['peak_mb']:.0f} MB "
                f"| {cell['load']['ms']:.1f} ms | {cell['account']['ms']:.1f} ms "
                f"| {cell['month']['ms']:.1f} ms | {cell['proof']['ms']:.1f} ms "
                f"| {cell['audit']['median_s']:.1f} s | {cell['bundle']['seconds']:.1f} s "
                f"| {cell['verify']['median_s']:.1f} s ({cell['verify']['bundle_mb']:.0f} MB) |"
            )
    lines += [
        "",
        "| entries | tool | load & balance | one account's balance | one month's report |",
        "|---:|---|---:|---:|---:|",
    ]
    for tool in ("beancount", "hledger"):
        for n, cell in sorted(results.get(tool, {}).items(), key=lambda kv: int(kv[0])):
            row = [
                f"{cell[task]['median_wall_s']:.2f} s / {cell[task]['median_rss_mb']:.0f} MB"
                if cell.get(task, {}).get("ok")
                else "failed"
                for task in ("load", "account", "month")
            ]
            lines.append(f"| {int(n):,} | {tool} | " + " | ".join(row) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", nargs="+", type=int, default=[10_000, 100_000, 1_000_000])
    parser.add_argument(
        "--databases", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"]
    )
    parser.add_argument("--repeat", type=int, default=21, help="calls per report (median)")
    parser.add_argument("--runs", type=int, default=3, help="audit and verify runs (median)")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--work", type=Path, default=Path("/tmp/sunshine-bench/sunshine"))
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--baselines",
        nargs="*",
        default=["beancount", "hledger"],
        help="tools timed in the same run on the same journal (bench/setup_tools.sh)",
    )
    parser.add_argument("--baseline-runs", type=int, default=1)
    parser.add_argument("--table", type=Path, help="only print the tables of a results file")
    args = parser.parse_args(argv)
    if args.table:
        print(table(json.loads(args.table.read_text())))
        return 0
    args.work.mkdir(parents=True, exist_ok=True)
    out = args.out or BENCH / "results" / f"sunshine-{dt.date.today().isoformat()}.json"  # noqa: DTZ011
    results = json.loads(out.read_text()) if out.exists() else {}
    results["machine"] = machine()
    for n in args.sizes:
        data = ensure_data(n, args.data_dir, DEFAULT_GENERATOR)
        for kind in args.databases:
            cell = measure(kind, n, data, args.work, args)
            results.setdefault(kind, {})[str(n)] = cell | {"postings": data["postings"]}
            out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
        for tool in args.baselines:
            print(f"{tool} {n}: ...", file=sys.stderr)
            timed = measure_tool(tool, Path(data["dir"]), args.baseline_runs, 3600)
            results.setdefault(tool, {})[str(n)] = timed
            out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {out}", file=sys.stderr)
    print(json.dumps(results, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
