"""Issue 11's abuse reproductions, fired at a real server: what gets through now.

    .venv/bin/python bench/abuse_probe.py [--port 18742]

Loads 荆川东园's demo into a fresh SQLite file, starts `sunshine serve` on it, and fires,
each burst all at once from a thread pool (uvicorn trusts X-Forwarded-For from this
machine, which stands in for many client addresses):

  codes_one_address     150 requests for the demo owner's code from one address
  codes_many_addresses  150 requests for the same phone, each from another address
  passwords_one_address 60 wrong passwords for `admin` from one address, then the right
                        one from another address (the owner elsewhere must get in)
  passwords_flood       120 wrong passwords for `admin` from 120 addresses (past the
                        account's ceiling of 50), then the right one from the address
                        admin logged in from before, and from a new one

For each: the HTTP statuses seen, the 5xx among them, and for codes how many were sent
(lines the development sender wrote). Writes bench/results/abuse-probe-<date>.json.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC
from datetime import datetime
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
SUNSHINE = REPO / ".venv" / "bin" / "sunshine"
OWNER_PHONE = "19900000017"  # sunshine.demo.service.OWNER_PHONE
PASSWORD = "sunshine-demo"  # sunshine.demo.service.DEMO_PASSWORD
CSRF = "probe-csrf-token"


def _free_port(preferred: int) -> int:
    for port in range(preferred, preferred + 50):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise SystemExit("no free port")


def _client(base: str, address: str) -> httpx.Client:
    headers = {"X-CSRF-Token": CSRF, "X-Forwarded-For": address}
    return httpx.Client(base_url=base, headers=headers, cookies={"sunshine_csrf": CSRF}, timeout=60)


def _burst(count: int, fire: Callable[[int], int]) -> dict[str, object]:
    with ThreadPoolExecutor(30) as pool:
        statuses = list(pool.map(fire, range(count)))
    seen = collections.Counter(statuses)
    return {
        "fired": count,
        "statuses": dict(sorted(seen.items())),
        "5xx": sum(n for status, n in seen.items() if status >= 500),
    }


def _post(base: str, address: str, path: str, body: dict[str, str]) -> int:
    with _client(base, address) as client:
        return client.post(path, json=body).status_code


def _sent(code_log: Path) -> int:
    return len(code_log.read_text("utf-8").splitlines()) if code_log.exists() else 0


def probe(base: str, code_log: Path) -> dict[str, object]:
    """The four bursts, one after another."""
    results: dict[str, object] = {}
    code = "/api/v1/auth/code"
    before = _sent(code_log)
    results["codes_one_address"] = _burst(
        150, lambda _n: _post(base, "198.51.100.1", code, {"phone": OWNER_PHONE})
    ) | {"codes_sent": _sent(code_log) - before}
    before = _sent(code_log)
    results["codes_many_addresses"] = _burst(
        150, lambda n: _post(base, f"10.1.{n // 250}.{n % 250 + 1}", code, {"phone": OWNER_PHONE})
    ) | {"codes_sent": _sent(code_log) - before}
    login = "/api/v1/auth/login"
    right = {"username": "admin", "password": PASSWORD}
    home = _post(base, "198.51.100.200", login, right)  # admin's usual address
    wrong = {"username": "admin", "password": "guess"}
    results["passwords_one_address"] = _burst(
        60, lambda _n: _post(base, "203.0.113.7", login, wrong)
    ) | {"then_the_owner_elsewhere": _post(base, "198.51.100.201", login, right)}
    results["passwords_flood"] = _burst(
        120, lambda n: _post(base, f"10.2.{n // 250}.{n % 250 + 1}", login, wrong)
    ) | {
        "then_the_owners_usual_address": _post(base, "198.51.100.200", login, right),
        "then_a_new_address": _post(base, "198.51.100.202", login, right),
        "usual_address_before": home,
    }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=18742)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="sunshine-abuse-"))
    env = {
        **os.environ,
        "SUNSHINE_DATABASE_URL": f"sqlite:///{folder / 's.db'}",
        "SUNSHINE_VAR_DIR": str(folder / "var"),
        "SUNSHINE_CODE_LOG": str(folder / "codes.log"),
    }
    for command in (["db", "upgrade"], ["demo", "load"]):
        subprocess.run([SUNSHINE, *command], env=env, check=True, capture_output=True)
    port = _free_port(args.port)
    server = subprocess.Popen(
        [SUNSHINE, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                httpx.get(base + "/login", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        results = probe(base, folder / "codes.log")
    finally:
        server.terminate()
        server.wait(timeout=30)
    out = REPO / "bench" / "results" / f"abuse-probe-{datetime.now(UTC).date().isoformat()}.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    json.dump(results, sys.stdout, indent=2)


if __name__ == "__main__":
    main()
