"""Owners' votes through the service, on SQLite and PostgreSQL: roll, ballots, count, log."""

from __future__ import annotations

import json
from datetime import date
from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sunshine.governance.models import VoteBallot
from sunshine.governance.models.votes import BallotWay
from sunshine.governance.models.votes import VoteState
from sunshine.governance.rules.roll import Scope
from sunshine.governance.rules.tally import Choice
from sunshine.governance.service import ballots
from sunshine.governance.service import counting
from sunshine.governance.service import votes
from sunshine.governance.service.ballots import Documents
from sunshine.infra import clock
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Forbidden
from sunshine.kernel.errors import Invalid
from sunshine.registry import service as registry
from sunshine.registry.rules import TransferReason
from sunshine.transparency import service as transparency
from tests.governance.votes_setup import CLOSES
from tests.governance.votes_setup import DURING
from tests.governance.votes_setup import NAMES
from tests.governance.votes_setup import OPENS
from tests.governance.votes_setup import draft
from tests.governance.votes_setup import place
from tests.governance.votes_setup import voucher

Y, N, A = Choice.YES, Choice.NO, Choice.ABSTAIN
E = BallotWay.ELECTRONIC


def _cast(session: Session, cid: int, vote_id: int, party: int, *answers: Choice) -> str:
    given = dict(enumerate(answers, start=1))
    cast = ballots.cast_ballot(session, cid, vote_id, party_id=party, answers=given, way=E,
                               at=DURING)  # fmt: skip
    return cast.receipt


def _outcomes(record: dict[str, object]) -> list[str]:
    tally = record["tally"]
    assert isinstance(tally, dict)
    return [m["outcome"] for m in tally["matters"]]


def test_a_vote_from_draft_to_its_logged_result(session: Session) -> None:
    p = place(session)
    vote = draft(session, p.cid)
    with pytest.raises(Conflict):  # a draft takes no ballot
        _cast(session, p.cid, vote.id, p.owners[0], Y, Y)
    counting.open_vote(session, p.cid, vote.id, at=OPENS)
    with pytest.raises(Conflict):  # counted only once its time is up
        counting.close_vote(session, p.cid, vote.id, at=DURING)
    receipts = [
        _cast(session, p.cid, vote.id, o, Y, c)
        for o, c in zip(p.owners[:3], (Y, Y, N), strict=True)
    ]
    with pytest.raises(Conflict):  # after the closing time
        ballots.cast_ballot(session, p.cid, vote.id, party_id=p.owners[3], answers={1: Y},
                            way=E, at=CLOSES)  # fmt: skip
    closed = counting.close_vote(session, p.cid, vote.id, at=CLOSES)
    assert closed.state is VoteState.CLOSED
    record = counting.result_of(closed)
    assert record is not None
    # 3 of 4 took part (quorum met); matter 1 (item 5): 3 yes > half; matter 2 (item 8): 2/3 < 3/4
    assert _outcomes(record) == ["passed", "rejected"]
    assert record["roll"] | {"sha256": ""} == {"area_dm2": 40000, "heads": 4, "units": 4,
                                               "sha256": ""}  # fmt: skip
    assert record["state"] == "closed"
    assert len(record["receipts"]) == 3
    logged = transparency.find_record(session, p.cid, kind="governance.vote", ref=f"vote/{vote.id}")
    assert logged is not None
    assert json.loads(logged.body) == record
    assert counting.recount_from_log(session, p.cid, vote.id)
    check = counting.check_receipt(session, p.cid, vote.id, receipts[2].lower())
    assert (check.counted, check.replaced) == (True, False)
    assert json.loads(check.ballot.answers) == {"1": "yes", "2": "no"}
    with pytest.raises(Conflict):  # closed once
        counting.close_vote(session, p.cid, vote.id, at=CLOSES)


def test_the_log_record_names_no_one_and_no_ballot(session: Session) -> None:
    p = place(session)
    vote = draft(session, p.cid)
    counting.open_vote(session, p.cid, vote.id, at=OPENS)
    receipt = _cast(session, p.cid, vote.id, p.owners[0], Y, N)
    counting.close_vote(session, p.cid, vote.id, at=CLOSES)
    logged = transparency.find_record(session, p.cid, kind="governance.vote", ref=f"vote/{vote.id}")
    assert logged is not None
    body = logged.body.decode() if isinstance(logged.body, bytes) else str(logged.body)
    for secret in (*NAMES, receipt, receipt.replace("-", ""), vote.secret, "owners:"):
        assert secret not in body
    assert str(p.owners[0]) not in json.loads(body)["receipts"]


