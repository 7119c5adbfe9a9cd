"""Schema-driven fuzzing of the whole JSON API, longer than the test suite's run.

Runs `tests/web/test_api_fuzz.py` (every operation of the OpenAPI document; the demo
community, loaded once into SQLite) with `--examples` generated requests per operation on
top of the coverage phase's boundary values, every case sent as every role (anonymous,
owner, staff, manager, committee, supervisor, admin), counting 5xx instead of failing.
Prints the requests fired, the statuses and every 5xx with a curl line to replay it, and
writes them to `--out` (JSON).

    .venv/bin/python bench/fuzz_api.py --examples 25
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=25, help="generated cases per operation")
    parser.add_argument("--out", type=Path, default=None, help="where to write the tally (JSON)")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="sunshine-fuzz-")) / "tally.json"
    env = {
        **os.environ,
        "SUNSHINE_FUZZ_EXAMPLES": str(args.examples),
        "SUNSHINE_FUZZ_EVERY_ROLE": "1",
        "SUNSHINE_FUZZ_KEEP_GOING": "1",
        "SUNSHINE_FUZZ_TALLY": str(out),
    }
    started = time.perf_counter()
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly"]
    subprocess.run([*command, "tests/web/test_api_fuzz.py"], cwd=ROOT, env=env, check=True)
    seconds = time.perf_counter() - started
    tally = json.loads(out.read_text(encoding="utf-8"))
    errors = tally["server_errors"]
    print(f"examples per operation: {args.examples} (plus the coverage phase), every role")
    print(f"requests fired: {tally['requests']} in {seconds:.0f} s")
    print(f"statuses: {tally['statuses']}")
    print(f"5xx: {len(errors)}")
    for error in errors[:20]:
        print(error)
    print(f"tally: {out}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
