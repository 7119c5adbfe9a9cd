"""The joint meeting's JSON API: owners read published meetings (names masked), staff record."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from sunshine.governance.service import meetings
from sunshine.identity.rules import Role
from sunshine.infra import clock
from sunshine.registry.models import Community
from tests.factories import log_in
from tests.factories import make_community
from tests.factories import make_user
from tests.governance.meetings_setup import HELD_ON
from tests.governance.meetings_setup import recorded_meeting


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: date(2024, 9, 15))


def _base(community: Community) -> str:
    return f"/api/v1/communities/{community.code}/governance/meetings"


def test_an_owner_reads_published_meetings_with_names_masked_and_overdue_flagged(
    client: TestClient, session: Session
) -> None:
    community = make_community(session)
    draft = recorded_meeting(session, community.id)
    published = recorded_meeting(session, community.id)
    meetings.publish(session, community.id, published.id, on=HELD_ON, actor_id=None)
    base = _base(community)
    assert client.get(base).status_code == 401
    log_in(client, session, make_user(session, community=community, role=Role.OWNER))
    listed = client.get(base)
    assert listed.status_code == 200, listed.text
    [shown] = listed.json()
    assert shown["id"] == published.id
    assert shown["joint"] is True
    assert [a["name"] for a in shown["attendees"]] == ["陈**", "王**", "李**", "刘**"]
    assert "刘建国" not in listed.text
    gate, cars = shown["actions"]
    assert (gate["owner"], gate["overdue"], gate["refs"]) == ("刘**", True, ["expense:1"])
    assert cars["overdue"] is False  # due 30 September
    assert shown["versions"][0]["record"]["version"] == 1
    assert client.get(f"{base}/{draft.id}").status_code == 404  # a draft is not shown
    [late] = client.get(f"{base}/overdue").json()
    assert late["id"] == gate["id"]
    refused = client.post(base, json={"title": "x", "held_on": "2024-08-20", "place": "y"})
    assert refused.status_code == 403


def test_a_stranger_learns_nothing(client: TestClient, session: Session) -> None:
    community, other = make_community(session), make_community(session)
    meeting = recorded_meeting(session, community.id)
    meetings.publish(session, community.id, meeting.id, on=HELD_ON, actor_id=None)
    stranger = make_user(session, community=session.get(Community, other.id), role=Role.OWNER)
    log_in(client, session, stranger)
    assert client.get(_base(community)).status_code == 404
    assert client.get(f"{_base(community)}/{meeting.id}").status_code == 404


def test_staff_record_publish_and_correct_a_meeting(client: TestClient, session: Session) -> None:
    community = make_community(session)
    log_in(client, session, make_user(session, community=community, role=Role.TRUSTEE_STAFF))
    base = _base(community)
    made = client.post(base, json={"title": "四方联席会议", "held_on": "2024-08-20",
                                   "place": "会议室"})  # fmt: skip
    assert made.status_code == 201, made.text
    number = made.json()["id"]
    assert made.json()["missing"] == ["party_committee", "grid_branch", "committee", "trustee"]
    for party in ("party_committee", "grid_branch", "committee", "trustee"):
        one = client.post(f"{base}/{number}/attendees",
                          json={"party": party, "organisation": f"{party}单位", "name": "张三"})  # fmt: skip
        assert one.status_code == 200, one.text
    assert one.json()["joint"] is True
    assert one.json()["attendees"][0]["name"] == "张三"  # staff see names as entered
    assert client.post(f"{base}/{number}/agenda", json={"text": "道闸"}).status_code == 200
    assert client.put(f"{base}/{number}/minutes", json={"text": "纪要"}).status_code == 200
    assert client.post(f"{base}/{number}/resolutions", json={"text": "决议"}).status_code == 200
    action = client.post(f"{base}/{number}/actions", json={
        "text": "落杆", "party": "trustee", "owner": "项目经理", "due_on": "2024-08-31",
        "refs": ["expense:1"]})  # fmt: skip
    assert action.status_code == 201, action.text
    bad = client.post(f"{base}/{number}/actions", json={
        "text": "x", "party": "trustee", "owner": "y", "due_on": "2024-08-31",
        "refs": ["invoice:1"]})  # fmt: skip
    assert bad.status_code == 422
    phone = client.put(f"{base}/{number}/minutes", json={"text": "电话13812345678"})
    assert phone.status_code == 422
    published = client.post(f"{base}/{number}/publish", json={"on": "2024-08-22"})
    assert published.status_code == 200, published.text
    assert published.json()["version"] == 1
    assert client.put(f"{base}/{number}/minutes", json={"text": "改"}).status_code == 409
    done = client.post(f"{base}/actions/{action.json()['id']}/done", json={"on": "2024-08-30"})
    assert done.status_code == 200, done.text
    assert done.json()["done_on"] == "2024-08-30"
    fixed = client.post(f"{base}/{number}/corrections",
                        json={"reason": "笔误", "on": "2024-08-23", "minutes": "纪要（更正）"})  # fmt: skip
    assert fixed.status_code == 200, fixed.text
    assert [v["version"] for v in fixed.json()["versions"]] == [1, 2]
    assert fixed.json()["versions"][1]["record"]["reason"] == "笔误"


def test_a_committee_member_records_and_an_owner_may_not(
    client: TestClient, session: Session
) -> None:
    community = make_community(session)
    meeting = recorded_meeting(session, community.id)
    base = _base(community)
    log_in(client, session, make_user(session, community=community, role=Role.OWNER))
    assert client.put(f"{base}/{meeting.id}/minutes", json={"text": "x"}).status_code == 403
    assert client.post(f"{base}/{meeting.id}/publish", json={"on": "2024-08-22"}).status_code == 403
    log_in(client, session, make_user(session, community=community, role=Role.COMMITTEE))
    assert client.get(f"{base}/{meeting.id}").status_code == 200  # drafts: for who records
    assert client.post(f"{base}/{meeting.id}/publish", json={"on": "2024-08-22"}).status_code == 200