def test_the_roll_is_frozen_when_the_vote_opens(session: Session) -> None:
    p = place(session)
    vote = draft(session, p.cid)
    counting.open_vote(session, p.cid, vote.id, at=OPENS)
    opened = transparency.find_record(session, p.cid, kind="governance.vote", ref=f"vote/{vote.id}")
    assert opened is not None  # the roll's digest is public before any ballot
    assert json.loads(opened.body)["roll"]["sha256"] == counting.roll_digest(vote.roll or "")
    assert json.loads(opened.body)["state"] == "open"
    buyer = registry.add_party(session, p.cid, name="陈静").id
    move = registry.TransferDraft(
        unit_id=p.units[0], from_party_ids=[p.owners[0]],
        to=[registry.NewOwner(buyer, 100, designated_voter=True)],
        effective_on=clock.today(), reason=TransferReason.SALE,
    )  # fmt: skip
    registry.transfer_ownership(session, p.cid, move, actor="staff")
    with pytest.raises(Forbidden):  # the buyer is not on the frozen roll
        _cast(session, p.cid, vote.id, buyer, Y)
    _cast(session, p.cid, vote.id, p.owners[0], Y)  # the seller still votes this one
    roll = votes.roll_of(vote)
    assert roll.heads == 4
    assert {v.key for v in roll.voters} == {f"owners:{o}" for o in p.owners}
    stored = json.loads(vote.roll or "")
    assert {u["area_source"] for u in stored["units"]} == {"registry"}


def test_a_changed_ballot_counts_its_latest_and_keeps_the_history(session: Session) -> None:
    p = place(session)
    vote = draft(session, p.cid)
    counting.open_vote(session, p.cid, vote.id, at=OPENS)
    first = _cast(session, p.cid, vote.id, p.owners[0], N, N)
    second = _cast(session, p.cid, vote.id, p.owners[0], Y, Y)
    for owner in p.owners[1:3]:
        _cast(session, p.cid, vote.id, owner, Y, Y)
    key = f"owners:{p.owners[0]}"
    assert [b.replaced for b in ballots.history(session, p.cid, vote.id, key)] == [True, False]
    counting.close_vote(session, p.cid, vote.id, at=CLOSES)
    record = counting.result_of(votes.get_vote(session, p.cid, vote.id))
    assert record is not None
    assert _outcomes(record) == ["passed", "passed"]  # 3 of 3 agreed: 3/4 of those taking part
    assert counting.check_receipt(session, p.cid, vote.id, first).counted is False
    assert counting.check_receipt(session, p.cid, vote.id, second).counted is True


def test_a_partial_ballot_takes_part_only_in_what_it_answers(session: Session) -> None:
    p = place(session)
    vote = draft(session, p.cid)
    counting.open_vote(session, p.cid, vote.id, at=OPENS)
    for owner in p.owners[:2]:
        _cast(session, p.cid, vote.id, owner, Y, Y)
    ballots.cast_ballot(session, p.cid, vote.id, party_id=p.owners[2], answers={1: A}, way=E,
                        at=DURING)  # fmt: skip
    with pytest.raises(Invalid):  # no matter 3
        ballots.cast_ballot(session, p.cid, vote.id, party_id=p.owners[3], answers={3: Y},
                            way=E, at=DURING)  # fmt: skip
    counting.close_vote(session, p.cid, vote.id, at=CLOSES)
    record = counting.result_of(votes.get_vote(session, p.cid, vote.id))
    assert record is not None
    first, second = record["tally"]["matters"]
    assert (first["raw"]["part"]["heads"], first["outcome"]) == (3, "passed")
    assert (second["raw"]["part"]["heads"], second["outcome"]) == (2, "quorum_not_reached")


