"""Schema-driven fuzzing of the JSON API: the support of `tests/web/test_api_fuzz.py`.

Schemathesis reads the app's own OpenAPI document and, per operation, sends the boundary
and wrong-type values of its coverage phase plus `examples` generated requests (valid by
the schema and deliberately not), derandomised so a run sends the same requests each
time. Requests go in process to the ASGI app, which serves a demo-loaded SQLite database
made once, with a login session per role. `bench/fuzz_api.py` runs the same test with
more examples and every case sent as every role, and reads the tally it writes.

What counts as a failure: any 5xx, or an exception escaping the app (a real server
would answer 500). The tally keeps a curl line per 5xx, to replay it.
"""

from __future__ import annotations

import json
import logging
import os
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

import schemathesis
from schemathesis.python.asgi import ASGIClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from sunshine.demo import service as demo
from sunshine.identity import service as identity
from sunshine.infra import db
from sunshine.infra.web import CSRF_COOKIE
from sunshine.infra.web import CSRF_HEADER
from sunshine.infra.web import SESSION_COOKIE
from tests.demo_copies import DemoCopies

# The roles the issue names; "owner" logs in by phone, the others by username.
ROLES = ("anonymous", "owner", "staff", "manager", "committee", "supervisor", "admin")
DEEPEST = "manager"  # may do the most, so its requests reach furthest into the services
EXAMPLES = int(os.environ.get("SUNSHINE_FUZZ_EXAMPLES", "3"))  # generated, per operation
EVERY_ROLE = os.environ.get("SUNSHINE_FUZZ_EVERY_ROLE") == "1"  # else see Target.roles_for
KEEP_GOING = os.environ.get("SUNSHINE_FUZZ_KEEP_GOING") == "1"  # count 5xx, do not fail
TALLY_FILE = os.environ.get("SUNSHINE_FUZZ_TALLY", "")  # where to write the tally (JSON)
_CSRF = "fuzz-csrf-token"
NET = "sunshine.entrypoints.web"  # the logger of the app's last-resort 422


def config() -> Any:
    """Schemathesis' settings: all generation modes, NUL bytes allowed, derandomised."""
    return schemathesis.Config.from_dict(
        {
            "generation": {
                "mode": "all",
                "max-examples": EXAMPLES,
                "deterministic": True,
                "allow-x00": True,
            },
            # Most requests name the demo community, so routes get past the lookup.
            "parameters": {"code": "jcdy"},
            "phases": {
                "stateful": {"enabled": False},
                "coverage": {"unexpected-methods": []},  # 405s teach nothing
            },
        }
    )


@dataclass
class Tally:
    """What the run sent and got back."""

    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)  # "role METHOD path -> status" + curl

    def add(self, role: str, case: Any, status: int) -> None:
        self.requests += 1
        self.statuses[status] += 1
        if status >= 500:
            curl = case.as_curl_command()
            self.server_errors.append(
                f"{role} {case.method} {case.formatted_path} {status}\n{curl}"
            )

    def write(self, path: str) -> None:
        body = {
            "requests": self.requests,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "server_errors": self.server_errors,
        }
        Path(path).write_text(json.dumps(body, ensure_ascii=False, indent=1), encoding="utf-8")


@dataclass
class Target:
    """A demo database and one login session per role (None for anonymous)."""

    engine: Engine
    tokens: dict[str, str | None]
    sent: Counter[str] = field(default_factory=Counter)  # cases sent, per operation

    def roles_for(self, case: Any) -> tuple[str, ...]:
        """Who sends `case`: an operation's first case goes as every role, then in turn.

        In turn, every other case goes as the manager, whose requests reach furthest.
        With SUNSHINE_FUZZ_EVERY_ROLE=1 every case goes as every role (the bench).
        """
        n = self.sent[case.operation.label]
        self.sent[case.operation.label] += 1
        if EVERY_ROLE or n == 0:
            return ROLES
        return (DEEPEST,) if n % 2 else (ROLES[n // 2 % len(ROLES)],)

    def fresh_token(self, role: str) -> str | None:
        """A new session for `role`: logging out ends the one it is sent with."""
        if role == "anonymous":
            return None
        with Session(self.engine) as session:
            token = identity.start_session(session, user_id=_user(session, role).id)
            session.commit()
        return token


def _user(session: Session, role: str) -> Any:
    user = (
        identity.find_user_by_phone(session, demo.OWNER_PHONE)
        if role == "owner"
        else identity.find_user_by_username(session, role)
    )
    assert user is not None, role
    return user


@contextmanager
def demo_target(copies: DemoCopies) -> Iterator[Target]:
    """A demo-loaded SQLite database that the app's sessions use, for the block's length."""
    with copies.sqlite_copy() as engine:
        with Session(engine) as session:
            tokens: dict[str, str | None] = {"anonymous": None}
            for role in ROLES[1:]:
                tokens[role] = identity.start_session(session, user_id=_user(session, role).id)
            session.commit()
        before = db._factory  # restored below, as tests/conftest.py's cli_database does
        db.use_engine(engine)
        try:
            yield Target(engine, tokens)
        finally:
            db._factory = before


class _Caught(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def caught_by_the_net() -> Iterator[list[str]]:
    """What the app's last resort answered 422 for in the block (an overflow, text it cannot
    store): an input type (`infra.inputs`) should have refused it first."""
    handler, logger = _Caught(), logging.getLogger(NET)
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)


def send(target: Target, case: Any, role: str) -> int:
    """Send `case` as `role`; the status, or 500 if an exception escaped the app."""
    logout = case.operation.path.endswith("/auth/logout")
    token = target.fresh_token(role) if logout else target.tokens[role]
    with ASGIClient(case.operation.schema.app) as client:
        client.cookies.set(CSRF_COOKIE, _CSRF)
        client.headers[CSRF_HEADER] = _CSRF
        if token is not None:
            client.cookies.set(SESSION_COOKIE, token)
        try:
            return int(case.call(session=client).status_code)
        except Exception:  # noqa: BLE001 - in process, the app's own exception; a server says 500
            return 500
