"""The votes' JSON API: the community reads them; an owner on the roll casts and finds a ballot."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from sunshine.governance.rules.roll import Scope
from sunshine.governance.service import counting
from sunshine.governance.service import votes
from sunshine.identity.rules import Role
from sunshine.infra import clock
from sunshine.registry import service as registry
from sunshine.registry.models import Community
from sunshine.registry.service import publicity
from tests.factories import log_in
from tests.factories import make_user
from tests.governance.votes_setup import MATTERS
from tests.governance.votes_setup import draft
from tests.governance.votes_setup import place


def _open_vote(session: Session, cid: int, scope: Scope) -> int:
    now = clock.now()
    vote = votes.create_vote(
        session, cid, title="更换电梯表决", matters=MATTERS, scope=scope,
        opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=1),
        notice_text="公告", notice_on=clock.today() - timedelta(days=3), actor_id=None,
    )  # fmt: skip
    counting.open_vote(session, cid, vote.id, at=now)
    return vote.id


def test_an_owner_on_the_roll_casts_and_finds_their_ballot(
    client: TestClient, session: Session
) -> None:
    p = place(session)
    community = session.get(Community, p.cid)
    assert community is not None
    vote_id = _open_vote(session, p.cid, Scope(buildings=frozenset({p.buildings[0]})))
    base = f"/api/v1/communities/{community.code}/governance/votes"
    assert client.get(base).json() == []  # open votes are the community's, not the public's
    assert client.get(f"{base}/{vote_id}").status_code == 404
    owner = make_user(session, community=community, role=Role.OWNER)
    registry.link_login(session, p.cid, party_id=p.owners[0], user_id=owner.id)
    log_in(client, session, owner)
    draft(session, p.cid)  # not shown until it opens
    [listed] = client.get(base).json()
    assert (listed["id"], listed["state"], listed["result"]) == (vote_id, "open", None)
    assert "secret" not in listed
    assert "roll" not in listed
    cast = client.post(f"{base}/{vote_id}/ballot", json={"answers": {"1": "yes"}})
    assert cast.status_code == 201, cast.text
    receipt = cast.json()["receipt"]
    found = client.post(f"{base}/{vote_id}/receipt", json={"receipt": receipt})
    assert found.status_code == 200, found.text
    assert found.json() | {"cast_at": None} == {
        "answers": {"1": "yes"},
        "cast_at": None,
        "replaced": False,
        "counted": None,
    }
    bad = client.post(f"{base}/{vote_id}/ballot", json={"answers": {"1": "maybe"}})
    assert bad.status_code == 422
    assert client.post(f"{base}/{vote_id}/receipt", json={"receipt": "AAAA"}).status_code == 404
    assert client.get(f"{base}/{vote_id + 1}").status_code == 404  # the draft


def test_an_owner_outside_the_scope_or_a_stranger_casts_nothing(
    client: TestClient, session: Session
) -> None:
    p = place(session)
    community = session.get(Community, p.cid)
    assert community is not None
    vote_id = _open_vote(session, p.cid, Scope(buildings=frozenset({p.buildings[0]})))
    base = f"/api/v1/communities/{community.code}/governance/votes/{vote_id}"
    outside = make_user(session, community=community, role=Role.OWNER)
    registry.link_login(session, p.cid, party_id=p.owners[2], user_id=outside.id)  # building 2
    log_in(client, session, outside)
    assert client.post(f"{base}/ballot", json={"answers": {"1": "yes"}}).status_code == 403
    unlinked = make_user(session, community=community, role=Role.OWNER)
    log_in(client, session, unlinked)
    assert client.post(f"{base}/ballot", json={"answers": {"1": "yes"}}).status_code == 403
    assert client.get(base).status_code == 200


def test_a_closed_vote_and_its_result_are_public_where_disclosure_is(
    client: TestClient, session: Session
) -> None:
    p = place(session)
    community = session.get(Community, p.cid)
    assert community is not None
    vote_id = _open_vote(session, p.cid, Scope(buildings=frozenset({p.buildings[0]})))
    counting.close_vote(session, p.cid, vote_id, at=clock.now() + timedelta(days=2))
    base = f"/api/v1/communities/{community.code}/governance/votes"
    [listed] = client.get(base).json()  # logged out, as on the result's page
    assert listed["id"] == vote_id
    assert listed["result"]["matters"], listed["result"]
    assert client.get(f"{base}/{vote_id}").json()["result"] == listed["result"]
    publicity.set_public_disclosure(session, community.code, public=False)
    assert client.get(base).status_code == 401
    assert client.get(f"{base}/{vote_id}").status_code == 401
