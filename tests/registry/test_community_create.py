"""A platform admin creates a community (service, admin page, API), then fills it by roster
import; nobody else may, and a refused community names every bad field."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from sunshine.entrypoints.cli import app
from sunshine.identity import service as identity
from sunshine.identity.rules import Role
from sunshine.kernel.errors import Invalid
from sunshine.registry import service as registry
from sunshine.registry.cli import community as community_cli
from sunshine.registry.schemas import community_draft
from tests.factories import log_in
from tests.factories import make_community
from tests.factories import make_user

FORM = {"csrf_token": "test-csrf-token"}
NEW = {
    "code": "XHJY",
    "name": " 新华佳园 ",
    "city": "常州市",
    "district": "天宁区",
    "street": "红梅街道",
    "neighbourhood": "新华社区",
    "address": "新华路1号",
    "trustee_company": "阳光物业",
    "trustee_since": "2025-01-01",
    "built_year": "2003",
}


def _codes(exc: pytest.ExceptionInfo[Invalid]) -> list[tuple[str, str | None]]:
    return [(p.code, p.where) for p in exc.value.problems]


def test_the_service_creates_a_community_from_typed_facts(session: Session) -> None:
    community = registry.create_community(session, community_draft(NEW))

    assert (community.code, community.name, community.street) == ("xhjy", "新华佳园", "红梅街道")
    assert community.built_year == 2003
    assert community.trustee_since is not None
    assert community.trustee_since.isoformat() == "2025-01-01"
    assert registry.get_community(session, "xhjy").id == community.id


def test_every_bad_fact_is_named_at_once(session: Session) -> None:
    bad = {
        **NEW,
        "code": "新华 佳园",
        "name": "",
        "built_year": "03",
        "trustee_since": "2025-13-01",
    }
    with pytest.raises(Invalid) as refused:
        community_draft({**bad, "committee_kind": "council", "address": "路" * 201})

    assert sorted(_codes(refused)) == [
        ("bad_date", "trustee_since"),
        ("built_year", "built_year"),
        ("code_ascii", "code"),
        ("committee_kind", "committee_kind"),
        ("required", "name"),
        ("too_long", "address"),
    ]


def test_a_taken_code_is_refused(session: Session) -> None:
    make_community(session, code="xhjy")

    with pytest.raises(Invalid) as refused:
        registry.create_community(session, community_draft(NEW))

    assert _codes(refused) == [("code_taken", "code")]


def test_the_admin_creates_one_on_the_page_and_goes_on_to_its_roster(
    client: TestClient, session: Session
) -> None:
    make_community(session, code="jc", name="荆川东园")
    log_in(client, session, make_user(session, global_role=Role.PLATFORM_ADMIN))

    listing = client.get("/admin/communities")
    created = client.post("/admin/communities", data={**FORM, **NEW}, follow_redirects=False)
    roster = client.get(created.headers["location"])

    assert "荆川东园" in listing.text
    assert 'action="/admin/communities"' in listing.text
    assert created.status_code == 303
    assert created.headers["location"] == "/c/xhjy/registry/roster"
    assert roster.status_code == 200
    assert "新华佳园" in client.get("/admin/communities").text


def test_a_refused_form_comes_back_with_the_problems_and_what_was_typed(
    client: TestClient, session: Session
) -> None:
    log_in(client, session, make_user(session, global_role=Role.PLATFORM_ADMIN))

    page = client.post("/admin/communities", data={**FORM, **NEW, "code": "新华", "city": ""})

    assert page.status_code == 422
    assert "小区未创建" in page.text
    assert "只能使用拉丁字母" in page.text
    assert 'value="新华路1号"' in page.text  # what was typed comes back
    assert registry.find_community(session, "xhjy") is None


def test_only_the_platform_admin_may_create_one(client: TestClient, session: Session) -> None:
    community = make_community(session, code="jc")
    log_in(client, session, make_user(session, community=community, role=Role.TRUSTEE_MANAGER))

    assert client.get("/admin/communities").status_code == 403
    refused = client.post("/admin/communities", data={**FORM, **NEW})
    assert refused.status_code == 403
    assert client.post("/api/v1/communities", json={**NEW, "built_year": 2003}).status_code == 403
    assert registry.find_community(session, "xhjy") is None


def test_the_api_creates_one_with_201_or_refuses_with_every_problem(
    client: TestClient, session: Session
) -> None:
    log_in(client, session, make_user(session, global_role=Role.PLATFORM_ADMIN))
    body = {**NEW, "built_year": 2003}

    created = client.post("/api/v1/communities", json=body)
    again = client.post("/api/v1/communities", json=body)

    assert created.status_code == 201, created.text
    assert created.json()["code"] == "xhjy"
    assert created.json()["trustee_company"] == "阳光物业"
    assert again.status_code == 422
    assert [p["code"] for p in again.json()["error"]["problems"]] == ["code_taken"]


def _watched_street(session: Session) -> tuple[int, int]:
    """红梅街道 has a community and its supervisor; another street has its own; the ids."""
    ours = registry.create_community(session, community_draft({**NEW, "code": "hm1"}))
    theirs = registry.create_community(
        session, community_draft({**NEW, "code": "yh1", "street": "永红街道"})
    )
    ours_supervisor = make_user(session, community=ours, role=Role.SUPERVISOR)
    make_user(session, community=theirs, role=Role.SUPERVISOR)
    return ours_supervisor.id, theirs.id


def _supervisors(session: Session, code: str) -> list[int]:
    community = registry.get_community(session, code)
    members = identity.list_members(session, community.id)
    return [user.id for user, role in members if role is Role.SUPERVISOR]


def test_a_new_community_is_watched_by_its_street_office_s_supervisors_from_every_edge(
    client: TestClient,
    session: Session,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    supervisor, _elsewhere = _watched_street(session)
    admin = make_user(session, global_role=Role.PLATFORM_ADMIN)

    @contextmanager
    def same_session(**_options: bool) -> Iterator[Session]:
        yield session

    monkeypatch.setattr(community_cli, "open_session", same_session)
    caplog.set_level(logging.INFO, logger="sunshine.identity")
    typed = ["--city", NEW["city"], "--district", NEW["district"], "--street", NEW["street"],
             "--neighbourhood", NEW["neighbourhood"]]  # fmt: skip
    by_cli = CliRunner().invoke(
        app, ["community", "create", "--code", "cli1", "--name", "甲", *typed]
    )
    log_in(client, session, admin)
    by_page = client.post("/admin/communities", data={**FORM, **NEW, "code": "page1"})
    by_api = client.post("/api/v1/communities", json={**NEW, "code": "api1", "built_year": 2003})

    assert by_cli.exit_code == 0, by_cli.output
    assert by_page.status_code == 200, by_page.text  # the roster it goes on to
    assert by_api.status_code == 201, by_api.text
    for code in ("cli1", "page1", "api1"):
        assert _supervisors(session, code) == [supervisor], code  # not the other street's
    granted = [r.getMessage() for r in caplog.records if "granted" in r.getMessage()]
    assert sum(f"role supervisor granted to user {supervisor}" in m for m in granted) == 3
