"""Baselines: beancount, hledger and ledger-cli on the journal Sunshine must beat.

For each size N, writes the synthetic journal with ../shared/bench/gen_journal.py
(beancount, hledger/ledger and CSV forms of the SAME transactions) into
DATA_DIR/N, reusing it when complete, then times each tool, one fresh process per
run, on three tasks:

  load     load the whole journal, check every transaction balances, and report
           every account's balance (hledger bal, ledger bal, beancount loader)
  account  one account's balance at a date (Assets:Bank:Operating before 2024-07-01)
  month    one month's income statement (Income and Expenses, October 2024)

Wall time and the child's peak RSS come from GNU time (/usr/bin/time -f "%e %M");
the median of --runs runs is reported. The three tools' answers are cross-checked.
Results are merged into bench/results/baselines-<date>.json; a Markdown table is
printed. Install the tools first with bench/setup_tools.sh.

    .venv/bin/python bench/baselines.py --sizes 10000 100000
    .venv/bin/python bench/baselines.py --sizes 1000000 --runs 1
    .venv/bin/python bench/baselines.py --table bench/results/baselines-2026-11-28.json
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from decimal import InvalidOperation
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
DEFAULT_GENERATOR = REPO.parent / "shared" / "bench" / "gen_journal.py"
DEFAULT_DATA = Path("/tmp/sunshine-bench/data")
TOOLS_PY = BENCH / ".venv-tools" / "bin" / "python"
GNU_TIME = Path("/usr/bin/time")

ACCOUNT = "Assets:Bank:Operating"
BEFORE = "2024-07-01"  # balance at the end of 2024-06-30
MONTH_FIRST, MONTH_END = "2024-10-01", "2024-11-01"
TASKS = ("load", "account", "month")
TOOLS = ("beancount", "beancount-cache", "hledger", "ledger")
NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


def slash(date: str) -> str:
    return date.replace("-", "/")


def commands(tool: str, data: Path) -> dict[str, list[str]]:
    """The command line of each task for one tool (the journal is in data)."""
    if tool.startswith("beancount"):
        bc = [str(TOOLS_PY), str(BENCH / "beancount_task.py")]
        j = str(data / "journal.beancount")
        return {
            "load": [*bc, "load", j],
            "account": [*bc, "account", j, ACCOUNT, BEFORE],
            "month": [*bc, "month", j, MONTH_FIRST, MONTH_END],
        }
    j = str(data / "journal.ledger")
    if tool == "hledger":
        return {
            "load": ["hledger", "-f", j, "bal"],
            "account": ["hledger", "-f", j, "bal", ACCOUNT, "-e", BEFORE],
            "month": ["hledger", "-f", j, "is", "-b", MONTH_FIRST, "-e", MONTH_END],
        }
    return {  # ledger-cli: -e is exclusive, as in hledger
        "load": ["ledger", "-f", j, "bal", "--flat"],
        "account": ["ledger", "-f", j, "bal", f"^{ACCOUNT}$", "-e", slash(BEFORE)],
        "month": [
            "ledger",
            "-f",
            j,
            "bal",
            "--flat",
            "^Income",
            "^Expenses",
            "-b",
            slash(MONTH_FIRST),
            "-e",
            slash(MONTH_END),
        ],
    }


def env_for(tool: str, data: Path) -> dict[str, str]:
    env = dict(os.environ, LC_ALL="C.UTF-8")
    if tool == "beancount":
        env["BEANCOUNT_DISABLE_LOAD_CACHE"] = "1"
    elif tool == "beancount-cache":
        env.pop("BEANCOUNT_DISABLE_LOAD_CACHE", None)
        env["BEANCOUNT_LOAD_CACHE_FILENAME"] = str(data / ".{filename}.picklecache")
    return env


def to_decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def answer(tool: str, task: str, out: str) -> Decimal | None:
    """The number each task answers, in ledger-cli's sign, for the cross-check."""
    lines = [line for line in out.splitlines() if line.strip()]
    if tool.startswith("beancount"):
        hits = [line.split()[1] for line in lines if line.startswith("RESULT ")]
        return to_decimal(hits[-1]) if hits else None
    if task in {"load", "account"}:
        for line in lines:
            if line.rstrip().endswith(f"  {ACCOUNT}"):
                m = NUMBER.search(line)
                return to_decimal(m.group()) if m else None
        return None
    if tool == "hledger":  # "Net:" row shows income minus expenses, income positive
        for line in lines:
            if line.strip().startswith("Net:"):
                m = NUMBER.search(line.split("Net:", 1)[1])
                return -to_decimal(m.group()) if m and to_decimal(m.group()) is not None else None
        return None
    m = NUMBER.search(lines[-1]) if lines else None  # ledger: the total under the dashes
    return to_decimal(m.group()) if m else None


