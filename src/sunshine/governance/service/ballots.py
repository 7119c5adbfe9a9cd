"""Ballots of an owners' vote: cast, replaced until the close, found again by receipt.

A ballot is cast for a person on the vote's frozen roll by a party who may cast it (the
designated voter; for the developer, the developer). Paper ballots carry the scanned
ballot (a ledger voucher's SHA-256); a proxy ballot is refused without the written
authorisation (also a voucher). A later ballot of the same person replaces the earlier
one, which stays as history. Each ballot gets a receipt code, given once to whoever cast
it; only its HMAC under the vote's secret is kept, and the close logs those of the
ballots counted, so the voter can find theirs while the log names no one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.governance.models import Vote
from sunshine.governance.models import VoteBallot
from sunshine.governance.models.votes import BallotWay
from sunshine.governance.rules.tally import Ballot
from sunshine.governance.rules.tally import Choice
from sunshine.governance.service.votes import counted_matters
from sunshine.governance.service.votes import get_vote
from sunshine.governance.service.votes import open_for_ballots
from sunshine.governance.service.votes import roll_of
from sunshine.kernel.errors import Forbidden
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.ledger import service as ledger

__all__ = [  # BallotWay too: other parts (the demo) name a ballot's way without the models
    "BallotWay",
    "Cast",
    "Documents",
    "all_ballots",
    "as_tally_ballot",
    "cast_ballot",
    "counting_ballots",
    "find_by_receipt",
    "history",
    "receipt_mac",
]
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off a phone or paper


@dataclass(frozen=True, slots=True)
class Cast:
    ballot: VoteBallot
    receipt: str  # given once to whoever cast it; only its keyed hash is kept


@dataclass(frozen=True, slots=True)
class Documents:
    """What backs a ballot cast on paper or by proxy: ledger vouchers, by SHA-256."""

    voucher_sha256: str | None = None  # the scanned paper ballot
    authorisation_sha256: str | None = None  # the written proxy authorisation


def receipt_mac(vote: Vote, receipt: str) -> str:
    """The receipt's keyed hash: HMAC-SHA256 under the vote's secret, which no one is shown."""
    code = receipt.strip().upper().replace("-", "")
    return hmac.new(bytes.fromhex(vote.secret), code.encode(), hashlib.sha256).hexdigest()


def _new_receipt() -> str:
    code = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    return "-".join(code[i : i + 4] for i in range(0, 12, 4))


def _voter_key(vote: Vote, party_id: int, voter: str | None) -> str:
    persons = [v.key for v in roll_of(vote).voters_cast_by(party_id)]
    if not persons:
        raise Forbidden("this person casts no ballot on vote {id}'s roll", args={"id": vote.id})
    if voter is not None:
        if voter not in persons:
            raise Forbidden("this person does not cast {voter}'s ballot", args={"voter": voter})
        return voter
    if len(persons) > 1:
        voters = {"voters": ", ".join(persons)}
        raise Invalid("this person casts the ballots of {voters}: say which", args=voters)
    return persons[0]


def _answers(vote: Vote, answers: Mapping[int, Choice]) -> str:
    numbers = {matter.number for matter in counted_matters(vote)}
    if not answers:
        raise Invalid("a ballot answers at least one matter")
    unknown = sorted(set(answers) - numbers)
    if unknown:
        args = {"id": vote.id, "number": unknown[0]}
        raise Invalid("vote {id} has no matter {number}", args=args)
    return json.dumps({str(n): Choice(answers[n]).value for n in sorted(answers)})


def _documents(session: Session, community_id: int, way: BallotWay, docs: Documents) -> None:
    if way is BallotWay.PAPER and not docs.voucher_sha256:
        raise Invalid("a paper ballot is entered with its scan (a voucher)")
    if way is BallotWay.PROXY and not docs.authorisation_sha256:
        raise Invalid("a proxy ballot needs the written authorisation (委托书) attached")
    for sha256 in (docs.voucher_sha256, docs.authorisation_sha256):
        if sha256:
            ledger.get_voucher(session, community_id, sha256)  # NotFound: not uploaded


def cast_ballot(
    session: Session,
    community_id: int,
    vote_id: int,
    *,
    party_id: int,
    answers: Mapping[int, Choice],
    way: BallotWay,
    at: datetime,
    voter: str | None = None,
    documents: Documents | None = None,
    actor_id: int | None = None,
) -> Cast:
    """Cast (or replace) the ballot of the person `party_id` casts for; returns the receipt."""
    vote = open_for_ballots(session, community_id, vote_id, at)
    session.refresh(vote, with_for_update=True)  # one ballot at a time, and none past the close
    docs = documents or Documents()
    key = _voter_key(vote, party_id, voter)
    body = _answers(vote, answers)
    _documents(session, community_id, way, docs)
    for earlier in _current(session, vote, key):
        earlier.replaced = True
    session.flush()  # the earlier one stops counting before the new one is inserted
    receipt = _new_receipt()
    ballot = VoteBallot(
        community_id=community_id, vote_id=vote_id, voter=key, cast_by=party_id, way=way,
        answers=body, receipt_mac=receipt_mac(vote, receipt), voucher_sha256=docs.voucher_sha256,
        authorisation_sha256=docs.authorisation_sha256, cast_at=at, entered_by=actor_id,
        replaced=False,
    )  # fmt: skip
    session.add(ballot)
    session.flush()
    return Cast(ballot, receipt)


def _current(session: Session, vote: Vote, voter: str | None = None) -> list[VoteBallot]:
    query = select(VoteBallot).where(
        VoteBallot.community_id == vote.community_id,
        VoteBallot.vote_id == vote.id,
        VoteBallot.replaced.is_(False),
    )
    if voter is not None:
        query = query.where(VoteBallot.voter == voter)
    return list(session.scalars(query.order_by(VoteBallot.id)))


def counting_ballots(session: Session, vote: Vote) -> list[VoteBallot]:
    """Each person's latest ballot, the ones the count takes."""
    return _current(session, vote)


