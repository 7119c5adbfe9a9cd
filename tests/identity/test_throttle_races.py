"""The limits hold when the tries come at once: each is counted, one after another.

Real threads, each with its own connection and transaction, committed as the web edge
commits, on SQLite and on PostgreSQL. Issue 11 saw sixty wrong passwords at once; here
twelve at once for one account and address make exactly five failures (then the pause),
and twelve requests at once for one phone send exactly one code.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine
from sqlalchemy import delete
from sqlalchemy import or_
from sqlalchemy.orm import Session

from sunshine.identity import service as identity
from sunshine.identity.models import CodeRequest
from sunshine.identity.models import LoginAttempt
from sunshine.identity.models import LoginCode
from sunshine.identity.models import LoginGuard
from sunshine.identity.models import User
from sunshine.identity.service import accounts
from sunshine.infra.settings import get_settings
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import Throttled

AT_ONCE = 12


class Sender:
    def __init__(self) -> None:
        self.sent: list[str] = []
        self._lock = threading.Lock()

    def send(self, phone: str, code: str) -> None:
        with self._lock:
            self.sent.append(phone)


@pytest.fixture
def racer(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, str]]:
    """A committed user (username, phone) of its own; everything it left is removed after."""
    quick = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", quick)
    tag = uuid.uuid4().hex[:10]
    username, phone = f"race-{tag}", "139" + str(int(tag, 16))[-8:].zfill(8)
    with Session(engine) as session:
        identity.add_user(
            session, display_name="并发", username=username, phone=phone, password="right-password"
        )
        session.commit()
    yield username, phone
    with Session(engine) as session:
        for table, column in (
            (LoginGuard, LoginGuard.subject),
            (LoginAttempt, LoginAttempt.subject),
        ):
            session.execute(delete(table).where(column.in_([username, phone])))
        session.execute(delete(CodeRequest).where(CodeRequest.phone == phone))
        session.execute(delete(LoginCode).where(LoginCode.phone == phone))
        session.execute(delete(User).where(or_(User.username == username, User.phone == phone)))
        session.commit()


def _at_once(engine: Engine, attempt: Callable[[Session, int], object]) -> list[str]:
    """Run `attempt` in AT_ONCE threads released together; what each ended with."""
    start = threading.Barrier(AT_ONCE)

    def one(n: int) -> str:
        with Session(engine) as session:
            start.wait()
            try:
                attempt(session, n)
            except Invalid:
                session.commit()  # as the edge does: the failure counts
                return "refused"
            except Throttled:
                return "throttled"
            session.commit()
            return "ok"

    with ThreadPoolExecutor(AT_ONCE) as pool:
        return sorted(pool.map(one, range(AT_ONCE)))


def test_wrong_passwords_at_once_are_counted_one_after_another(
    engine: Engine, racer: tuple[str, str]
) -> None:
    username, _phone = racer
    free = get_settings().login_max_failures

    ended = _at_once(
        engine,
        lambda session, _n: identity.login_with_password(
            session, username=username, password="wrong", client="198.51.100.9"
        ),
    )

    assert ended == ["refused"] * free + ["throttled"] * (AT_ONCE - free)
    with Session(engine) as session:
        guard = session.get(LoginGuard, (username, "198.51.100.9"))
        assert guard is not None
        assert guard.failures == free


def test_code_requests_at_once_send_one_code(engine: Engine, racer: tuple[str, str]) -> None:
    _username, phone = racer
    sender = Sender()

    ended = _at_once(
        engine,
        lambda session, n: identity.send_login_code(
            session, phone=phone, client=f"192.0.2.{n}", sender=sender
        ),
    )

    assert ended == ["ok"] + ["throttled"] * (AT_ONCE - 1)
    assert sender.sent == [phone]
