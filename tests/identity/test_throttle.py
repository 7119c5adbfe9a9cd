"""How often someone may try to log in or ask for a code (identity/service/throttle.py's rules).

Issue 11 found that five wrong passwords from anywhere locked `admin` out for everyone,
and that 150 requests for one phone's code in a minute were all sent. Here: the pause
belongs to one account and address pair and grows with each failure, an attacker
elsewhere cannot lock the owner's address out, a flood from many addresses slows only
addresses the account has never logged in from, and codes are limited per phone and per
address without revealing whether the phone has an account. Codes are stored keyed.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.identity import service as identity
from sunshine.identity.models import LoginAttempt
from sunshine.identity.models import LoginCode
from sunshine.identity.models import User
from sunshine.identity.service import accounts
from sunshine.identity.service import throttle
from sunshine.identity.service.senders import LogSender
from sunshine.infra import clock
from sunshine.infra.secrets import server_secret
from sunshine.infra.settings import get_settings
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import Throttled
from tests.factories import PASSWORD
from tests.factories import make_user

ATTACKER = "203.0.113.66"
OWNER_HOME = "198.51.100.7"
ELSEWHERE = "192.0.2.15"
PHONE = "13800000001"
START = datetime(2024, 10, 8, 6, 0, tzinfo=UTC)  # 14:00 in Shanghai


class Clock:
    """A pinned clock that the test moves on."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = START
        monkeypatch.setattr(clock, "now", lambda: self.now)

    def wait(self, **span: float) -> None:
        self.now += timedelta(**span)


class FakeSender:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def send(self, phone: str, code: str) -> None:
        self.sent.append((phone, code))


