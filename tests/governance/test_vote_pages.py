"""The owners' vote pages: the list, a vote and its ballot form, the receipt, the result.

Every page for an owner on the roll, an owner who is not, a login linked to no one, a
stranger (another community's owner), staff and someone logged out.
"""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from sunshine.governance.rules.roll import Scope
from sunshine.governance.service import counting
from sunshine.governance.service import votes
from sunshine.identity.models import User
from sunshine.identity.rules import Role
from sunshine.infra import clock
from sunshine.registry import service as registry
from sunshine.registry.models import Community
from tests.factories import log_in
from tests.factories import make_community
from tests.factories import make_user
from tests.governance.votes_setup import MATTERS
from tests.governance.votes_setup import Place
from tests.governance.votes_setup import closed_vote
from tests.governance.votes_setup import draft
from tests.governance.votes_setup import place

RECEIPT = re.compile(r'id="receipt-code">([A-Z0-9-]{14})<')


def open_vote(session: Session, cid: int, scope: Scope | None = None) -> int:
    now = clock.now()
    vote = votes.create_vote(
        session, cid, title="更换电梯表决", matters=MATTERS, scope=scope or Scope(),
        opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=1),
        notice_text="公告：明日起表决", notice_on=clock.today() - timedelta(days=3), actor_id=None,
    )  # fmt: skip
    counting.open_vote(session, cid, vote.id, at=now - timedelta(hours=1))
    return vote.id


def _setting(session: Session) -> tuple[Place, Community]:
    p = place(session)
    community = session.get(Community, p.cid)
    assert community is not None
    return p, community


def _owner(session: Session, community: Community, party: int) -> User:
    user = make_user(session, community=community, role=Role.OWNER)
    registry.link_login(session, community.id, party_id=party, user_id=user.id)
    return user


def test_an_owner_votes_gets_the_receipt_once_and_finds_the_ballot_with_it(
    client: TestClient, session: Session
) -> None:
    p, community = _setting(session)
    vote_id = open_vote(session, p.cid)
    base = f"/c/{community.code}/votes"
    log_in(client, session, _owner(session, community, p.owners[0]))
    listed = client.get(base)
    assert listed.status_code == 200
    assert f"{base}/{vote_id}" in listed.text
    page = client.get(f"{base}/{vote_id}")
    assert page.status_code == 200
    assert 'name="m1"' in page.text
    assert 'name="m2"' in page.text
    assert "公告：明日起表决" in page.text
    assert "民法典第二百七十八条" in page.text  # each matter's threshold with its source
    first = client.post(f"{base}/{vote_id}/ballot", data={"m1": "yes", "m2": ""})  # partial
    assert first.status_code == 200, first.text
    assert first.headers["cache-control"] == "no-store"
    match = RECEIPT.search(first.text)
    assert match is not None
    code = match.group(1)
    found = client.post(f"{base}/{vote_id}/receipt", data={"receipt": code.lower()})
    assert found.status_code == 200
    assert 'id="receipt-found"' in found.text
    assert "这是该业主最新的一张选票" in found.text
    assert "尚未截止" in found.text
    again = client.post(f"{base}/{vote_id}/ballot", data={"m1": "no", "m2": "abstain"})
    assert again.status_code == 200
    assert code not in again.text  # a new code, never the old one
    replaced = client.post(f"{base}/{vote_id}/receipt", data={"receipt": code})
    assert "已被替换" in replaced.text
    page = client.get(f"{base}/{vote_id}")
    assert "新的选票将替换" in page.text  # the owner sees that they voted, and may vote again
    assert code not in page.text
    missing = client.post(f"{base}/{vote_id}/receipt", data={"receipt": "AAAA-BBBB-CCCC"})
    assert missing.status_code == 404


def test_a_ballot_that_answers_nothing_or_something_else_is_refused_in_place(
    client: TestClient, session: Session
) -> None:
    p, community = _setting(session)
    vote_id = open_vote(session, p.cid)
    base = f"/c/{community.code}/votes/{vote_id}"
    log_in(client, session, _owner(session, community, p.owners[0]))
    empty = client.post(f"{base}/ballot", data={"m1": "", "m2": ""})
    assert empty.status_code == 422
    assert 'role="alert"' in empty.text
    odd = client.post(f"{base}/ballot", data={"m1": "maybe"})
    assert odd.status_code == 422
    unknown = client.post(f"{base}/ballot", data={"m7": "yes"})
    assert unknown.status_code == 422
    assert RECEIPT.search(unknown.text) is None


def test_an_owner_not_on_the_frozen_roll_sees_why_and_cannot_vote(
    client: TestClient, session: Session
) -> None:
    p, community = _setting(session)
    vote_id = open_vote(session, p.cid, Scope(buildings=frozenset({p.buildings[0]})))
    base = f"/c/{community.code}/votes/{vote_id}"
    log_in(client, session, _owner(session, community, p.owners[2]))  # building 2
    page = client.get(base)
    assert page.status_code == 200
    assert 'name="m1"' not in page.text
    assert "您不在本次表决的名册上" in page.text
    assert client.post(f"{base}/ballot", data={"m1": "yes"}).status_code == 403
    unlinked = make_user(session, community=community, role=Role.OWNER)
    log_in(client, session, unlinked)
    page = client.get(base)
    assert "您的账号尚未关联" in page.text
    assert client.post(f"{base}/ballot", data={"m1": "yes"}).status_code == 403


