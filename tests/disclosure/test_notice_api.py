"""The notices' JSON API through the real app: preview, publish, read, versions, bundle, rights."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from sunshine.identity.rules import Role
from sunshine.infra import clock
from sunshine.transparency import service as log
from sunshine.transparency.rules import verifier
from tests.factories import log_in
from tests.factories import make_user
from tests.ledger.books_support import book_october
from tests.ledger.books_support import community_with_books


@pytest.fixture(autouse=True)
def _november(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: date(2024, 11, 5))


def test_staff_preview_and_publish_then_owners_read_it_and_the_bundle_verifies(
    client: TestClient, session: Session
) -> None:
    setting = community_with_books(session)
    book_october(session, setting.books)
    base = f"/api/v1/communities/{setting.code}/notices"
    log_in(client, session, setting.staff)

    preview = client.get(f"{base}/2024-10/preview")
    assert preview.status_code == 200, preview.text
    assert preview.json()["spending"]["total_fen"] == 961858
    published = client.post(f"{base}/2024-10/publish", json={})
    assert published.status_code == 201, published.text

    log_in(client, session, setting.owner)
    read = client.get(f"{base}/2024-10").json()
    assert read["notice"]["version"] == 1
    assert read["record"]["spending"]["total_fen"] == 961858
    assert [v["version"] for v in read["versions"]] == [1]
    checkpoint = read["checkpoint"]
    assert checkpoint["tree_size"] == read["notice"]["checkpoint_size"]
    assert len(checkpoint["fingerprint"]) == 19
    assert f"size={checkpoint['tree_size']}" in read["verify_url"]
    logged = log.get_record(session, setting.community.id, read["notice"]["log_seq"])
    assert logged.body.decode() == read["record_text"]
    assert client.get(base).json()[0]["period"] == "2024-10"
    bundle = client.get(f"{base}/2024-10/bundle").json()
    keys = [key.text() for key in log.public_keys(session, setting.community.id)]
    assert verifier.verify_bundle(bundle, trusted_keys=keys).ok
    calendar = client.get(f"{base}/calendar").json()
    assert [(s["last"], s["status"]) for s in calendar] == [
        ("2024-09", "overdue"),
        ("2024-10", "published"),
    ]


def test_owners_neither_preview_nor_publish(client: TestClient, session: Session) -> None:
    setting = community_with_books(session)
    book_october(session, setting.books)
    base = f"/api/v1/communities/{setting.code}/notices"
    log_in(client, session, setting.owner)
    assert client.get(f"{base}/2024-10/preview").status_code == 403
    assert client.post(f"{base}/2024-10/publish", json={}).status_code == 403
    assert client.get(f"{base}/2024-10").status_code == 404


def test_a_second_version_needs_a_reason_and_a_change(client: TestClient, session: Session) -> None:
    setting = community_with_books(session)
    book_october(session, setting.books)
    base = f"/api/v1/communities/{setting.code}/notices"
    log_in(client, session, setting.staff)
    assert client.post(f"{base}/2024-10/publish", json={}).status_code == 201

    no_reason = client.post(f"{base}/2024-10/publish", json={})
    assert no_reason.status_code == 422
    assert [p["code"] for p in no_reason.json()["error"]["problems"]] == ["reason"]
    unchanged = client.post(f"{base}/2024-10/publish", json={"reason": "再发一次"})
    assert unchanged.status_code == 409
    assert client.get(f"{base}/2024-13").status_code == 422


def test_supervisors_see_overdue_notices_and_owners_do_not(
    client: TestClient, session: Session
) -> None:
    setting = community_with_books(session)
    book_october(session, setting.books)
    supervisor = make_user(session, community=setting.community, role=Role.SUPERVISOR)
    log_in(client, session, supervisor)
    found = client.get("/api/v1/notices/overdue")
    assert found.status_code == 200, found.text
    assert [(o["community"], o["slot"]["last"], o["slot"]["status"]) for o in found.json()] == [
        (setting.code, "2024-09", "overdue")
    ]  # October is due on 2024-11-10: not yet overdue on 2024-11-05
    log_in(client, session, setting.owner)
    assert client.get("/api/v1/notices/overdue").status_code == 403


def test_the_overdue_page_lists_them_for_supervisors_in_chinese(
    client: TestClient, session: Session
) -> None:
    setting = community_with_books(session)
    book_october(session, setting.books)
    supervisor = make_user(session, community=setting.community, role=Role.SUPERVISOR)
    log_in(client, session, supervisor)
    client.cookies.set("sunshine_lang", "zh_CN")
    page = client.get("/notices/overdue")
    assert page.status_code == 200, page.text
    assert "逾期" in page.text
    assert f'href="/c/{setting.code}/notices"' in page.text
    assert "2024-09" in page.text
    log_in(client, session, setting.owner)
    assert client.get("/notices/overdue").status_code == 403
