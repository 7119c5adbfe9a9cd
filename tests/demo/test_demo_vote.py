"""The demo's held owners' vote: closed, counted on the whole roll, its result published."""

from __future__ import annotations

from sunshine.demo.service import vote as demo_vote
from sunshine.governance.models.votes import BallotWay
from sunshine.governance.models.votes import VoteState
from sunshine.governance.service import ballots
from sunshine.governance.service import counting
from sunshine.governance.service import votes
from tests.demo.conftest import Loaded


def test_the_visitor_spaces_vote_is_held_and_passes_with_a_realistic_turnout(
    loaded: Loaded,
) -> None:
    session, cid = loaded.session, loaded.community.id
    [vote] = [v for v in votes.list_votes(session, cid) if v.title == demo_vote.TITLE]
    assert vote.state is VoteState.CLOSED
    assert vote.log_seq is not None
    result = counting.result_of(vote)
    assert result is not None
    [matter] = result["tally"]["matters"]
    assert matter["item"] == 8
    raw = matter["raw"]
    total, part, yes = raw["total"]["heads"], raw["part"]["heads"], raw["yes"]["heads"]
    assert 0.7 < part / total < 0.9  # about five in six, as the May 2024 survey reached
    assert 0.75 < yes / part < 0.95
    assert matter["outcome"] == "passed"
    assert result["silent_follow_majority"] is False
    counted = ballots.counting_ballots(session, vote)
    ways = {b.way for b in counted}
    assert ways == {BallotWay.ELECTRONIC, BallotWay.PAPER}
    assert all(b.voucher_sha256 for b in counted if b.way is BallotWay.PAPER)
    assert counting.recount_from_log(session, cid, vote.id)
    body = vote.body or ""
    assert "owners:" not in body
    assert "developer" not in body
