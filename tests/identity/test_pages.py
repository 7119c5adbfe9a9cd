"""The login pages through the real app: Chinese by default, cookies, CSRF, phone codes, logout."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from sunshine.identity.service.senders import LogSender
from sunshine.infra.settings import get_settings
from sunshine.infra.web import CSRF_HEADER
from sunshine.infra.web import SESSION_COOKIE
from tests.factories import PASSWORD
from tests.factories import log_in
from tests.factories import make_community
from tests.factories import make_user

PHONE = "13800000002"
FORM = {"csrf_token": "test-csrf-token"}


@pytest.fixture
def code_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LogSender:
    """The development sender, writing to a file of this test's own."""
    path = tmp_path / "login-codes.log"
    monkeypatch.setattr(get_settings(), "code_log", path)
    return LogSender(path)


def test_the_login_page_is_in_chinese_by_default(client: TestClient) -> None:
    response = client.get("/login")

    assert response.status_code == 200
    assert '<html lang="zh-CN">' in response.text
    assert "<h1>工作人员登录</h1>" in response.text
    assert "用户名" in response.text
    assert 'href="/login/phone?next=/"' in response.text
    assert 'name="csrf_token" value="test-csrf-token"' in response.text


def test_the_login_page_is_in_english_when_the_browser_asks(client: TestClient) -> None:
    response = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"})

    assert "<h1>Staff log in</h1>" in response.text