def all_ballots(session: Session, vote: Vote) -> list[VoteBallot]:
    """Every submission on the vote, the replaced ones too."""
    query = select(VoteBallot).where(
        VoteBallot.community_id == vote.community_id, VoteBallot.vote_id == vote.id
    )
    return list(session.scalars(query.order_by(VoteBallot.id)))


def as_tally_ballot(ballot: VoteBallot) -> Ballot:
    """The ballot as rules.tally counts it (a stored proxy ballot has its authorisation)."""
    answers = {int(n): Choice(c) for n, c in json.loads(ballot.answers).items()}
    by_proxy = ballot.way is BallotWay.PROXY
    return Ballot(ballot.voter, answers, by_proxy=by_proxy, authorised=by_proxy)


def history(session: Session, community_id: int, vote_id: int, voter: str) -> list[VoteBallot]:
    """Every ballot of one person on a vote, the replaced ones too, oldest first."""
    query = select(VoteBallot).where(
        VoteBallot.community_id == community_id,
        VoteBallot.vote_id == vote_id,
        VoteBallot.voter == voter,
    )
    return list(session.scalars(query.order_by(VoteBallot.id)))


def find_by_receipt(session: Session, community_id: int, vote_id: int, receipt: str) -> VoteBallot:
    """The ballot a receipt code was given for (replaced or counting)."""
    vote = get_vote(session, community_id, vote_id)
    found = session.scalar(
        select(VoteBallot).where(
            VoteBallot.community_id == community_id,
            VoteBallot.vote_id == vote_id,
            VoteBallot.receipt_mac == receipt_mac(vote, receipt),
        )
    )
    if found is None:
        raise NotFound("no ballot of vote {id} has this receipt", args={"id": vote_id})
    return found
