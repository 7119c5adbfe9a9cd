"""Shared fixtures: one engine per database (SQLite file and a throw-away PostgreSQL), migrated
with Alembic once per run, and a `session` per test inside a transaction that is rolled back.

A test that asks for `session` or `engine` runs twice, once per database. Set
SUNSHINE_TEST_DATABASES=sqlite to skip PostgreSQL while iterating locally (CI runs both).
`./test.sh` runs the tests in parallel (pytest-xdist): every worker is a process with its
own SQLite files, its own PostgreSQL and its own var/ folder, so workers share nothing.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy import create_engine
from sqlalchemy import text
from sqlalchemy.orm import Session

from sunshine.disclosure.service import budget_lines as disclosure_budget_lines
from sunshine.entrypoints import notice_sections
from sunshine.entrypoints.web import create_app
from sunshine.governance.service import authority as governance_authority
from sunshine.governance.service import spending
from sunshine.identity.service import accounts
from sunshine.infra import authority
from sunshine.infra import db
from sunshine.infra import migrate
from sunshine.infra import spending_gate
from sunshine.infra.db import make_engine
from sunshine.infra.settings import get_settings
from sunshine.infra.web import CSRF_COOKIE
from sunshine.infra.web import CSRF_HEADER
from sunshine.infra.web import open_request_session
from sunshine.ledger import service as ledger_service
from tests.demo_copies import DemoCopies
from tests.pg import running_postgres

# Every notice a test builds holds the sections the app's would, whether or not a test has
# made the app yet (the record, and so a fingerprint, depends on them).
notice_sections.register_all()
# As the entrypoints install it: above the limit, only approved expenses are booked.
spending_gate.use_gate(spending.gate)
# The ledger's budget port, as the app and the CLI install it: the lines of the budget in
# force (booking checks them) and a line's figures (an expense is marked over its line).
ledger_service.use_budget_lines(disclosure_budget_lines.line_names)
ledger_service.use_line_figures(disclosure_budget_lines.line_figures)
# Budgets, closes and keys ask governance for their decision, as in the app and the CLI.
authority.use_authority(governance_authority.check, governance_authority.find)

DATABASES = os.environ.get("SUNSHINE_TEST_DATABASES", "sqlite,postgresql").split(",")


@pytest.fixture(scope="session", autouse=True)
def _quick_password_hashes() -> Iterator[None]:
    """Argon2 at its lowest cost: tests need hashes that verify, not ones that resist guessing.

    The default cost is a quarter of a second a hash, paid by every demo load and login.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
        )
        yield


@pytest.fixture(scope="session", autouse=True)
def _var_dir() -> Iterator[Path]:
    """Keys and voucher files that tests write go to a temporary folder, never the repo's var/."""
    folder = tempfile.mkdtemp(prefix="sunshine-test-var-")
    before = os.environ.get("SUNSHINE_VAR_DIR")
    os.environ["SUNSHINE_VAR_DIR"] = folder
    get_settings.cache_clear()
    yield Path(folder)
    if before is None:
        os.environ.pop("SUNSHINE_VAR_DIR", None)
    else:
        os.environ["SUNSHINE_VAR_DIR"] = before
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def postgres_url(worker_id: str) -> Iterator[str]:
    """This worker's own PostgreSQL (`worker_id` is pytest-xdist's: gw0, gw1, … or master)."""
    with running_postgres("" if worker_id == "master" else worker_id) as url:
        yield url


@pytest.fixture(params=DATABASES)
def fresh_engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """An empty database of the test module's own, for migration tests (`engine` is at head)."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{Path(tempfile.mkdtemp()) / 'migrate.db'}")
        yield engine
        engine.dispose()
        return
    url = request.getfixturevalue("postgres_url")  # this worker's own server
    name = "migrate_" + request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")[:40]
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    engine = make_engine(url.rsplit("/", 1)[0] + "/" + name)
    yield engine
    engine.dispose()
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE {name}"))
    admin.dispose()


@pytest.fixture(scope="session", params=DATABASES)
def engine(request: pytest.FixtureRequest) -> Engine:
    """This worker's migrated database of the kind asked for.

    pytest sets a parametrised fixture up again whenever the parameter changes (twice in
    most modules): the engines themselves are made once, by the two fixtures below.
    """
    return request.getfixturevalue(f"{request.param}_engine")  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def sqlite_engine() -> Iterator[Engine]:
    folder = Path(tempfile.mkdtemp(prefix="sunshine-test-"))
    engine = make_engine(f"sqlite:///{folder / 'test.db'}")
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def postgresql_engine(postgres_url: str) -> Iterator[Engine]:
    engine = make_engine(postgres_url)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def demo_copies(_var_dir: Path) -> Iterator[DemoCopies]:
    """The demo, loaded once per database (and `today`) on this worker; a copy for each user."""
    copies = DemoCopies(_var_dir)
    yield copies
    copies.remove()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose every commit only releases a savepoint; all is rolled back at the end."""
    with engine.connect() as connection:
        outer = connection.begin()
        with Session(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        ) as session:
            yield session
        outer.rollback()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that touches a database, so `-m "not db"` runs the pure ones in seconds."""
    for item in items:
        if {"engine", "session"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)


@pytest.fixture
def client(session: Session) -> Iterator[TestClient]:
    app = create_app()

    def same_session() -> Iterator[Session]:
        yield session

    app.dependency_overrides[open_request_session] = same_session
    with TestClient(app, base_url="http://testserver") as test_client:
        # A CSRF cookie and the matching header, as a page's forms and htmx would send them.
        test_client.cookies.set(CSRF_COOKIE, "test-csrf-token")
        test_client.headers[CSRF_HEADER] = "test-csrf-token"
        yield test_client


@pytest.fixture
def cli_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """A migrated SQLite file that `sunshine …` commands open and commit to, as in real use."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("SUNSHINE_DATABASE_URL", url)
    monkeypatch.setenv("SUNSHINE_VAR_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    engine = make_engine(url)
    migrate.upgrade(engine)
    monkeypatch.setattr(db, "_factory", None)  # restored after the test
    db.use_engine(engine)
    yield engine
    engine.dispose()
    get_settings.cache_clear()
