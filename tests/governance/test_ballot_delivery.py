"""Proven ballot delivery and the silent-majority setting per vote (both databases).

Only owners proven delivered a ballot carrying the warning, who return none, count as
silent, and only when the vote's setting is on; both tallies are logged.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from sunshine.governance.models import Vote
from sunshine.governance.models.votes import BallotWay
from sunshine.governance.rules.roll import Scope
from sunshine.governance.rules.tally import Choice
from sunshine.governance.service import ballots
from sunshine.governance.service import counting
from sunshine.governance.service import delivery
from sunshine.governance.service import votes
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from tests.governance.votes_setup import CLOSES
from tests.governance.votes_setup import DURING
from tests.governance.votes_setup import MATTERS
from tests.governance.votes_setup import OPENS
from tests.governance.votes_setup import place
from tests.governance.votes_setup import voucher


def _vote(session: Session, cid: int, *, silent: bool) -> Vote:
    vote = votes.create_vote(
        session, cid, title="访客车位改作充电车位", matters=MATTERS[:1], scope=Scope(),
        opens_at=OPENS, closes_at=CLOSES, notice_text="公告", notice_on=date(2026, 11, 25),
        actor_id=None, silent_follow_majority=silent,
    )  # fmt: skip
    return counting.open_vote(session, cid, vote.id, at=OPENS)


def _run(session: Session, *, silent: bool) -> dict[str, object]:
    """Owners 1 and 2 agree; 3 was delivered a warned ballot, 4 one without the warning."""
    p = place(session)
    vote = _vote(session, p.cid, silent=silent)
    voters = votes.roll_of(vote).voters
    for voter in voters[:2]:
        ballots.cast_ballot(
            session, p.cid, vote.id, party_id=min(voter.casters), answers={1: Choice.YES},
            way=BallotWay.ELECTRONIC, at=DURING, voter=voter.key,
        )  # fmt: skip
    proof = voucher(session, p.cid, b"%PDF-1.4 signed receipts")
    for voter, warned in ((voters[2], True), (voters[3], False)):
        delivery.record_delivery(
            session, p.cid, vote.id, voter=voter.key, delivered_on=DURING.date(),
            how="in_person", warned=warned, proof_sha256=proof, actor_id=None, at=DURING,
        )  # fmt: skip
    counting.close_vote(session, p.cid, vote.id, at=CLOSES)
    assert counting.recount_from_log(session, p.cid, vote.id)
    result = counting.result_of(vote)
    assert result is not None
    assert result["silent_follow_majority"] is silent
    [matter] = result["tally"]["matters"]
    assert isinstance(matter, dict)
    return matter


def test_off_by_default_the_raw_tally_decides_and_no_one_is_silent(session: Session) -> None:
    matter = _run(session, silent=False)
    assert matter["raw"]["part"]["heads"] == 2  # type: ignore[index]
    assert (matter["adjusted"], matter["silence"]) == (None, "off")
    assert matter["outcome"] == "quorum_not_reached"


def test_on_only_the_warned_delivery_joins_the_majority_and_both_tallies_are_kept(
    session: Session,
) -> None:
    matter = _run(session, silent=True)
    raw, adjusted = matter["raw"], matter["adjusted"]
    assert isinstance(raw, dict)
    assert isinstance(adjusted, dict)
    assert raw["outcome"] == "quorum_not_reached"
    assert matter["silent"] == {"area_dm2": 10000, "heads": 1}  # owner 3, not owner 4
    assert adjusted["part"] == {"area_dm2": 30000, "heads": 3}
    assert adjusted["yes"] == {"area_dm2": 30000, "heads": 3}
    assert (matter["silence"], matter["outcome"]) == ("applied", "passed")


def test_a_delivery_is_refused_off_the_roll_twice_without_proof_or_before_the_opening(
    session: Session,
) -> None:
    p = place(session)
    drafted = votes.create_vote(
        session, p.cid, title="表决", matters=MATTERS, scope=Scope(), opens_at=OPENS,
        closes_at=CLOSES, notice_text="公告", notice_on=date(2026, 11, 25), actor_id=None,
    )  # fmt: skip
    proof = voucher(session, p.cid, b"%PDF-1.4 slip")
    args = {"delivered_on": DURING.date(), "how": "registered_mail", "warned": True,
            "actor_id": None, "at": DURING}  # fmt: skip
    with pytest.raises(Conflict):  # a draft has no roll yet
        delivery.record_delivery(session, p.cid, drafted.id, voter="x", proof_sha256=proof, **args)
    vote = counting.open_vote(session, p.cid, drafted.id, at=OPENS)
    key = votes.roll_of(vote).voters[0].key
    with pytest.raises(Invalid):
        delivery.record_delivery(session, p.cid, vote.id, voter="owners:999", proof_sha256=proof,
                                 **args)  # fmt: skip
    with pytest.raises(NotFound):
        delivery.record_delivery(session, p.cid, vote.id, voter=key, proof_sha256="0" * 64, **args)
    with pytest.raises(Invalid):
        delivery.record_delivery(
            session, p.cid, vote.id, voter=key, proof_sha256=proof, **(args | {"how": "pigeon"})
        )
    delivery.record_delivery(session, p.cid, vote.id, voter=key, proof_sha256=proof, **args)
    with pytest.raises(Conflict):
        delivery.record_delivery(session, p.cid, vote.id, voter=key, proof_sha256=proof, **args)
    assert delivery.silent_eligible(session, vote) == {key}