def test_paper_and_proxy_ballots_need_their_documents(session: Session) -> None:
    p = place(session)
    vote = draft(session, p.cid)
    counting.open_vote(session, p.cid, vote.id, at=OPENS)
    scan, letter = voucher(session, p.cid, b"ballot"), voucher(session, p.cid, b"letter")

    def cast(party: int, way: BallotWay, docs: Documents) -> ballots.Cast:
        return ballots.cast_ballot(session, p.cid, vote.id, party_id=party, answers={1: Y},
                                   way=way, at=DURING, documents=docs)  # fmt: skip

    with pytest.raises(Invalid):
        cast(p.owners[0], BallotWay.PAPER, Documents())
    with pytest.raises(Invalid):
        cast(p.owners[1], BallotWay.PROXY, Documents(voucher_sha256=scan))
    with pytest.raises(Exception, match="not uploaded"):
        cast(p.owners[1], BallotWay.PROXY, Documents(authorisation_sha256="ab" * 32))
    assert ballots.counting_ballots(session, vote) == []
    paper = cast(p.owners[0], BallotWay.PAPER, Documents(voucher_sha256=scan)).ballot
    proxy = cast(p.owners[1], BallotWay.PROXY, Documents(authorisation_sha256=letter)).ballot
    assert (paper.voucher_sha256, proxy.authorisation_sha256) == (scan, letter)
    _cast(session, p.cid, vote.id, p.owners[2], Y)
    counting.close_vote(session, p.cid, vote.id, at=CLOSES)
    record = counting.result_of(votes.get_vote(session, p.cid, vote.id))
    assert record is not None
    assert record["tally"]["matters"][0]["raw"]["yes"]["heads"] == 3  # the proxy counted
    assert record["tally"]["set_aside"] == {}


def test_a_scoped_vote_has_only_its_buildings_owners(session: Session) -> None:
    p = place(session)
    vote = draft(session, p.cid, Scope(buildings=frozenset({p.buildings[0]})))
    counting.open_vote(session, p.cid, vote.id, at=OPENS)
    assert votes.roll_of(vote).heads == 2
    with pytest.raises(Forbidden):
        _cast(session, p.cid, vote.id, p.owners[2], Y)
    _cast(session, p.cid, vote.id, p.owners[0], Y, Y)
    _cast(session, p.cid, vote.id, p.owners[1], Y, Y)
    counting.close_vote(session, p.cid, vote.id, at=CLOSES + timedelta(hours=1))
    record = counting.result_of(votes.get_vote(session, p.cid, vote.id))
    assert record is not None
    assert _outcomes(record) == ["passed", "passed"]
    assert record["roll"]["heads"] == 2


def test_a_recount_finds_an_edited_result_or_ballot(session: Session) -> None:
    p = place(session)
    vote = draft(session, p.cid)
    counting.open_vote(session, p.cid, vote.id, at=OPENS)
    for owner in p.owners[:3]:
        _cast(session, p.cid, vote.id, owner, Y, N)
    counting.close_vote(session, p.cid, vote.id, at=CLOSES)
    assert counting.recount_from_log(session, p.cid, vote.id)
    changed = ballots.counting_ballots(session, vote)[0]
    kept = changed.answers
    changed.answers = json.dumps({"1": "no", "2": "no"})
    session.flush()
    assert not counting.recount_from_log(session, p.cid, vote.id)
    changed.answers = kept
    assert '"area": "100.00"' in (vote.roll or "")
    vote.roll = (vote.roll or "").replace('"area": "100.00"', '"area": "150.00"', 1)  # a unit grows
    session.flush()
    assert not counting.recount_from_log(session, p.cid, vote.id)


def test_drafting_refuses_what_cannot_be_a_vote(session: Session) -> None:
    p = place(session)
    with pytest.raises(Invalid):
        votes.create_vote(session, p.cid, title="表决", matters=(), scope=Scope(), opens_at=OPENS,
                          closes_at=CLOSES, notice_text="公告", notice_on=date(2026, 12, 1),
                          actor_id=None)  # fmt: skip
    with pytest.raises(Invalid):
        votes.create_vote(session, p.cid, title="表决 13812345678", matters=(), scope=Scope(),
                          opens_at=OPENS, closes_at=CLOSES, notice_text="公告",
                          notice_on=date(2026, 12, 1), actor_id=None)  # fmt: skip
    with pytest.raises(Invalid):
        votes.create_vote(session, p.cid, title="表决", matters=(), scope=Scope(), opens_at=CLOSES,
                          closes_at=OPENS, notice_text="公告", notice_on=date(2026, 12, 1),
                          actor_id=None)  # fmt: skip


def test_a_person_never_has_two_counting_ballots(session: Session) -> None:
    """Should two ballots race past the vote's lock, the database keeps one counting."""
    p = place(session)
    vote = draft(session, p.cid)
    counting.open_vote(session, p.cid, vote.id, at=OPENS)
    _cast(session, p.cid, vote.id, p.owners[0], Y)
    [kept] = ballots.counting_ballots(session, vote)
    twin = VoteBallot(
        community_id=p.cid, vote_id=vote.id, voter=kept.voter, cast_by=kept.cast_by, way=E,
        answers=kept.answers, receipt_mac="0" * 64, cast_at=DURING, replaced=False,
    )  # fmt: skip
    with session.begin_nested():
        session.add(twin)
        with pytest.raises(IntegrityError):
            session.flush()