@pytest.fixture
def time(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


@pytest.fixture(autouse=True)
def _quick_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at its cheapest: these tests count tries, they do not time them."""
    quick = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", quick)
    monkeypatch.setattr(accounts, "_DUMMY_HASH", quick.hash("no such user"))


def _username(user: User) -> str:
    assert user.username is not None
    return user.username


def _fail(session: Session, user: User, client: str) -> None:
    with pytest.raises(Invalid):
        identity.login_with_password(
            session, username=_username(user), password="not-the-password", client=client
        )


def _log_in(session: Session, user: User, client: str) -> User:
    return identity.login_with_password(
        session, username=_username(user), password=PASSWORD, client=client
    )


def _refused(session: Session, user: User, client: str) -> Throttled:
    with pytest.raises(Throttled) as caught:
        _log_in(session, user, client)
    return caught.value


# --- passwords ---------------------------------------------------------------------------


def test_an_attacker_elsewhere_cannot_lock_the_owner_out(session: Session, time: Clock) -> None:
    admin = make_user(session)
    for _ in range(5):
        _fail(session, admin, ATTACKER)

    assert _refused(session, admin, ATTACKER).retry_after == timedelta(minutes=1)
    assert _log_in(session, admin, OWNER_HOME).id == admin.id


def test_the_pause_doubles_with_each_failure_up_to_an_hour(session: Session, time: Clock) -> None:
    user = make_user(session)
    pauses = []
    for failure in range(1, 13):
        _fail(session, user, ATTACKER)
        if failure >= get_settings().login_max_failures:
            paused = _refused(session, user, ATTACKER)  # the right password, and not counted
            pauses.append(paused.retry_after)
            time.wait(seconds=paused.retry_after.total_seconds())

    assert pauses == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60, 60)]


def test_a_success_ends_the_run_of_failures(session: Session, time: Clock) -> None:
    user = make_user(session)
    for _ in range(4):
        _fail(session, user, OWNER_HOME)
    _log_in(session, user, OWNER_HOME)
    for _ in range(4):
        _fail(session, user, OWNER_HOME)

    assert _log_in(session, user, OWNER_HOME).id == user.id


def test_a_run_of_failures_is_forgotten_after_a_quiet_day(session: Session, time: Clock) -> None:
    user = make_user(session)
    for _ in range(4):
        _fail(session, user, OWNER_HOME)
    time.wait(hours=24, seconds=1)
    for _ in range(4):
        _fail(session, user, OWNER_HOME)

    assert _log_in(session, user, OWNER_HOME).id == user.id


def test_attempts_older_than_a_day_are_forgotten_as_new_ones_come(
    session: Session, time: Clock
) -> None:
    user, other = make_user(session), make_user(session)
    for _ in range(3):
        _fail(session, user, ATTACKER)
    _log_in(session, other, OWNER_HOME)
    time.wait(hours=24, seconds=1)
    _fail(session, user, ELSEWHERE)  # same account: its old attempts go, the other's stay

    kept = session.execute(select(LoginAttempt.subject, LoginAttempt.client)).all()
    assert sorted(kept) == sorted([(_username(other), OWNER_HOME), (_username(user), ELSEWHERE)])


def test_one_address_trying_many_accounts_is_paused(
    session: Session, time: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "login_max_failures_per_ip", 6)
    users = [make_user(session) for _ in range(4)]
    for user in users[:3]:
        _fail(session, user, ATTACKER)
        _fail(session, user, ATTACKER)

    paused = _refused(session, users[3], ATTACKER)

    assert paused.retry_after == timedelta(minutes=15)
    time.wait(minutes=15)
    assert _log_in(session, users[3], ATTACKER).id == users[3].id


def test_a_flood_from_many_addresses_slows_strangers_but_not_the_owners_address(
    session: Session, time: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "login_account_ceiling", 10)
    admin = make_user(session)
    _log_in(session, admin, OWNER_HOME)  # the owner's address is known from now on
    for n in range(10):  # a botnet: two guesses from each of five addresses
        _fail(session, admin, f"203.0.113.{n // 2}")

    _fail(session, admin, "203.0.113.99")  # a new address gets the one turn there is …
    paused = _refused(session, admin, "203.0.113.98")  # … and the next one waits for it

    assert paused.retry_after == timedelta(seconds=30)
    assert paused.template == throttle.CEILING
    assert _log_in(session, admin, OWNER_HOME).id == admin.id  # never held back
    time.wait(seconds=30)
    assert _log_in(session, admin, ELSEWHERE).id == admin.id  # a new device: slowed, not locked


def test_a_password_reset_ends_a_pause(session: Session, time: Clock) -> None:
    user = make_user(session)
    for _ in range(5):
        _fail(session, user, OWNER_HOME)
    _refused(session, user, OWNER_HOME)

    identity.set_password(session, user_id=user.id, password=PASSWORD)

    assert _log_in(session, user, OWNER_HOME).id == user.id


# --- one-time codes ----------------------------------------------------------------------


def _ask(session: Session, client: str = OWNER_HOME, phone: str = PHONE) -> FakeSender:
    sender = FakeSender()
    identity.send_login_code(session, phone=phone, client=client, sender=sender)
    return sender


def _asked_too_often(session: Session, client: str = OWNER_HOME, phone: str = PHONE) -> Throttled:
    with pytest.raises(Throttled) as caught:
        _ask(session, client, phone)
    return caught.value


def test_one_code_a_minute_per_phone_and_the_user_is_told_when(
    session: Session, time: Clock
) -> None:
    make_user(session, phone=PHONE)
    time.wait(seconds=20)
    assert len(_ask(session).sent) == 1

    refused = _asked_too_often(session, ELSEWHERE)
    assert refused.retry_after == timedelta(minutes=1)
    assert refused.message == (
        "codes were asked for too often; you may ask for another in 1 min, after 14:02"
    )
    time.wait(seconds=59)
    assert _asked_too_often(session).retry_after == timedelta(seconds=1)
    time.wait(seconds=1)
    assert len(_ask(session).sent) == 1


def test_ten_codes_an_hour_and_twenty_a_day_per_phone(session: Session, time: Clock) -> None:
    make_user(session, phone=PHONE)
    for n in range(10):
        _ask(session, f"192.0.2.{n}")
        time.wait(minutes=1)
    assert _asked_too_often(session, "192.0.2.100").retry_after == timedelta(minutes=50)
    time.wait(minutes=50)
    for n in range(10):
        _ask(session, f"192.0.2.{10 + n}")
        time.wait(minutes=6)

    refused = _asked_too_often(session, "192.0.2.100")

    assert refused.retry_after == timedelta(hours=24) - timedelta(minutes=10 + 50 + 60)


def test_an_unknown_phone_is_limited_the_same_so_nothing_is_revealed(
    session: Session, time: Clock
) -> None:
    make_user(session, phone=PHONE)
    unknown = "13999999999"
    assert _ask(session, ATTACKER, phone=unknown).sent == []
    assert len(_ask(session, ATTACKER, phone=PHONE).sent) == 1

    for_nobody = _asked_too_often(session, ELSEWHERE, phone=unknown)
    for_someone = _asked_too_often(session, ELSEWHERE, phone=PHONE)

    assert (for_nobody.message, for_nobody.retry_after) == (
        for_someone.message,
        for_someone.retry_after,
    )


def test_one_address_may_ask_for_three_codes_a_minute(session: Session, time: Clock) -> None:
    for n in range(3):
        _ask(session, ATTACKER, phone=f"1390000000{n}")

    refused = _asked_too_often(session, ATTACKER, phone="13900000009")

    assert refused.retry_after == timedelta(minutes=1)


def test_strangers_asking_for_codes_do_not_use_up_the_owners(session: Session, time: Clock) -> None:
    owner = make_user(session, phone=PHONE)
    code = _ask(session).sent[0][1]
    identity.login_with_code(session, phone=PHONE, code=code, client=OWNER_HOME)
    time.wait(minutes=1)
    _ask(session, ATTACKER)  # a stranger takes the phone's minute …

    assert _asked_too_often(session, ELSEWHERE).retry_after == timedelta(minutes=1)
    code = _ask(session).sent[0][1]  # … but the owner's address counts on its own
    assert identity.login_with_code(session, phone=PHONE, code=code, client=OWNER_HOME) == owner


def test_a_code_is_stored_as_a_keyed_hash(session: Session) -> None:
    make_user(session, phone=PHONE)
    code = _ask(session).sent[0][1]

    stored = session.scalars(select(LoginCode.code_hash).where(LoginCode.phone == PHONE)).one()

    message = f"{PHONE}:{code}".encode()
    assert stored != hashlib.sha256(message).hexdigest()  # not something anyone can compute
    assert stored == hmac.new(server_secret(), message, hashlib.sha256).hexdigest()
    assert len(server_secret()) == 32  # made once in the var folder, never in the database


def test_a_configured_secret_key_is_used_instead(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "secret_key", "k" * 32)
    make_user(session, phone=PHONE)
    code = _ask(session).sent[0][1]

    stored = session.scalars(select(LoginCode.code_hash).where(LoginCode.phone == PHONE)).one()

    expected = hmac.new(b"k" * 32, f"{PHONE}:{code}".encode(), hashlib.sha256).hexdigest()
    assert stored == expected


# --- through the web ---------------------------------------------------------------------

FORM = {"csrf_token": "test-csrf-token"}


@pytest.fixture
def code_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LogSender:
    path = tmp_path / "login-codes.log"
    monkeypatch.setattr(get_settings(), "code_log", path)
    return LogSender(path)


def test_the_phone_page_says_when_another_code_may_be_asked_for(
    client: TestClient, session: Session, time: Clock, code_log: LogSender
) -> None:
    make_user(session, phone=PHONE)
    client.post("/login/phone", data={**FORM, "phone": PHONE})

    again = client.post("/login/phone", data={**FORM, "phone": PHONE})

    assert again.status_code == 429
    assert again.headers["retry-after"] == "60"
    assert "获取验证码过于频繁，请 1 分钟后（14:01 以后）再获取" in again.text
    assert 'action="/login/phone/verify"' in again.text  # the code sent before still works
    assert len(code_log.recent()) == 1
    english = client.post(
        "/login/phone", data={**FORM, "phone": PHONE}, cookies={"sunshine_lang": "en"}
    )
    assert "you may ask for another in 1 min, after 14:01" in english.text


def test_the_api_answers_429_with_retry_after_and_the_reason(
    client: TestClient, session: Session, time: Clock, code_log: LogSender
) -> None:
    user = make_user(session)
    for _ in range(5):
        client.post("/api/v1/auth/login", json={"username": user.username, "password": "no-no-no"})

    paused = client.post(
        "/api/v1/auth/login", json={"username": user.username, "password": PASSWORD}
    )
    assert client.post("/api/v1/auth/code", json={"phone": PHONE}).status_code == 202
    codes = client.post("/api/v1/auth/code", json={"phone": PHONE})

    assert paused.status_code == 429
    assert paused.headers["retry-after"] == "60"
    assert paused.json()["error"]["type"] == "Throttled"
    assert (
        paused.json()["error"]["message"] == "此处登录失败次数过多，请 1 分钟后（14:01 以后）再试"
    )
    assert codes.status_code == 429
    assert codes.json()["error"]["message"].startswith("获取验证码过于频繁")