def run_once(cmd: list[str], env: dict[str, str], timeout: float) -> dict:
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        full = [str(GNU_TIME), "-f", "%e %M", "-o", tf.name, *cmd]
        started = time.perf_counter()
        try:
            proc = subprocess.run(full, capture_output=True, text=True, env=env, timeout=timeout)
        except subprocess.TimeoutExpired:
            return {"ok": False, "error": f"timeout after {timeout:.0f} s"}
        perf = time.perf_counter() - started
        fields = Path(tf.name).read_text().split()
    if proc.returncode != 0 or len(fields) < 2:
        err = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        return {"ok": False, "error": f"exit {proc.returncode}: {' | '.join(err)}"}
    wall, rss_kb = float(fields[-2]), int(fields[-1])
    return {
        "ok": True,
        "wall_s": wall,
        "perf_s": round(perf, 3),
        "rss_mb": round(rss_kb / 1024, 1),
        "stdout": proc.stdout,
    }


def ensure_data(n: int, data_dir: Path, generator: Path) -> dict:
    out = data_dir / str(n)
    marker = out / "complete.txt"
    names = ("journal.beancount", "journal.ledger", "postings.csv")
    if not (marker.exists() and all((out / name).exists() for name in names)):
        tmp = data_dir / f"{n}.partial"
        shutil.rmtree(tmp, ignore_errors=True)
        print(f"generating {n} transactions into {out} ...", file=sys.stderr)
        started = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, str(generator), "--transactions", str(n), "--out", str(tmp)],
            capture_output=True,
            text=True,
            check=True,
        )
        (tmp / "complete.txt").write_text(proc.stderr.strip() + "\n")
        shutil.rmtree(out, ignore_errors=True)
        tmp.rename(out)
        print(f"  {proc.stderr.strip()} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    summary = marker.read_text().strip()
    m = re.search(r"wrote (\d+) transactions, (\d+) postings", summary)
    return {
        "dir": str(out),
        "transactions": int(m.group(1)) if m else n,
        "postings": int(m.group(2)) if m else None,
        "bytes": {name: (out / name).stat().st_size for name in names},
    }


def measure(
    tool: str, data: Path, runs: int, timeout: float, tasks: tuple[str, ...] = TASKS
) -> dict:
    env = env_for(tool, data)
    result = {}
    cmds = commands(tool, data)
    if tool == "beancount-cache":  # an untimed run writes the pickle cache (if load > 1 s)
        warm = run_once(cmds["load"], env, timeout)
        if not warm["ok"]:
            return {
                task: {"ok": False, "error": warm["error"], "cmd": cmds[task]} for task in TASKS
            }
    for task in tasks:
        cmd = cmds[task]
        samples, error, value = [], None, None
        for i in range(runs):
            r = run_once(cmd, env, timeout)
            if not r["ok"]:
                error = r["error"]
                print(f"  {tool:16} {task:8} run {i + 1}: FAILED {error}", file=sys.stderr)
                break
            value = answer(tool, task, r.pop("stdout"))
            samples.append(r)
            print(
                f"  {tool:16} {task:8} run {i + 1}: {r['wall_s']:8.2f} s {r['rss_mb']:9.1f} MB  -> {value}",
                file=sys.stderr,
            )
        entry = {"cmd": cmd, "runs": samples, "ok": error is None}
        if error:
            entry["error"] = error
        if samples:
            entry["median_wall_s"] = statistics.median(s["wall_s"] for s in samples)
            entry["median_rss_mb"] = statistics.median(s["rss_mb"] for s in samples)
            entry["answer"] = None if value is None else str(value)
        result[task] = entry
    return result


def tool_versions() -> dict[str, str | None]:
    def first_line(cmd: list[str]) -> str | None:
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        except (OSError, subprocess.CalledProcessError):
            return None
        return out.strip().splitlines()[0] if out.strip() else None

    return {
        "beancount": first_line(
            [str(TOOLS_PY), "-c", "import beancount; print(beancount.__version__)"]
        ),
        "beancount_python": first_line(
            [str(TOOLS_PY), "-c", "import platform; print(platform.python_version())"]
        ),
        "hledger": first_line(["hledger", "--version"]),
        "ledger": first_line(["ledger", "--version"]),
        "time": first_line(["dpkg-query", "-W", "-f=${Version}", "time"]),
    }


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    os_name = next(
        (
            line.split("=", 1)[1].strip('"')
            for line in Path("/etc/os-release").read_text().splitlines()
            if line.startswith("PRETTY_NAME=")
        ),
        platform.platform(),
    )
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "os": os_name,
        "kernel": platform.release(),
    }


