"""`sunshine ledger import` alone, several runs per size and database: the import figure.

For each size N and database, --runs times: a fresh database with the bench community
and its log's platform key (after a pause that lets the disk finish with the last run's
files: --settle),
then `sunshine ledger import --open-accounts DATA_DIR/N/postings.csv` in a fresh process
under GNU time (wall time including start-up, the file survey and opening the accounts;
CPU time of both processes; the load average as it ended; peak RSS of the importing
process, which the forked preparing process does not count).
After the last run `sunshine audit` must find the books and the log identical, and the
same file is imported once more, which must book nothing (timed too). Medians go to
bench/results/import-<date>.json.

    .venv/bin/python bench/import_bench.py --sizes 10000 100000 1000000 --databases sqlite
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import sunshine_bench  # noqa: E402
from baselines import DEFAULT_DATA  # noqa: E402
from baselines import DEFAULT_GENERATOR  # noqa: E402
from baselines import ensure_data  # noqa: E402
from baselines import machine  # noqa: E402
from sunshine_bench import CODE  # noqa: E402
from sunshine_bench import _community  # noqa: E402
from sunshine_bench import _database  # noqa: E402
from sunshine_bench import _run  # noqa: E402


def _env(url: str, var: Path) -> dict[str, str]:
    shutil.rmtree(var, ignore_errors=True)
    return {**os.environ, "SUNSHINE_DATABASE_URL": url, "SUNSHINE_VAR_DIR": str(var)}


def measure(kind: str, n: int, data: dict, work: Path, runs: int) -> dict:
    csv_path = str(Path(data["dir"]) / "postings.csv")
    imports = []
    for run in range(runs):
        with _database(kind, work, n) as url:
            env = _env(url, work / f"var-{kind}-{n}")
            _community(url)
            # The platform key, as a live community has it: the import signs a checkpoint.
            _run(["checkpoint", "sign", "-c", CODE], env)
            imported = _run(["ledger", "import", csv_path, "-c", CODE, "--open-accounts"], env)
            imports.append(imported)
            print(f"{kind} {n} run {run + 1}: {imported}", file=sys.stderr)
            if run == runs - 1:
                _run(["audit", "--community", CODE], env)  # exits non-zero on a difference
                again = _run(["ledger", "import", csv_path, "-c", CODE], env)
    seconds = statistics.median(r["seconds"] for r in imports)
    return {
        "runs": imports,
        "median_s": seconds,
        "median_cpu_s": statistics.median(r["cpu_s"] for r in imports),
        "median_load": statistics.median(r["load"] for r in imports),
        "postings_per_s": round(data["postings"] / seconds),
        "peak_mb": max(r["peak_mb"] for r in imports),
        "again_s": again["seconds"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--work", type=Path, default=Path("/tmp/sunshine-bench/import"))
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--settle",
        type=float,
        default=sunshine_bench.SETTLE_S,
        help="seconds to let the disk finish with the last run's files (0: none)",
    )
    args = parser.parse_args(argv)
    sunshine_bench.SETTLE_S = args.settle
    args.work.mkdir(parents=True, exist_ok=True)
    today = dt.date.today().isoformat()  # noqa: DTZ011 - the machine's date names the file
    results: dict[str, object] = {"machine": machine(), "date": today, "settle_s": args.settle}
    for n in args.sizes:
        data = ensure_data(n, args.data_dir, DEFAULT_GENERATOR)
        for kind in args.databases:
            results[f"{kind}-{n}"] = measure(kind, n, data, args.work, args.runs)
    out = args.out or BENCH / "results" / f"import-{results['date']}.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(
        "| entries | database | import (median) | postings/s | CPU (median) | load | peak RSS | again |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    for n in args.sizes:
        for kind in args.databases:
            r = results[f"{kind}-{n}"]
            assert isinstance(r, dict)
            print(
                f"| {n:,} | {kind} | {r['median_s']:.1f} s | {r['postings_per_s']:,} "
                f"| {r['median_cpu_s']:.1f} s | {r['median_load']:.1f} "
                f"| {r['peak_mb']:.0f} MB | {r['again_s']:.1f} s |"
            )
    print(f"written to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
