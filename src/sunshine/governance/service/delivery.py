"""Proven ballot delivery: who on a vote's frozen roll was handed a ballot, and the warning.

Under the silent-majority setting (off by default; LAW.md 1) only owners proven to have
been delivered a ballot carrying the warning, who then return none, count as silent. A
delivery names the voucher that proves it (the signed receipt, the registered-mail slip),
one per person and vote; it is recorded while the vote is open, on the roll frozen then.
"""

from __future__ import annotations

from datetime import date
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.governance.models import BallotDelivery
from sunshine.governance.models import Vote
from sunshine.governance.models.votes import VoteState
from sunshine.governance.service.votes import roll_of
from sunshine.governance.service.votes import vote_in_state
from sunshine.infra import clock
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Invalid
from sunshine.ledger import service as ledger

WAYS = ("in_person", "registered_mail", "door", "other")  # 当面签收, 挂号信, 入户, 其他


def record_delivery(
    session: Session,
    community_id: int,
    vote_id: int,
    *,
    voter: str,
    delivered_on: date,
    how: str,
    warned: bool,
    proof_sha256: str,
    actor_id: int | None,
    at: datetime,
) -> BallotDelivery:
    """Record that `voter` (a key of the frozen roll) was delivered a ballot, with its proof."""
    vote = vote_in_state(session, community_id, vote_id, VoteState.OPEN)
    if voter not in {v.key for v in roll_of(vote).voters}:
        raise Invalid("{voter} is not on vote {id}'s roll", args={"voter": voter, "id": vote_id})
    if how not in WAYS:
        raise Invalid(
            "a ballot is delivered in person, by registered mail, at the door or otherwise"
        )
    if delivered_on > clock.local(at).date():  # the day as people there write it
        raise Invalid("a delivery is recorded on or after its day")
    if not proof_sha256:
        raise Invalid("a delivery is proven by its voucher (signed receipt or mail slip)")
    ledger.get_voucher(session, community_id, proof_sha256)  # NotFound: not uploaded
    if _delivery(session, vote, voter) is not None:
        raise Conflict("a delivery to {voter} is already recorded", args={"voter": voter})
    delivery = BallotDelivery(
        community_id=community_id, vote_id=vote_id, voter=voter, delivered_on=delivered_on,
        how=how, warned=warned, proof_sha256=proof_sha256, recorded_by=actor_id, recorded_at=at,
    )  # fmt: skip
    session.add(delivery)
    session.flush()
    return delivery


def _delivery(session: Session, vote: Vote, voter: str) -> BallotDelivery | None:
    return session.scalar(
        select(BallotDelivery).where(
            BallotDelivery.community_id == vote.community_id,
            BallotDelivery.vote_id == vote.id,
            BallotDelivery.voter == voter,
        )
    )


def deliveries(session: Session, community_id: int, vote_id: int) -> list[BallotDelivery]:
    query = select(BallotDelivery).where(
        BallotDelivery.community_id == community_id, BallotDelivery.vote_id == vote_id
    )
    return list(session.scalars(query.order_by(BallotDelivery.id)))


def silent_eligible(session: Session, vote: Vote) -> frozenset[str]:
    """The voters proven delivered a ballot with the warning (who may count as silent)."""
    return frozenset(d.voter for d in deliveries(session, vote.community_id, vote.id) if d.warned)
