"""The staff routes of the votes' API: the committee drafts, opens and closes a vote; staff
enter paper and proxy ballots whose documents were uploaded as vouchers; owners may not."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from sunshine.governance.service import ballots
from sunshine.governance.service import votes
from sunshine.identity.rules import Role
from sunshine.infra import clock
from sunshine.registry.models import Community
from tests.factories import log_in
from tests.factories import make_user
from tests.governance.votes_setup import place
from tests.governance.votes_setup import voucher


def test_the_committee_drafts_and_opens_staff_enter_owners_may_not(
    client: TestClient, session: Session
) -> None:
    p = place(session)
    community = session.get(Community, p.cid)
    assert community is not None
    base = f"/api/v1/communities/{community.code}/governance/votes"
    now = clock.now()
    body = {
        "title": "访客车位改作充电车位", "matters": [{"item": 8, "title": "改作充电车位"}],
        "buildings": ["1"], "opens_at": (now - timedelta(hours=1)).isoformat(),
        "closes_at": (now + timedelta(days=1)).isoformat(), "notice_text": "公告",
        "notice_on": (clock.today() - timedelta(days=2)).isoformat(),
    }  # fmt: skip
    log_in(client, session, make_user(session, community=community, role=Role.OWNER))
    assert client.post(base, json=body).status_code == 403
    log_in(client, session, make_user(session, community=community, role=Role.COMMITTEE))
    drafted = client.post(base, json=body)
    assert drafted.status_code == 201, drafted.text
    number = drafted.json()["id"]
    assert drafted.json()["state"] == "draft"
    assert client.post(base, json=body | {"buildings": ["9"]}).status_code == 404
    opened = client.post(f"{base}/{number}/open")
    assert opened.status_code == 200
    assert opened.json()["state"] == "open"
    assert client.post(f"{base}/{number}/close").status_code == 409  # not before its time
    vote = votes.get_vote(session, p.cid, number)
    key = votes.roll_of(vote).voters[0].key
    scan = voucher(session, p.cid, b"%PDF-1.4 ballot")
    staff = make_user(session, community=community, role=Role.TRUSTEE_STAFF)
    log_in(client, session, staff)
    assert client.post(f"{base}/{number}/open").status_code == 403
    paper = {"voter": key, "answers": {"1": "yes"}, "way": "paper", "voucher_sha256": scan}
    entered = client.post(f"{base}/{number}/paper", json=paper)
    assert entered.status_code == 201, entered.text
    assert len(entered.json()["receipt"]) == 14
    [ballot] = ballots.counting_ballots(session, vote)
    assert (ballot.voucher_sha256, ballot.entered_by) == (scan, staff.id)
    unknown = paper | {"voucher_sha256": "0" * 64}
    assert client.post(f"{base}/{number}/paper", json=unknown).status_code == 404
    assert client.post(f"{base}/{number}/paper", json=paper | {"voter": "x"}).status_code == 404
    log_in(client, session, make_user(session, community=community, role=Role.OWNER))
    assert client.post(f"{base}/{number}/paper", json=paper).status_code == 403