def cross_check(size_result: dict) -> list[str]:
    problems = []
    for task in TASKS:
        answers = {
            tool: r[task].get("answer")
            for tool, r in size_result["tools"].items()
            if r.get(task, {}).get("ok")
        }
        if len(set(answers.values())) > 1:
            problems.append(f"{task}: tools disagree {answers}")
        if any(a is None for a in answers.values()):
            problems.append(f"{task}: answer not found in {answers}")
    return problems


def fmt_cell(entry: dict | None) -> str:
    if not entry:
        return "–"
    if not entry.get("ok") and "median_wall_s" not in entry:
        return "failed"
    wall = entry["median_wall_s"]
    return f"{wall:.2f} s / {entry['median_rss_mb']:.0f} MB"


def table(results: dict) -> str:
    rows = [
        "| transactions | postings | tool | runs | load & balance | one account's balance | one month's income statement |",
        "|---:|---:|---|---:|---|---|---|",
    ]
    for size in sorted(results["sizes"], key=int):
        sr = results["sizes"][size]
        for tool in TOOLS:
            r = sr["tools"].get(tool)
            if not r:
                continue
            runs = max((len(r[t]["runs"]) for t in TASKS if t in r), default=0)
            cells = " | ".join(fmt_cell(r.get(t)) for t in TASKS)
            rows.append(
                f"| {int(size):,} | {sr['data']['postings'] or 0:,} | {tool} | {runs} | {cells} |"
            )
    return "\n".join(rows) + "\n\nCells: median wall time / median peak RSS of the tool's process."


def parse_sizes(values: list[str]) -> list[int]:
    sizes = []
    for v in values:
        sizes.extend(int(x.replace("_", "")) for x in v.split(",") if x)
    return sizes


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--sizes",
        nargs="+",
        default=["10000", "100000", "1000000"],
        help="transaction counts (space or comma separated)",
    )
    ap.add_argument(
        "--runs", type=int, default=3, help="timed runs per tool and task (median reported)"
    )
    ap.add_argument("--tools", nargs="+", default=list(TOOLS), choices=TOOLS)
    ap.add_argument(
        "--tasks", nargs="+", default=list(TASKS), choices=TASKS, help="which tasks to time"
    )
    ap.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--generator", type=Path, default=DEFAULT_GENERATOR)
    ap.add_argument("--timeout", type=float, default=1200, help="seconds per command")
    ap.add_argument(
        "--out",
        type=Path,
        help="JSON file (default bench/results/baselines-<date>.json; merged if present)",
    )
    ap.add_argument(
        "--table", type=Path, help="only print the Markdown table of an existing JSON file"
    )
    a = ap.parse_args(argv)

    if a.table:
        print(table(json.loads(a.table.read_text())))
        return 0
    if not GNU_TIME.exists():
        ap.error("/usr/bin/time is missing: run bench/setup_tools.sh")
    missing = [
        t
        for t in a.tools
        if (t.startswith("beancount") and not TOOLS_PY.exists())
        or (not t.startswith("beancount") and not shutil.which(t))
    ]
    if missing:
        ap.error(f"missing tools {missing}: run bench/setup_tools.sh")

    today = dt.datetime.now(dt.UTC).date().isoformat()
    out = a.out or BENCH / "results" / f"baselines-{today}.json"
    results = json.loads(out.read_text()) if out.exists() else {"sizes": {}}
    results.update(
        {
            "machine": machine(),
            "versions": tool_versions(),
            "generator": {
                "path": str(a.generator),
                "sha256": hashlib.sha256(a.generator.read_bytes()).hexdigest(),
                "seed": "default (20240601)",
            },
            "queries": {
                "account": f"{ACCOUNT} before {BEFORE}",
                "month": f"Income and Expenses in [{MONTH_FIRST}, {MONTH_END})",
            },
        }
    )
    problems = []
    for n in parse_sizes(a.sizes):
        data = ensure_data(n, a.data_dir, a.generator)
        sr = results["sizes"].setdefault(str(n), {"tools": {}})
        sr["data"] = data
        for tool in a.tools:
            print(f"{n:,} transactions: {tool}", file=sys.stderr)
            # merged per task: a later run of some tasks keeps the others
            entry = sr["tools"].setdefault(tool, {})
            entry.update(measure(tool, Path(data["dir"]), a.runs, a.timeout, tuple(a.tasks)))
            entry["measured_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            out.parent.mkdir(parents=True, exist_ok=True)
            # after every tool, so that a long run keeps what it has
            out.write_text(json.dumps(results, indent=2) + "\n")
        sr["cross_check"] = cross_check(sr)
        problems += [f"{n}: {p}" for p in sr["cross_check"]]
        out.write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))
    print(f"\nwritten to {out}", file=sys.stderr)
    for p in problems:
        print(f"CROSS-CHECK: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
