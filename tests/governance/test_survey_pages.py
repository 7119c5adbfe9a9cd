"""The survey and announcement pages: staff open and enter, an owner answers, the result prints."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from sunshine.governance.service import surveys
from sunshine.identity.rules import Role
from sunshine.infra import clock
from sunshine.registry import service as registry
from sunshine.registry.models import Community
from tests.factories import log_in
from tests.factories import make_user
from tests.governance.votes_setup import place


def test_a_survey_from_the_staff_form_to_the_printed_result(
    client: TestClient, session: Session
) -> None:
    p = place(session)
    community = session.get(Community, p.cid)
    assert community is not None
    base = f"/c/{community.code}/surveys"
    staff = make_user(session, community=community, role=Role.TRUSTEE_STAFF)
    owner = make_user(session, community=community, role=Role.OWNER)
    registry.link_login(session, p.cid, party_id=p.owners[0], user_id=owner.id)
    log_in(client, session, staff)
    assert client.get(f"{base}/new").status_code == 200
    today = clock.today()
    made = client.post(
        base,
        data={
            "title": "东门空地改作停车场意见征求",
            "question": "是否同意东门空地改作停车场？",
            "options": "同意\n不同意",
            "asked_of": "owners",
            "opens_on": today.isoformat(),
            "closes_on": today.isoformat(),
        },
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    page = made.headers["location"]
    survey_id = int(page.rsplit("/", 1)[1])
    entered = client.post(
        f"{page}/responses", data={"unit": "1-1-102", "channel": "phone", "q1": "2"},
        follow_redirects=False,
    )  # fmt: skip
    assert entered.status_code == 303, entered.text
    refused = client.post(f"{page}/responses", data={"unit": "9-9-999", "channel": "door"})
    assert refused.status_code == 422
    # the owner answers online for their own unit, sees no count while it is open
    log_in(client, session, owner)
    shown = client.get(page)
    assert "意见征求，不具表决效力" in shown.text
    assert 'name="q1"' in shown.text
    assert "result.pdf" not in shown.text
    answered = client.post(
        f"{page}/answer", data={"unit": str(p.units[0]), "q1": "1"}, follow_redirects=False
    )
    assert answered.status_code == 303, answered.text
    assert (
        client.post(f"{page}/answer", data={"unit": str(p.units[1]), "q1": "1"}).status_code == 403
    )
    assert client.post(f"{page}/responses", data={"unit": "1-1-101"}).status_code == 403
    assert client.post(f"{page}/close").status_code == 403
    assert client.get(f"{page}/result.pdf").status_code == 403
    # staff close it today, its last day: the result is logged and prints
    log_in(client, session, staff)
    assert client.post(f"{page}/close", follow_redirects=False).status_code == 303
    record = surveys.record_of(surveys.get_survey(session, p.cid, survey_id))
    options = record["result"]["questions"][0]["options"]
    assert [(o["count"], o["percent"]) for o in options] == [(1, "50.0"), (1, "50.0")]
    assert record["result"]["channels"] == {"online": 1, "door": 0, "phone": 1, "paper": 0}
    log_in(client, session, owner)
    result = client.get(page)
    assert "50.0%" in result.text
    pdf = client.get(f"{page}/result.pdf")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert "不具表决效力" in client.get(base).text


def test_announcements_are_published_by_staff_and_printed_for_the_board(
    client: TestClient, session: Session
) -> None:
    p = place(session)
    community = session.get(Community, p.cid)
    assert community is not None
    base = f"/c/{community.code}/announcements"
    owner = make_user(session, community=community, role=Role.OWNER)
    log_in(client, session, owner)
    assert client.get(f"{base}/new").status_code == 403
    assert client.post(base, data={"kind": "other", "title": "停水通知"}).status_code == 403
    staff = make_user(session, community=community, role=Role.TRUSTEE_STAFF)
    log_in(client, session, staff)
    yesterday = (clock.today() - timedelta(days=1)).isoformat()
    published = client.post(
        base,
        data={"kind": "meeting_notice", "title": "四方联席会议通知", "text": "定于下周召开。",
              "due_by": yesterday},
        follow_redirects=False,
    )  # fmt: skip
    assert published.status_code == 303, published.text
    page = published.headers["location"]
    assert "四方联席会议通知" in client.get(page).text
    listed = client.get(base)
    assert "四方联席会议通知" in listed.text
    assert 'class="late"' in listed.text  # published after the day it was due by
    board = client.get(f"/c/{community.code}/board")  # disclosure's board, through the port
    assert board.status_code == 200
    assert "四方联席会议通知" in board.text
    pdf = client.get(f"{page}.pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    phone = client.post(base, data={"kind": "other", "title": "停水", "text": "电话13812345678"})
    assert phone.status_code == 422
    decision = client.post(
        base, data={"kind": "decision", "title": "决定公告", "ref": "decision:9"}
    )
    assert decision.status_code == 404  # no such decision
