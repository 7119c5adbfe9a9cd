"""The joint meeting's pages: owners read published minutes (overdue in red), staff record.

Permissions: someone logged out is sent to log in, a stranger gets 404, an owner reads but
may not record (403), and those who record (staff, committee) see drafts and the forms.
"""

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

FORM = {"csrf_token": "test-csrf-token"}


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: date(2024, 9, 15))


def _published(session: Session, community: Community) -> int:
    meeting = recorded_meeting(session, community.id)
    meetings.publish(session, community.id, meeting.id, on=HELD_ON, actor_id=None)
    return meeting.id


def test_an_owner_reads_the_minutes_with_the_overdue_action_in_red(
    client: TestClient, session: Session
) -> None:
    community = make_community(session)
    number = _published(session, community)
    draft = recorded_meeting(session, community.id)
    log_in(client, session, make_user(session, community=community, role=Role.OWNER))
    listed = client.get(f"/c/{community.code}/meetings")
    assert listed.status_code == 200, listed.text
    assert "四方联席会议：道闸与停车" in listed.text
    assert '<li class="bad">' in listed.text  # the overdue action, flagged
    assert "道闸落杆启用" in listed.text
    one = client.get(f"/c/{community.code}/meetings/{number}")
    assert one.status_code == 200
    page = one.text
    assert "刘**" in page  # names masked for owners
    assert "刘建国" not in page
    assert '<tr class="bad">' in page  # due 31 August, still open on 15 September
    assert page.count('<tr class="bad">') == 1  # the other is due 30 September
    assert "expense:1" in page
    assert "道闸于9月1日启用" in page
    assert client.get(f"/c/{community.code}/meetings/{number}/print").status_code == 200
    assert client.get(f"/c/{community.code}/meetings/{draft.id}").status_code == 404
    assert client.get(f"/c/{community.code}/meetings/manage").status_code == 403
    refused = client.post(f"/c/{community.code}/meetings/manage/{draft.id}/minutes",
                          data={**FORM, "minutes": "x"}, follow_redirects=False)  # fmt: skip
    assert refused.status_code == 403
    home = client.get(f"/c/{community.code}")
    assert f'href="/c/{community.code}/meetings"' in home.text


def test_logged_out_is_sent_to_log_in_and_a_stranger_finds_nothing(
    client: TestClient, session: Session
) -> None:
    community, other = make_community(session), make_community(session)
    number = _published(session, community)
    for path in ("/meetings", f"/meetings/{number}", "/meetings/manage"):
        reply = client.get(f"/c/{community.code}{path}", follow_redirects=False)
        assert reply.status_code == 303, path
        assert reply.headers["location"].startswith("/login")
    stranger = make_user(session, community=session.get(Community, other.id), role=Role.OWNER)
    log_in(client, session, stranger)
    assert client.get(f"/c/{community.code}/meetings").status_code == 404
    assert client.get(f"/c/{community.code}/meetings/{number}").status_code == 404


def test_staff_record_a_meeting_through_the_forms(client: TestClient, session: Session) -> None:
    community = make_community(session)
    log_in(client, session, make_user(session, community=community, role=Role.TRUSTEE_STAFF))
    base = f"/c/{community.code}/meetings/manage"
    assert client.get(base).status_code == 200
    made = client.post(base, data={**FORM, "title": "四方联席会议", "held_on": "2024-08-20",
                                   "place": "会议室"}, follow_redirects=False)  # fmt: skip
    assert made.status_code == 303, made.text
    path = made.headers["location"]
    number = int(path.rsplit("/", 1)[-1])

    def post(step: str, **data: str) -> int:
        return client.post(f"{path}/{step}", data={**FORM, **data},
                           follow_redirects=False).status_code  # fmt: skip

    for party in ("party_committee", "grid_branch", "committee"):
        assert post("attend", party=party, organisation=f"{party}单位", name="张三") == 303
    page = client.get(path).text
    assert "无人参会" in page  # the trustee is still missing
    assert post("attend", party="trustee", organisation="鼎盛物业", role="项目经理") == 303
    assert post("agenda", item="道闸系统更换") == 303
    assert post("minutes", minutes="会议听取了汇报。") == 303
    assert post("minutes", minutes="电话13812345678") == 422
    assert post("resolve", resolution="道闸于9月1日启用") == 303
    assert post("action", text="道闸落杆", party="trustee", owner="项目经理",
                due_on="2024-08-31", refs="expense:1，decision:2") == 303  # fmt: skip
    assert post("action", text="x", party="trustee", owner="y", due_on="2024-08-31",
                refs="invoice:1") == 422  # fmt: skip
    page = client.get(path).text
    assert "张三" in page  # staff see names as entered
    assert '<tr class="bad">' in page  # due 31 August, open on 15 September
    assert post("publish", on="2024-08-22") == 303
    assert post("minutes", minutes="改写") == 409  # published: locked
    [action] = meetings.actions_of(session, community.id, number)
    assert post(f"actions/{action.id}/done", on="2024-08-30") == 303
    assert post("correct", reason="笔误", on="2024-08-23", minutes="会议听取了汇报（更正）。",
                resolutions="道闸于9月1日启用") == 303  # fmt: skip
    assert [v.version for v in meetings.versions(session, community.id, number)] == [1, 2]
    owner_view = client.get(f"/c/{community.code}/meetings/{number}").text
    assert "笔误" in owner_view
    assert '<tr class="bad">' not in owner_view


def test_a_committee_member_records_too(client: TestClient, session: Session) -> None:
    community = make_community(session)
    draft = recorded_meeting(session, community.id)
    log_in(client, session, make_user(session, community=community, role=Role.COMMITTEE))
    assert client.get(f"/c/{community.code}/meetings/manage/{draft.id}").status_code == 200
    assert client.get(f"/c/{community.code}/meetings/{draft.id}").status_code == 200
