"""A throw-away PostgreSQL server for one test run (ENVIRONMENT.md: initdb refuses root, so run as postgres)."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine


def _bin_dir() -> Path:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    if not versions:
        raise RuntimeError(
            "PostgreSQL is not installed: ./test.sh installs it (apt package postgresql)"
        )
    return versions[-1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def _worker_database(url: str, worker: str) -> Iterator[str]:
    """A fresh database for one worker on the server at `url`, dropped afterwards."""
    if not worker:
        yield url
        return
    base, _, name = url.rpartition("/")
    own = f"{name}_{worker}"
    admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{own}"')
            connection.exec_driver_sql(f'CREATE DATABASE "{own}"')
        yield f"{base}/{own}"
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{own}" WITH (FORCE)')
    finally:
        admin.dispose()


def _as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@contextlib.contextmanager
def running_postgres(worker: str = "") -> Iterator[str]:
    """Start a cluster on a free loopback port, yield its URL, and remove it afterwards.

    Each pytest-xdist worker calls this once, so every worker has a server of its own (a
    cluster starts in about a second). With SUNSHINE_TEST_PG_URL set, the workers share
    that server instead, each in a database of its own named after `worker`.
    """
    if url := os.environ.get("SUNSHINE_TEST_PG_URL"):
        with _worker_database(url, worker) as own:
            yield own
        return
    bin_dir = _bin_dir()
    data = Path(tempfile.mkdtemp(prefix="sunshine-pg-", dir="/tmp"))
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
    port = _free_port()
    run = {"check": True, "capture_output": True}
    subprocess.run(
        _as_postgres(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        ),
        **run,
    )  # type: ignore[call-overload]
    options = f"-c fsync=off -c synchronous_commit=off -c full_page_writes=off -p {port} -k {data} -h 127.0.0.1"
    subprocess.run(
        _as_postgres(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-w",
                "-l",
                str(data / "server.log"),
                "start",
            ]
        ),
        **run,
    )  # type: ignore[call-overload]
    try:
        subprocess.run(
            _as_postgres(
                [
                    str(bin_dir / "createdb"),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(port),
                    "-U",
                    "postgres",
                    "sunshine_test",
                ]
            ),
            **run,
        )  # type: ignore[call-overload]
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/sunshine_test"
    finally:
        subprocess.run(
            _as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(data, ignore_errors=True)
