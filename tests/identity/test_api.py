"""The identity JSON API at /api/v1: login, codes, logout and "who am I"."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from sunshine.identity.rules import Role
from sunshine.identity.service.senders import LogSender
from sunshine.infra.settings import get_settings
from sunshine.infra.web import CSRF_HEADER
from sunshine.infra.web import SESSION_COOKIE
from tests.factories import PASSWORD
from tests.factories import log_in
from tests.factories import make_community
from tests.factories import make_user

PHONE = "13800000003"


@pytest.fixture
def code_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LogSender:
    path = tmp_path / "login-codes.log"
    monkeypatch.setattr(get_settings(), "code_log", path)
    return LogSender(path)


def test_me_requires_login(client: TestClient) -> None:
    response = client.get("/api/v1/me")

    assert response.status_code == 401
    assert response.json() == {
        "error": {"type": "Unauthenticated", "message": "请先登录", "problems": []}
    }


def test_me_lists_roles_per_community_and_city_wide_roles(
    client: TestClient, session: Session
) -> None:
    community = make_community(session)
    user = make_user(session, community=community, role=Role.COMMITTEE)
    make_user(session)  # someone else, not shown
    log_in(client, session, user)

    response = client.get("/api/v1/me")

    assert response.status_code == 200
    assert response.json() == {
        "user_id": user.id,
        "display_name": user.display_name,
        "roles": {str(community.id): ["committee"]},
        "global_roles": [],
    }


def test_me_shows_a_city_wide_role(client: TestClient, session: Session) -> None:
    user = make_user(session, global_role=Role.PLATFORM_ADMIN)
    log_in(client, session, user)

    assert client.get("/api/v1/me").json()["global_roles"] == ["platform_admin"]


def test_an_api_login_sets_the_cookie_and_says_who_logged_in(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)

    response = client.post(
        "/api/v1/auth/login", json={"username": user.username, "password": PASSWORD}
    )

    assert response.status_code == 200
    assert response.json() == {"user_id": user.id, "display_name": user.display_name}
    assert "HttpOnly" in response.headers["set-cookie"]
    assert client.get("/api/v1/me").json()["user_id"] == user.id


def test_an_api_login_with_a_wrong_password_is_422_in_chinese(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)

    response = client.post(
        "/api/v1/auth/login", json={"username": user.username, "password": "wrong-wrong"}
    )

    assert response.status_code == 422
    assert response.json()["error"]["message"] == "用户名或密码错误"
    assert "set-cookie" not in response.headers


def test_an_api_login_with_an_unknown_field_is_refused(client: TestClient) -> None:
    response = client.post(
        "/api/v1/auth/login", json={"username": "a", "password": "b", "admin": True}
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "extra_forbidden"


def test_an_api_post_without_the_csrf_header_is_refused(
    client: TestClient, session: Session
) -> None:
    user = make_user(session)
    del client.headers[CSRF_HEADER]

    response = client.post(
        "/api/v1/auth/login", json={"username": user.username, "password": PASSWORD}
    )

    assert response.status_code == 403
    assert response.json()["error"]["type"] == "Forbidden"


def test_a_phone_code_logs_in_through_the_api(
    client: TestClient, session: Session, code_log: LogSender
) -> None:
    user = make_user(session, phone=PHONE)

    asked = client.post("/api/v1/auth/code", json={"phone": "+86 138-0000-0003"})
    assert asked.status_code == 202
    assert asked.json() == {"accepted": True}
    code = code_log.recent()[0]["code"]
    response = client.post("/api/v1/auth/code/verify", json={"phone": PHONE, "code": code})

    assert response.status_code == 200
    assert response.json() == {"user_id": user.id, "display_name": user.display_name}
    assert client.get("/api/v1/me").json()["user_id"] == user.id


def test_an_unknown_phone_gets_the_same_api_answer_and_no_code(
    client: TestClient, code_log: LogSender
) -> None:
    response = client.post("/api/v1/auth/code", json={"phone": "13999999999"})

    assert response.status_code == 202
    assert response.json() == {"accepted": True}
    assert code_log.recent() == []


def test_a_wrong_code_through_the_api_is_422(
    client: TestClient, session: Session, code_log: LogSender
) -> None:
    make_user(session, phone=PHONE)
    client.post("/api/v1/auth/code", json={"phone": PHONE})

    response = client.post("/api/v1/auth/code/verify", json={"phone": PHONE, "code": "x"})

    assert response.status_code == 422
    assert response.json()["error"]["message"] == "验证码错误或已过期，请重新获取"


def test_an_api_logout_ends_the_session(client: TestClient, session: Session) -> None:
    user = make_user(session)
    log_in(client, session, user)
    token = client.cookies.get(SESSION_COOKIE)
    assert token is not None

    response = client.post("/api/v1/auth/logout")

    assert response.status_code == 204
    client.cookies.set(SESSION_COOKIE, token)
    assert client.get("/api/v1/me").status_code == 401
