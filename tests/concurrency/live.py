"""A real Sunshine server in its own process, on a demo database of its own.

`demo_site` migrates the database, loads 荆川东园, opens login sessions for the roles the
concurrency runs need, and serves it with `sunshine serve` (uvicorn) on a free port.
The server and the database it was given are removed in `finally`, whatever happens.
Shared by tests/concurrency and bench/concurrency_soak.py.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import Engine
from sqlalchemy import create_engine
from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from sunshine.demo import service as demo
from sunshine.identity import service as identity
from sunshine.infra import migrate
from sunshine.infra.db import make_engine
from sunshine.infra.settings import get_settings
from tests.demo_copies import DemoCopies
from tests.factories import load_demo

REPO = Path(__file__).resolve().parents[2]
ROLES = {"staff": "staff", "manager": "manager"}  # role in the runs -> demo username
START_SECONDS = 60


@dataclass(frozen=True)
class Site:
    """A served demo: where it answers, the session cookies per role, the server's log and pid."""

    url: str
    database_url: str
    tokens: dict[str, str]
    log: Path
    pid: int = 0

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def demo_site(
    database: str, *, postgres_url: str | None = None, copies: DemoCopies | None = None
) -> Iterator[Site]:
    """Serve a fresh demo on `database` ("sqlite", or "postgresql" on `postgres_url`'s server).

    With `copies` (the tests'), the database is a copy of the worker's loaded demo; without
    (the benches), the demo is loaded into a database of its own.
    """
    folder = Path(tempfile.mkdtemp(prefix="sunshine-concurrency-"))
    try:
        if copies is not None:
            with (
                _copied(copies, postgres_url, folder / "var") as engine,
                _serving(_render(engine.url), folder) as started,
            ):
                tokens = _log_in(engine)
                address, pid = started()
                yield Site(address, _render(engine.url), tokens, folder / "server.log", pid)
            return
        with (
            _fresh_database(database, folder, postgres_url) as url,
            _migrated(url, folder / "var") as engine,
            _serving(url, folder) as started,  # its imports take seconds: start it first
        ):
            with Session(engine) as session:
                # The first year only, as on main before the demo went on to today: the runs
                # open the 2025-09 budget and publish the months after August 2025 themselves.
                load_demo(session)
                session.commit()
            tokens = _log_in(engine)
            address, pid = started()
            yield Site(address, url, tokens, folder / "server.log", pid)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def _copied(copies: DemoCopies, postgres_url: str | None, var_dir: Path) -> Iterator[Engine]:
    """A copy of the loaded demo (on `postgres_url`'s server, else SQLite), its files in `var_dir`."""
    with _settings(SUNSHINE_VAR_DIR=str(var_dir)):
        if postgres_url is None:
            with copies.sqlite_copy() as engine:
                yield engine
            return
        beside = create_engine(postgres_url)  # names the server; never connects
        with copies.copy(beside) as engine:
            yield engine


def _render(url: URL) -> str:
    return url.render_as_string(hide_password=False)


@contextlib.contextmanager
def _fresh_database(database: str, folder: Path, postgres_url: str | None) -> Iterator[str]:
    if database == "sqlite":
        yield f"sqlite:///{folder / 'sunshine.db'}"
        return
    if postgres_url is None:
        raise ValueError("a PostgreSQL server is needed")
    name = f"sunshine_concurrency_{secrets.token_hex(4)}"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@contextlib.contextmanager
def _migrated(url: str, var_dir: Path) -> Iterator[Engine]:
    """The migrated database, with this process's settings on it (the demo's key goes there)."""
    with _settings(SUNSHINE_DATABASE_URL=url, SUNSHINE_VAR_DIR=str(var_dir)):
        engine = make_engine(url)
        try:
            migrate.upgrade(engine)
            yield engine
        finally:
            engine.dispose()


def _log_in(engine: Engine) -> dict[str, str]:
    """Open a login session on the demo per role; their cookies' values."""
    with Session(engine, expire_on_commit=False) as session:
        tokens = {}
        for role, username in ROLES.items():
            user = identity.find_user_by_username(session, username)
            assert user is not None, username
            tokens[role] = identity.start_session(session, user_id=user.id)
        owner = identity.find_user_by_phone(session, demo.OWNER_PHONE)
        assert owner is not None
        tokens["owner"] = identity.start_session(session, user_id=owner.id)
        session.commit()
    return tokens


@contextlib.contextmanager
def _settings(**environment: str) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in environment}
    os.environ.update(environment)
    get_settings.cache_clear()
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        get_settings.cache_clear()


@contextlib.contextmanager
def _serving(url: str, folder: Path) -> Iterator[Callable[[], tuple[str, int]]]:
    """Start `sunshine serve` on a free port; stop it (kill it if it lingers) in `finally`.

    Yields a function that waits until the server answers and returns its address and pid.
    """
    port = free_port()
    environment = {
        **os.environ,
        "SUNSHINE_DATABASE_URL": url,
        "SUNSHINE_VAR_DIR": str(folder / "var"),
        "SUNSHINE_CODE_LOG": str(folder / "codes.log"),
    }
    log = folder / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "sunshine", "serve", "--port", str(port)],
            cwd=REPO,
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            yield lambda: (_wait_until_up(base, server, log), server.pid)
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _wait_until_up(base: str, server: subprocess.Popen[bytes], log: Path) -> str:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(f"{base}/login", timeout=2).status_code == 200:
                return base
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server did not start in {START_SECONDS} s")
