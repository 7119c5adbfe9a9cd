"""A request that meets a transient database failure runs again; what still fails gets a 503 or 409.

Routes are added to the real app, so the real middleware and error handlers answer.
Failures are raised as the drivers raise them (an sqlite3 error with its code, wrapped
by SQLAlchemy); the live bursts in tests/concurrency show the same on real servers.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi import Request
from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from sunshine.entrypoints.web import create_app
from sunshine.infra import work as units
from sunshine.infra.web import WritesOnRead


def _sqlite_error(kind: type[sqlite3.Error], message: str, code: int) -> sqlite3.Error:
    error = kind(message)
    error.sqlite_errorcode = code
    return error


def busy() -> OperationalError:
    orig = _sqlite_error(sqlite3.OperationalError, "database is locked", 5)
    return OperationalError("INSERT INTO ledger_entry ...", {}, orig)


def lost_race() -> IntegrityError:
    orig = _sqlite_error(sqlite3.IntegrityError, "UNIQUE constraint failed", 2067)
    return IntegrityError("INSERT INTO ledger_voucher ...", {}, orig)


class Flaky:
    """A route body that fails `failures` times with `error()`, then answers what it was sent."""

    def __init__(self, failures: int, error: Callable[[], Exception]) -> None:
        self.failures = failures
        self.error = error
        self.bodies: list[bytes] = []
        self.writers: list[bool] = []

    async def __call__(self, request: Request) -> dict[str, str]:
        self.bodies.append(await request.body())
        work = units.current()
        self.writers.append(work is not None and work.writes)
        if len(self.bodies) <= self.failures:
            raise self.error()
        return {"got": self.bodies[-1].decode()}


@pytest.fixture
def app() -> FastAPI:
    return create_app()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def test_a_write_that_met_a_busy_database_runs_again_with_the_same_body(
    app: FastAPI, client: TestClient
) -> None:
    flaky = Flaky(2, busy)
    app.add_api_route("/api/v1/flaky", flaky, methods=["POST"])

    answer = client.post("/api/v1/flaky", content=b"book 1.00")

    assert answer.status_code == 200
    assert answer.json() == {"got": "book 1.00"}
    assert flaky.bodies == [b"book 1.00"] * 3
    assert flaky.writers == [True, True, True]


def test_what_stays_busy_gets_a_503_in_chinese_with_retry_after(
    app: FastAPI, client: TestClient
) -> None:
    flaky = Flaky(99, busy)
    app.add_api_route("/api/v1/flaky", flaky, methods=["POST"])

    answer = client.post("/api/v1/flaky", content=b"{}")

    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "2"
    assert answer.json() == {
        "error": {"type": "Busy", "message": "系统繁忙，请稍后重试", "problems": []}
    }
    assert len(flaky.bodies) == 4  # settings.request_attempts


def test_a_page_and_an_htmx_request_get_the_message_in_their_own_shape(
    app: FastAPI, client: TestClient
) -> None:
    app.add_api_route("/flaky", Flaky(99, busy), methods=["POST"])

    page = client.post("/flaky", headers={"Accept-Language": "en"})
    fragment = client.post("/flaky", headers={"HX-Request": "true"})

    assert page.status_code == 503
    assert "<html" in page.text
    assert "the system is busy; please try again in a moment" in page.text
    assert fragment.status_code == 503
    assert "<html" not in fragment.text
    assert "系统繁忙，请稍后重试" in fragment.text


def test_a_race_lost_every_time_is_a_409_conflict(app: FastAPI, client: TestClient) -> None:
    flaky = Flaky(99, lost_race)
    app.add_api_route("/api/v1/flaky", flaky, methods=["POST"])

    answer = client.post("/api/v1/flaky", headers={"Accept-Language": "en"})

    assert answer.status_code == 409
    assert answer.json()["error"]["type"] == "Conflict"
    assert "at the same time" in answer.json()["error"]["message"]
    assert len(flaky.bodies) == 4


def test_a_race_lost_once_goes_through_on_the_next_attempt(
    app: FastAPI, client: TestClient
) -> None:
    app.add_api_route("/api/v1/flaky", Flaky(1, lost_race), methods=["POST"])

    assert client.post("/api/v1/flaky", content=b"x").json() == {"got": "x"}


def test_a_request_that_committed_is_never_run_again(app: FastAPI, client: TestClient) -> None:
    attempts = []

    def commits_then_fails() -> None:
        attempts.append(1)
        with Session(create_engine("sqlite://")) as session:
            session.execute(text("SELECT 1"))
            session.commit()
        raise busy()

    app.add_api_route("/api/v1/committed", commits_then_fails, methods=["POST"])

    answer = client.post("/api/v1/committed")

    assert answer.status_code == 503
    assert len(attempts) == 1


def test_any_other_database_fault_is_not_run_again_and_stays_a_500(
    app: FastAPI, client: TestClient
) -> None:
    def no_table() -> OperationalError:
        orig = _sqlite_error(sqlite3.OperationalError, "no such table: x", 1)
        return OperationalError("SELECT * FROM x", {}, orig)

    flaky = Flaky(99, no_table)
    app.add_api_route("/api/v1/flaky", flaky, methods=["POST"])

    assert client.post("/api/v1/flaky").status_code == 500
    assert len(flaky.bodies) == 1


def test_a_get_reads_until_it_meets_a_conflict_then_runs_again_as_a_writer(
    app: FastAPI, client: TestClient
) -> None:
    flaky = Flaky(1, busy)
    app.add_api_route("/api/v1/flaky", flaky, methods=["GET"])

    assert client.get("/api/v1/flaky").status_code == 200
    assert flaky.writers == [False, True]


def test_a_get_that_records_something_writes_from_the_start(
    app: FastAPI, client: TestClient
) -> None:
    flaky = Flaky(0, busy)
    app.add_api_route("/api/v1/opened", flaky, methods=["GET"], dependencies=[WritesOnRead])

    assert client.get("/api/v1/opened").status_code == 200
    assert flaky.writers == [True]
