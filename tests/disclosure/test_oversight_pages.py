"""Supervisors land on a page made for them: their communities, each with its latest notice
and whether one is overdue; the staff workbench leads to the month's work."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from sunshine.identity.rules import Role
from sunshine.infra import clock
from tests.factories import PASSWORD
from tests.factories import log_in
from tests.factories import make_community
from tests.factories import make_user
from tests.ledger.books_support import FORM
from tests.ledger.books_support import book_october
from tests.ledger.books_support import community_with_books


@pytest.fixture(autouse=True)
def _november(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: date(2024, 11, 5))


def _landing(client: TestClient) -> str:
    return client.get("/welcome", follow_redirects=False).headers["location"]


def test_a_supervisor_sees_each_community_with_its_latest_notice_and_what_is_overdue(
    client: TestClient, session: Session
) -> None:
    setting = community_with_books(session)
    book_october(session, setting.books)
    log_in(client, session, setting.staff)
    publish = f"/api/v1/communities/{setting.code}/notices/2024-10/publish"
    assert client.post(publish, json={}).status_code == 201
    supervisor = make_user(session, community=setting.community, role=Role.SUPERVISOR)
    log_in(client, session, supervisor)

    page = client.get("/oversight")

    assert page.status_code == 200, page.text
    text = page.text
    assert "您监督的小区" in text
    assert f'href="/c/{setting.code}/notices/2024-10">2024年10月</a>' in text
    assert "发布于 2024年11月5日" in text  # China's day as people write it, no ISO date
    assert "1 期逾期" in text  # September's notice was never published
    assert 'href="/notices/overdue"' in text
    assert _landing(client) == "/oversight"


def test_the_city_supervisor_sees_every_community_and_owners_are_refused(
    client: TestClient, session: Session
) -> None:
    setting = community_with_books(session)
    quiet = make_community(session, name="无账小区")
    city = make_user(session, global_role=Role.CITY_SUPERVISOR)
    log_in(client, session, city)

    text = client.get("/oversight").text

    assert setting.community.name in text
    assert quiet.name in text
    assert "尚未发布" in text
    assert _landing(client) == "/oversight"
    log_in(client, session, setting.owner)
    assert client.get("/oversight").status_code == 403
    assert _landing(client) == f"/c/{setting.code}"


def test_a_login_with_nowhere_to_go_back_to_lands_by_role(
    client: TestClient, session: Session
) -> None:
    community = make_community(session)
    supervisor = make_user(session, community=community, role=Role.SUPERVISOR)
    admin = make_user(session, global_role=Role.PLATFORM_ADMIN)
    session.commit()

    logged_in = client.post(
        "/login", data={**FORM, "username": supervisor.username, "password": PASSWORD}
    )

    assert logged_in.status_code == 200
    assert str(logged_in.url).endswith("/oversight")
    client.cookies.clear()
    log_in(client, session, admin)
    assert _landing(client) == "/admin/communities"
    client.cookies.clear()
    assert _landing(client) == "/login"


def test_the_staff_workbench_leads_to_notices_budgets_and_reports(
    client: TestClient, session: Session
) -> None:
    setting = community_with_books(session)
    log_in(client, session, setting.staff)

    text = client.get(f"/c/{setting.code}/registry").text

    for path in ("notices", "budget", "ledger/reports", "ledger/new", "board"):
        assert f'href="/c/{setting.code}/{path}"' in text, path


def test_the_oversight_page_follows_the_chosen_language_with_its_dates(
    client: TestClient, session: Session
) -> None:
    setting = community_with_books(session)
    book_october(session, setting.books)
    log_in(client, session, setting.staff)
    assert client.post(f"/api/v1/communities/{setting.code}/notices/2024-10/publish", json={})
    log_in(client, session, make_user(session, community=setting.community, role=Role.SUPERVISOR))
    english_browser = {"Accept-Language": "en-US,en;q=0.9"}

    client.get("/lang/en", params={"next": "/oversight"})
    english = client.get("/oversight").text
    client.get("/lang/zh_CN", params={"next": "/oversight"})
    chinese = client.get("/oversight", headers=english_browser).text  # the choice wins

    assert "Communities you oversee" in english
    assert ">Oct 2024</a>" in english
    assert "published on 5 Nov 2024" in english
    assert "您监督的小区" in chinese
    assert "发布于 2024年11月5日" in chinese
    assert "2024-11-05" not in english + chinese