def test_strangers_and_the_logged_out_see_no_vote(client: TestClient, session: Session) -> None:
    p, community = _setting(session)
    vote_id = open_vote(session, p.cid)
    base = f"/c/{community.code}/votes"
    for path in (base, f"{base}/{vote_id}", f"{base}/{vote_id}/receipt"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login")
    other = make_community(session)
    log_in(client, session, make_user(session, community=other, role=Role.OWNER))
    for path in (base, f"{base}/{vote_id}", f"{base}/{vote_id}/result"):
        assert client.get(path).status_code == 404
    assert client.post(f"{base}/{vote_id}/ballot", data={"m1": "yes"}).status_code == 404


def test_a_draft_is_shown_to_the_desk_only(client: TestClient, session: Session) -> None:
    p, community = _setting(session)
    drafted = draft(session, p.cid)
    base = f"/c/{community.code}/votes"
    log_in(client, session, _owner(session, community, p.owners[0]))
    assert client.get(f"{base}/{drafted.id}").status_code == 404
    assert f"{base}/{drafted.id}" not in client.get(base).text
    log_in(client, session, make_user(session, community=community, role=Role.COMMITTEE))
    assert f"{base}/{drafted.id}" in client.get(base).text
    assert client.get(f"{base}/{drafted.id}").status_code == 200


def test_the_result_shows_aggregates_thresholds_and_outcome_and_prints(
    client: TestClient, session: Session
) -> None:
    p, community = _setting(session)
    vote = closed_vote(session, p.cid)  # building 1: both owners agree to matter 1
    base = f"/c/{community.code}/votes/{vote.id}"
    log_in(client, session, _owner(session, community, p.owners[3]))
    result = client.get(f"{base}/result")
    assert result.status_code == 200
    text = result.text
    assert "200.00 m²" in text  # the total area of building 1
    assert "art278" not in text  # rule names stay in the record; people read the source
    assert "民法典第二百七十八条第二款" in text
    assert "outcome-passed" in text  # matter 1: both agree
    assert "outcome-quorum_not_reached" in text  # matter 2: no one answered
    assert "未达法定参与表决比例" in text
    for name in ("王建国", "李秀英"):
        assert name not in text
    printed = client.get(f"{base}/result/print")
    assert printed.status_code == 200
    assert 'class="paper-board"' in printed.text
    assert "200.00 m²" in printed.text
    opened = open_vote(session, p.cid)
    assert client.get(f"/c/{community.code}/votes/{opened}/result").status_code == 409


def test_where_disclosure_is_public_anyone_reads_a_closed_votes_result_and_nothing_else(
    client: TestClient, session: Session
) -> None:
    p, community = _setting(session)
    vote = closed_vote(session, p.cid)
    opened = open_vote(session, p.cid)
    drafted = draft(session, p.cid)
    base = f"/c/{community.code}/votes"
    community.public_disclosure = True
    session.flush()

    result = client.get(f"{base}/{vote.id}/result")
    assert result.status_code == 200
    assert "200.00 m²" in result.text
    assert "outcome-passed" in result.text
    assert f"{base}/{vote.id}/receipt" not in result.text  # a receipt is an owner's business
    for name in ("王建国", "李秀英"):
        assert name not in result.text
    printed = client.get(f"{base}/{vote.id}/result/print")
    assert printed.status_code == 200
    assert 'class="paper-board"' in printed.text
    # an open vote and a draft have no result to show the public
    assert client.get(f"{base}/{opened}/result").status_code == 404
    assert client.get(f"{base}/{drafted.id}/result").status_code == 404
    # the list, the votes themselves, the ballot form and the receipt stay the members'
    for path in (base, f"{base}/{vote.id}", f"{base}/{opened}", f"{base}/{vote.id}/receipt"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login")

    community.public_disclosure = False
    session.flush()
    for path in (f"{base}/{vote.id}/result", f"{base}/{vote.id}/result/print"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login")


def test_the_community_home_links_the_votes_for_its_members(
    client: TestClient, session: Session
) -> None:
    p, community = _setting(session)
    log_in(client, session, _owner(session, community, p.owners[0]))
    home = client.get(f"/c/{community.code}")
    assert home.status_code == 200
    assert f'href="/c/{community.code}/votes"' in home.text


def test_the_public_home_of_an_open_community_does_not_link_the_votes(
    client: TestClient, session: Session
) -> None:
    _p, community = _setting(session)
    community.public_disclosure = True
    session.flush()
    home = client.get(f"/c/{community.code}")
    assert home.status_code == 200
    assert f'href="/c/{community.code}/votes"' not in home.text
