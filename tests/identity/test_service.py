"""Logging in through the service: passwords, one-time codes, rate limits and sessions."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from sunshine.identity import service as identity
from sunshine.infra import clock
from sunshine.infra.settings import get_settings
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import Throttled
from tests.factories import PASSWORD
from tests.factories import make_user

CLIENT = "198.51.100.7"
PHONE = "13800000001"


class FakeSender:
    """Keeps the codes it was asked to send."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def send(self, phone: str, code: str) -> None:
        self.sent.append((phone, code))


def pin_clock(monkeypatch: pytest.MonkeyPatch, instant: datetime) -> None:
    monkeypatch.setattr(clock, "now", lambda: instant)


def test_a_staff_member_logs_in_with_the_right_password(session: Session) -> None:
    user = make_user(session)
    assert user.username is not None

    found = identity.login_with_password(
        session, username=user.username, password=PASSWORD, client=CLIENT
    )

    assert found.id == user.id


def test_a_wrong_password_is_refused(session: Session) -> None:
    user = make_user(session)
    assert user.username is not None

    with pytest.raises(Invalid) as caught:
        identity.login_with_password(
            session, username=user.username, password="not the password", client=CLIENT
        )

    assert caught.value.message == "wrong username or password"


def test_an_unknown_user_gets_the_same_message_as_a_wrong_password(session: Session) -> None:
    user = make_user(session)
    assert user.username is not None

    with pytest.raises(Invalid) as unknown:
        identity.login_with_password(session, username="nobody", password=PASSWORD, client=CLIENT)
    with pytest.raises(Invalid) as wrong:
        identity.login_with_password(
            session, username=user.username, password="wrong!wrong!", client=CLIENT
        )

    assert unknown.value.message == wrong.value.message == "wrong username or password"


def test_an_inactive_user_cannot_log_in_even_with_the_right_password(session: Session) -> None:
    user = make_user(session)
    assert user.username is not None
    user.is_active = False
    session.flush()

    with pytest.raises(Invalid) as caught:
        identity.login_with_password(
            session, username=user.username, password=PASSWORD, client=CLIENT
        )

    assert caught.value.message == "wrong username or password"


