"""Issue 12: `/` is a public page; an unknown page answers a page in the site's style."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from sunshine.identity.rules import Role
from sunshine.infra.settings import Settings
from sunshine.infra.settings import pay_channel_problem
from sunshine.infra.settings import public_url_problem
from sunshine.infra.settings import start_up_problems
from sunshine.registry.service import publicity
from tests.factories import log_in
from tests.factories import make_community
from tests.factories import make_user


def test_logged_out_the_front_page_lists_public_communities_and_offers_phone_login_first(
    client: TestClient, session: Session
) -> None:
    make_community(session, code="open", name="公开小区")
    make_community(session, code="shut", name="内部小区").public_disclosure = False
    session.flush()

    page = client.get("/", cookies={"sunshine_lang": "zh_CN"})

    assert page.status_code == 200
    assert "公开小区" in page.text
    assert "内部小区" not in page.text
    assert "尚未发布公示" in page.text  # no notice yet
    phone, staff = page.text.index('href="/login/phone"'), page.text.index('href="/login"')
    assert phone < staff


def test_the_front_page_searches_by_name_and_pages_a_long_list(
    client: TestClient, session: Session
) -> None:
    for n in range(publicity.PAGE_SIZE + 3):
        make_community(session, code=f"city{n:02d}", name=f"城市花园{n:02d}")
    make_community(session, code="lake", name="湖畔人家")

    found = client.get("/", params={"q": "湖畔"})
    first, second = client.get("/"), client.get("/", params={"page": 2})

    assert "湖畔人家" in found.text
    assert "城市花园00" not in found.text
    assert "城市花园00" in first.text
    assert "城市花园22" not in first.text
    assert "城市花园22" in second.text
    assert 'page=1"' in second.text.replace("&amp;", "&")


def test_a_member_of_one_community_goes_straight_to_it_and_sees_a_private_one(
    client: TestClient, session: Session
) -> None:
    mine = make_community(session, code="mine", name="我的小区")
    mine.public_disclosure = False
    make_community(session, code="other", name="别的小区")
    log_in(client, session, make_user(session, community=mine, role=Role.OWNER))

    straight = client.get("/", follow_redirects=False)
    listed = client.get("/", params={"page": 1, "q": "小区"})

    assert straight.headers["location"] == "/c/mine"
    assert "我的小区" in listed.text
    assert "别的小区" in listed.text


def test_an_unknown_page_answers_a_404_page_and_the_api_keeps_json(client: TestClient) -> None:
    page = client.get("/no-such-page", cookies={"sunshine_lang": "zh_CN"})
    english = client.get("/no-such-page", cookies={"sunshine_lang": "en"})
    api = client.get("/api/v1/no-such-thing")

    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "<h1>找不到页面</h1>" in page.text
    assert "/static/sunshine.css" in page.text  # the site's own page
    assert "Page not found" in english.text
    assert api.status_code == 404
    assert api.json() == {"detail": "Not Found"}


def test_a_wrong_method_answers_a_405_page_with_allow(client: TestClient) -> None:
    page = client.delete("/login", cookies={"sunshine_lang": "zh_CN"})
    api = client.delete("/api/v1/me")

    assert page.status_code == 405
    assert "这个页面不接受 DELETE 请求" in page.text
    assert "GET" in page.headers["allow"]
    assert api.status_code == 405
    assert api.json() == {"detail": "Method Not Allowed"}


@pytest.mark.parametrize(
    ("url", "sender", "host", "warned"),
    [
        ("http://127.0.0.1:8000", "log", "127.0.0.1", False),  # development
        ("http://127.0.0.1:8000", "log", None, False),
        ("http://127.0.0.1:8000", "log", "0.0.0.0", True),  # serving others, QR to loopback
        ("http://localhost:8000", "sms", None, True),  # a real code sender: not development
        ("http://[::1]:8000", "sms", None, True),
        ("http://0.0.0.0:8000", "log", "0.0.0.0", True),
        ("https://wuye.example.cn", "sms", "0.0.0.0", False),
        ("http://192.168.1.20:8000", "log", "0.0.0.0", False),
    ],
)
def test_the_app_warns_when_the_qr_codes_would_lead_to_this_machine_only(
    url: str, sender: str, host: str | None, warned: bool
) -> None:
    settings = Settings(public_url=url, code_sender=sender)

    assert (public_url_problem(settings, serving_host=host) is not None) is warned


@pytest.mark.parametrize(
    ("channel", "sender", "host", "warned"),
    [
        ("development", "log", "127.0.0.1", False),  # the demo on this machine
        ("development", "log", None, False),
        ("development", "log", "0.0.0.0", True),  # others could mark their orders paid
        ("development", "sms", None, True),  # a real code sender: owners use this server
        ("wechat", "sms", "0.0.0.0", False),
        ("alipay", "log", "0.0.0.0", False),
    ],
)
def test_the_app_warns_when_online_payments_would_not_be_real(
    channel: str, sender: str, host: str | None, warned: bool
) -> None:
    settings = Settings(
        pay_channel=channel, code_sender=sender, public_url="https://wuye.example.cn"
    )

    assert (pay_channel_problem(settings, serving_host=host) is not None) is warned
    assert (len(start_up_problems(settings, serving_host=host)) == 1) is warned


def test_the_disclosure_command_shows_and_sets_the_setting(
    cli_database: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from sunshine.entrypoints.cli import app
    from sunshine.infra.db import open_session

    with open_session(writes=True) as session:
        make_community(session, code="cli", name="命令小区")
        session.commit()
    runner = CliRunner()

    shown = runner.invoke(app, ["disclosure", "cli"])
    closed = runner.invoke(app, ["disclosure", "cli", "--private"])
    missing = runner.invoke(app, ["disclosure", "nope", "--public"])

    assert "public: anyone may read the notices" in shown.output
    assert "members only" in closed.output
    with open_session() as session:
        assert publicity.directory(session).total == 0  # no public community is left
    assert type(missing.exception).__name__ == "NotFound"  # `main` prints it and exits 2