def test_a_staff_login_sets_an_httponly_cookie_and_goes_to_next(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)

    response = client.post(
        "/login",
        data={**FORM, "username": user.username, "password": PASSWORD, "next": "/c/jcdy"},
        follow_redirects=False,
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/c/jcdy"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Max-Age=1209600" in cookie
    assert "Secure" not in cookie  # plain http in tests; https or settings.cookie_secure add it
    me = client.get("/api/v1/me")
    assert me.json()["user_id"] == user.id


def test_a_login_never_redirects_to_another_site(client: TestClient, session: Session) -> None:
    user = make_user(session)

    response = client.post(
        "/login",
        data={**FORM, "username": user.username, "password": PASSWORD, "next": "//evil.example/"},
        follow_redirects=False,
    )

    assert response.headers["location"] == "/welcome"  # the landing page, on this site


def test_a_wrong_password_shows_the_error_in_chinese_and_sets_no_cookie(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)

    response = client.post(
        "/login",
        data={**FORM, "username": user.username, "password": "secret-wrong-1", "next": "/x"},
        follow_redirects=False,
    )

    assert response.status_code == 422
    assert "用户名或密码错误" in response.text
    assert f'name="username" value="{user.username}"' in response.text
    assert "secret-wrong-1" not in response.text
    assert 'name="next" value="/x"' in response.text
    assert "set-cookie" not in response.headers


def test_a_failed_login_is_committed_so_that_it_counts(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = make_user(session)
    commits: list[bool] = []
    real_commit = session.commit

    def counting_commit() -> None:
        commits.append(True)
        real_commit()

    monkeypatch.setattr(session, "commit", counting_commit)

    client.post("/login", data={**FORM, "username": user.username, "password": "nope-nope-1"})

    assert commits == [True]


def test_too_many_failures_say_when_to_try_again(client: TestClient, session: Session) -> None:
    user = make_user(session)
    for _ in range(5):
        client.post("/login", data={**FORM, "username": user.username, "password": "nope-nope"})

    response = client.post("/login", data={**FORM, "username": user.username, "password": PASSWORD})

    assert response.status_code == 429
    assert response.headers["retry-after"] == "60"
    assert re.search(r"此处登录失败次数过多，请 1 分钟后（\d\d:\d\d 以后）再试", response.text)
    assert "set-cookie" not in response.headers


def test_a_post_without_the_csrf_token_is_refused(client: TestClient, session: Session) -> None:
    user = make_user(session)
    del client.headers[CSRF_HEADER]

    response = client.post(
        "/login", data={"username": user.username, "password": PASSWORD}, follow_redirects=False
    )

    assert response.status_code == 403
    assert "表单已过期或来自其他网站" in response.text
    assert "set-cookie" not in response.headers


def test_a_post_with_a_wrong_csrf_token_is_refused(client: TestClient, session: Session) -> None:
    user = make_user(session)
    del client.headers[CSRF_HEADER]

    response = client.post(
        "/login",
        data={"csrf_token": "forged", "username": user.username, "password": PASSWORD},
        follow_redirects=False,
    )

    assert response.status_code == 403


def test_the_csrf_token_in_the_form_field_is_enough(client: TestClient, session: Session) -> None:
    user = make_user(session)
    del client.headers[CSRF_HEADER]

    response = client.post(
        "/login",
        data={**FORM, "username": user.username, "password": PASSWORD},
        follow_redirects=False,
    )

    assert response.status_code == 303


def test_an_owner_logs_in_with_a_phone_code_from_the_development_log(
    client: TestClient, session: Session, code_log: LogSender
) -> None:
    user = make_user(session, phone=PHONE)

    page = client.get("/login/phone?next=/c/jcdy")
    assert "<h1>手机验证码登录</h1>" in page.text
    assert "获取验证码</button>" in page.text
    assert 'href="/login?next=/c/jcdy"' in page.text
    sent = client.post("/login/phone", data={**FORM, "phone": "138 0000 0002", "next": "/c/jcdy"})
    assert sent.status_code == 200
    assert "如果该手机号已有账号，验证码已发出，10 分钟内有效。" in sent.text
    assert 'action="/login/phone/verify"' in sent.text
    [entry] = code_log.recent()
    assert entry["phone"] == PHONE

    response = client.post(
        "/login/phone/verify",
        data={**FORM, "phone": PHONE, "code": entry["code"], "next": "/c/jcdy"},
        follow_redirects=False,
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/c/jcdy"
    assert "HttpOnly" in response.headers["set-cookie"]
    assert client.get("/api/v1/me").json()["user_id"] == user.id


def test_an_unknown_phone_sees_the_same_page_and_gets_no_code(
    client: TestClient, session: Session, code_log: LogSender
) -> None:
    make_user(session, phone=PHONE)

    response = client.post("/login/phone", data={**FORM, "phone": "13999999999"})

    assert response.status_code == 200
    assert "如果该手机号已有账号，验证码已发出" in response.text
    assert code_log.recent() == []


def test_a_phone_with_letters_is_refused_with_a_clear_message(
    client: TestClient, session: Session, code_log: LogSender
) -> None:
    response = client.post("/login/phone", data={**FORM, "phone": "138abc"})

    assert response.status_code == 422
    assert "手机号只能由数字组成，例如 13812345678" in response.text
    assert 'value="138abc"' in response.text
    assert code_log.recent() == []


def test_a_wrong_code_shows_the_error_in_chinese_and_keeps_the_phone(
    client: TestClient, session: Session, code_log: LogSender
) -> None:
    make_user(session, phone=PHONE)
    client.post("/login/phone", data={**FORM, "phone": PHONE})
    code = code_log.recent()[0]["code"]
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    response = client.post(
        "/login/phone/verify",
        data={**FORM, "phone": PHONE, "code": wrong},
        follow_redirects=False,
    )

    assert response.status_code == 422
    assert "验证码错误或已过期，请重新获取" in response.text
    assert f'name="phone" value="{PHONE}"' in response.text
    assert "set-cookie" not in response.headers


def test_logging_out_ends_the_session(client: TestClient, session: Session) -> None:
    user = make_user(session)
    log_in(client, session, user)
    token = client.cookies.get(SESSION_COOKIE)
    assert token is not None
    assert client.get("/api/v1/me").status_code == 200

    response = client.post("/logout", data=FORM, follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    assert response.headers["set-cookie"].startswith(f'{SESSION_COOKIE}=""')
    client.cookies.set(SESSION_COOKIE, token)  # a stolen copy of the cookie no longer works
    assert client.get("/api/v1/me").status_code == 401


def test_a_page_that_needs_login_sends_the_visitor_to_the_login_page(
    client: TestClient, session: Session
) -> None:
    make_community(session, code="here")
    response = client.get("/c/here/ledger", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/c/here/ledger"


def test_an_overlong_username_is_a_wrong_login_not_a_server_error(client: TestClient) -> None:
    response = client.post("/login", data={**FORM, "username": "张" * 200, "password": "x" * 9})

    assert response.status_code == 422
    assert "用户名或密码错误" in response.text


def test_an_overlong_phone_is_a_wrong_code_not_a_server_error(client: TestClient) -> None:
    response = client.post("/login/phone/verify", data={**FORM, "phone": "1" * 200, "code": "1"})

    assert response.status_code == 422