def test_logins_are_refused_after_too_many_failures_even_with_the_right_password(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = make_user(session)
    assert user.username is not None
    start = datetime(2024, 10, 8, 6, 0, 30, tzinfo=UTC)  # 14:00:30 in Shanghai
    pin_clock(monkeypatch, start)
    limit = get_settings().login_max_failures
    assert limit == 5
    for _ in range(limit):
        with pytest.raises(Invalid):
            identity.login_with_password(
                session, username=user.username, password="wrong-password", client=CLIENT
            )

    with pytest.raises(Throttled) as caught:
        identity.login_with_password(
            session, username=user.username, password=PASSWORD, client=CLIENT
        )

    assert caught.value.retry_after == timedelta(minutes=1)
    assert caught.value.message == (
        "too many failed logins from here; you may try again in 1 min, after 14:02"
    )


def test_the_pause_lifts_when_it_has_passed(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = make_user(session)
    assert user.username is not None
    start = clock.now()
    pin_clock(monkeypatch, start)
    for _ in range(5):
        with pytest.raises(Invalid):
            identity.login_with_password(
                session, username=user.username, password="wrong-password", client=CLIENT
            )
    pin_clock(monkeypatch, start + timedelta(minutes=1))

    found = identity.login_with_password(
        session, username=user.username, password=PASSWORD, client=CLIENT
    )

    assert found.id == user.id


def test_four_failures_do_not_yet_lock_the_account(session: Session) -> None:
    user = make_user(session)
    assert user.username is not None
    for _ in range(4):
        with pytest.raises(Invalid):
            identity.login_with_password(
                session, username=user.username, password="wrong-password", client=CLIENT
            )

    found = identity.login_with_password(
        session, username=user.username, password=PASSWORD, client=CLIENT
    )

    assert found.id == user.id


def test_the_right_code_logs_in_once_only(session: Session) -> None:
    user = make_user(session, phone=PHONE)
    sender = FakeSender()
    identity.send_login_code(session, phone=PHONE, client=CLIENT, sender=sender)
    assert len(sender.sent) == 1
    phone, code = sender.sent[0]
    assert phone == PHONE
    assert len(code) == 6
    assert code.isdigit()

    found = identity.login_with_code(session, phone=PHONE, code=code, client=CLIENT)
    assert found.id == user.id
    with pytest.raises(Invalid) as again:
        identity.login_with_code(session, phone=PHONE, code=code, client=CLIENT)

    assert again.value.message == "the code is wrong or has expired; ask for a new one"


def test_a_wrong_code_is_refused(session: Session) -> None:
    make_user(session, phone=PHONE)
    sender = FakeSender()
    identity.send_login_code(session, phone=PHONE, client=CLIENT, sender=sender)
    code = sender.sent[0][1]
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    with pytest.raises(Invalid) as caught:
        identity.login_with_code(session, phone=PHONE, code=wrong, client=CLIENT)

    assert caught.value.message == "the code is wrong or has expired; ask for a new one"


def test_a_code_expires_after_ten_minutes(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_user(session, phone=PHONE)
    sender = FakeSender()
    start = clock.now()
    pin_clock(monkeypatch, start)
    identity.send_login_code(session, phone=PHONE, client=CLIENT, sender=sender)
    code = sender.sent[0][1]
    pin_clock(monkeypatch, start + timedelta(minutes=10, seconds=1))

    with pytest.raises(Invalid) as caught:
        identity.login_with_code(session, phone=PHONE, code=code, client=CLIENT)

    assert caught.value.message == "the code is wrong or has expired; ask for a new one"


def test_a_code_still_works_just_before_it_expires(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = make_user(session, phone=PHONE)
    sender = FakeSender()
    start = clock.now()
    pin_clock(monkeypatch, start)
    identity.send_login_code(session, phone=PHONE, client=CLIENT, sender=sender)
    pin_clock(monkeypatch, start + timedelta(minutes=9, seconds=59))

    found = identity.login_with_code(session, phone=PHONE, code=sender.sent[0][1], client=CLIENT)

    assert found.id == user.id


def test_a_code_stops_working_after_five_wrong_tries(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Lift the account rate limit, so that the per-code limit is what refuses.
    monkeypatch.setattr(get_settings(), "login_max_failures", 100)
    make_user(session, phone=PHONE)
    sender = FakeSender()
    identity.send_login_code(session, phone=PHONE, client=CLIENT, sender=sender)
    code = sender.sent[0][1]
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(identity.CODE_MAX_TRIES):
        with pytest.raises(Invalid):
            identity.login_with_code(session, phone=PHONE, code=wrong, client=CLIENT)

    with pytest.raises(Invalid) as caught:
        identity.login_with_code(session, phone=PHONE, code=code, client=CLIENT)

    assert caught.value.message == "the code is wrong or has expired; ask for a new one"


def test_an_unknown_phone_gets_no_code_and_no_error(session: Session) -> None:
    sender = FakeSender()

    identity.send_login_code(session, phone="13999999999", client=CLIENT, sender=sender)

    assert sender.sent == []


def test_a_session_ends_when_it_expires(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    user = make_user(session)
    start = clock.now()
    pin_clock(monkeypatch, start)
    token = identity.start_session(session, user_id=user.id)
    viewer = identity.viewer_for_token(session, token)
    assert viewer is not None
    assert viewer.user_id == user.id

    pin_clock(monkeypatch, start + timedelta(days=14, seconds=-1))
    assert identity.viewer_for_token(session, token) is not None
    pin_clock(monkeypatch, start + timedelta(days=14))
    assert identity.viewer_for_token(session, token) is None


def test_logging_out_ends_the_session_at_once(session: Session) -> None:
    user = make_user(session)
    token = identity.start_session(session, user_id=user.id)

    identity.end_session(session, token)

    assert identity.viewer_for_token(session, token) is None


def test_an_unknown_token_has_no_viewer(session: Session) -> None:
    assert identity.viewer_for_token(session, "no-such-token") is None
