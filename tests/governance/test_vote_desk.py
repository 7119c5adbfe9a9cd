"""The vote desk: drafting, opening and closing (MANAGE_VOTES), paper and proxy ballots with
their documents (ENTER_BALLOTS), the recount (RECOUNT_VOTES); and who is turned away."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.governance.models import Vote
from sunshine.governance.models import VoteBallot
from sunshine.governance.models.votes import BallotWay
from sunshine.governance.models.votes import VoteState
from sunshine.governance.service import ballots
from sunshine.governance.service import delivery
from sunshine.governance.service import votes
from sunshine.identity.rules import Role
from sunshine.infra import clock
from sunshine.registry.models import Community
from tests.factories import log_in
from tests.factories import make_user
from tests.governance.test_vote_pages import open_vote
from tests.governance.votes_setup import closed_vote
from tests.governance.votes_setup import draft
from tests.governance.votes_setup import place

PDF = b"%PDF-1.4\n% a scanned ballot\n"


def _community(session: Session) -> tuple[int, Community]:
    p = place(session)
    community = session.get(Community, p.cid)
    assert community is not None
    return p.cid, community


def _local(moment: object) -> str:
    assert hasattr(moment, "astimezone")
    return clock.local(moment).strftime("%Y-%m-%dT%H:%M")  # type: ignore[arg-type]


def test_the_committee_drafts_opens_and_staff_enter_a_paper_ballot(
    client: TestClient, session: Session
) -> None:
    cid, community = _community(session)
    base = f"/c/{community.code}/votes"
    log_in(client, session, make_user(session, community=community, role=Role.COMMITTEE))
    assert client.get(f"{base}/new").status_code == 200
    now = clock.now()
    form = {
        "title": "访客车位改作充电车位", "item": ["8", "5"], "question": ["改作充电车位", ""],
        "buildings": "1", "units": "", "opens": _local(now - timedelta(hours=2)),
        "closes": _local(now + timedelta(days=7)),
        "notice_on": (clock.today() - timedelta(days=3)).isoformat(),
        "notice_text": "公告", "silent": "on",
    }  # fmt: skip
    created = client.post(f"{base}/new", data=form, follow_redirects=False)
    assert created.status_code == 303, created.text
    [vote] = votes.list_votes(session, cid)
    assert created.headers["location"] == f"{base}/{vote.id}/desk"
    assert [m["item"] for m in votes.matters_of(vote)] == [8]  # the blank second row is no matter
    assert vote.silent_follow_majority
    assert len(votes.scope_of(vote).buildings) == 1
    refused = client.post(f"{base}/new", data=form | {"closes": form["opens"]})
    assert refused.status_code == 422
    opened = client.post(f"{base}/{vote.id}/open", follow_redirects=False)
    assert opened.status_code == 303
    session.refresh(vote)
    assert vote.state is VoteState.OPEN
    early = client.post(f"{base}/{vote.id}/close")
    assert early.status_code == 409  # not before its closing time, said in place
    assert 'role="alert"' in early.text
    staff = make_user(session, community=community, role=Role.TRUSTEE_STAFF)
    log_in(client, session, staff)
    desk = client.get(f"{base}/{vote.id}/desk")
    assert desk.status_code == 200
    assert "/open" not in desk.text  # entering ballots, not running the vote
    [first, *_rest] = votes.roll_of(vote).voters
    files = {"file": ("ballot.pdf", PDF, "application/pdf")}
    entered = client.post(
        f"{base}/{vote.id}/paper", data={"voter": first.key, "way": "paper", "m1": "yes"},
        files=files,
    )  # fmt: skip
    assert entered.status_code == 200, entered.text
    [ballot] = ballots.counting_ballots(session, vote)
    assert (ballot.way, ballot.voter, ballot.entered_by) == (BallotWay.PAPER, first.key, staff.id)
    assert ballot.voucher_sha256 is not None
    no_authorisation = client.post(
        f"{base}/{vote.id}/paper", data={"voter": first.key, "way": "proxy", "m1": "no"},
        files={"file": ("none.pdf", b"", "application/pdf")},
    )  # fmt: skip
    assert no_authorisation.status_code == 422
    assert [b.id for b in ballots.counting_ballots(session, vote)] == [ballot.id]
    assert client.post(f"{base}/{vote.id}/close").status_code == 403
    assert client.get(f"{base}/new").status_code == 403


def test_owners_strangers_and_the_logged_out_are_turned_away_from_the_desk(
    client: TestClient, session: Session
) -> None:
    cid, community = _community(session)
    vote = draft(session, cid)
    base = f"/c/{community.code}/votes"
    for path in (f"{base}/new", f"{base}/{vote.id}/desk"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303
    log_in(client, session, make_user(session, community=community, role=Role.OWNER))
    assert client.get(f"{base}/new").status_code == 403
    assert client.get(f"{base}/{vote.id}/desk").status_code == 403
    assert client.post(f"{base}/{vote.id}/open").status_code == 403
    assert client.post(f"{base}/new", data={"title": "x"}).status_code == 403
    session.refresh(vote)
    assert vote.state is VoteState.DRAFT


def test_the_recount_says_equal_and_then_not_after_a_ballot_is_edited(
    client: TestClient, session: Session
) -> None:
    cid, community = _community(session)
    vote = closed_vote(session, cid)
    path = f"/c/{community.code}/votes/{vote.id}/recount"
    log_in(client, session, make_user(session, community=community, role=Role.OWNER))
    assert client.get(path).status_code == 403
    log_in(client, session, make_user(session, community=community, role=Role.SUPERVISOR))
    equal = client.get(path)
    assert equal.status_code == 200
    assert "recount-equal" in equal.text
    ballot = session.scalars(select(VoteBallot).where(VoteBallot.vote_id == vote.id)).first()
    assert ballot is not None
    ballot.answers = '{"1": "no"}'
    session.flush()
    differs = client.get(path)
    assert "recount-differs" in differs.text
    assert "recount-equal" not in differs.text


def test_a_closed_vote_at_the_desk_links_its_result_and_recount(
    client: TestClient, session: Session
) -> None:
    cid, community = _community(session)
    vote = closed_vote(session, cid)
    log_in(client, session, make_user(session, community=community, role=Role.COMMITTEE))
    desk = client.get(f"/c/{community.code}/votes/{vote.id}/desk")
    assert desk.status_code == 200
    assert f"/votes/{vote.id}/recount" in desk.text
    assert f"/votes/{vote.id}/paper" not in desk.text  # no ballot after the close
    opened = session.get(Vote, (cid, open_vote(session, cid)))
    assert opened is not None
    page = client.get(f"/c/{community.code}/votes/{opened.id}/desk")
    assert f"/votes/{opened.id}/paper" in page.text


def test_staff_record_a_proven_delivery_at_the_desk_and_owners_may_not(
    client: TestClient, session: Session
) -> None:
    cid, community = _community(session)
    vote = session.get(Vote, (cid, open_vote(session, cid)))
    assert vote is not None
    key = votes.roll_of(vote).voters[0].key
    path = f"/c/{community.code}/votes/{vote.id}/delivery"
    form = {"voter": key, "delivered_on": clock.today().isoformat(), "how": "in_person",
            "warned": "on"}  # fmt: skip
    files = {"file": ("receipt.pdf", b"%PDF-1.4 signed for", "application/pdf")}
    log_in(client, session, make_user(session, community=community, role=Role.OWNER))
    assert client.post(path, data=form, files=files).status_code == 403
    log_in(client, session, make_user(session, community=community, role=Role.TRUSTEE_STAFF))
    recorded = client.post(path, data=form, files=files, follow_redirects=False)
    assert recorded.status_code == 303, recorded.text
    assert delivery.silent_eligible(session, vote) == {key}
    again = client.post(path, data=form, files=files)
    assert again.status_code == 409
    unwarned = form | {"voter": votes.roll_of(vote).voters[1].key}
    del unwarned["warned"]
    assert client.post(path, data=unwarned, files=files, follow_redirects=False).status_code == 303
    assert delivery.silent_eligible(session, vote) == {key}  # delivered, but not warned
