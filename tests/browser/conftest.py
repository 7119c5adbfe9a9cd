"""A live Sunshine server (uvicorn in a thread, its own SQLite file with 荆川东园 loaded) and
Debian's chromium driven by Playwright. Never `playwright install`: there is no download here."""

from __future__ import annotations

import os
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser
from playwright.sync_api import sync_playwright

from sunshine.demo import service as demo
from sunshine.infra import migrate
from sunshine.infra import settings as settings_module
from sunshine.infra.db import make_engine
from sunshine.infra.db import use_engine

CHROMIUM = next(
    (p for p in ("/usr/lib/chromium/chromium", "/usr/bin/chromium") if Path(p).exists()),
    "/usr/bin/chromium",
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass(frozen=True)
class LiveServer:
    url: str
    code_log: Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    folder = Path(tempfile.mkdtemp(prefix="sunshine-browser-"))
    environment = {
        "SUNSHINE_DATABASE_URL": f"sqlite:///{folder / 'sunshine.db'}",
        "SUNSHINE_CODE_LOG": str(folder / "codes.log"),
    }
    saved = {k: os.environ.get(k) for k in environment}
    os.environ.update(environment)
    settings_module.get_settings.cache_clear()
    engine = make_engine()
    migrate.upgrade(engine)
    use_engine(engine)
    from sqlalchemy.orm import Session

    with Session(engine) as session:
        demo.load_reference_community(session)
        session.commit()

    from sunshine.entrypoints.web import create_app

    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 15
        while not server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        yield LiveServer(url=f"http://127.0.0.1:{port}", code_log=folder / "codes.log")
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        engine.dispose()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        settings_module.get_settings.cache_clear()


@pytest.fixture(autouse=True)
def _codes_on_demand(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test logs the owner in by phone afresh: more than one code a minute, this test only.

    The live server runs in this process and reads the same settings; an environment
    variable would outlive the browser tests and loosen the limits other tests check.
    """
    settings = settings_module.get_settings()
    for window in ("phone_minute", "phone_hour", "client_minute", "client_hour"):
        monkeypatch.setattr(settings, f"code_per_{window}", 1000)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
