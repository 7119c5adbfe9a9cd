"""Closing an owners' vote: the count, its logged aggregate record, the recount, receipts.

The record (`governance.vote`, ref `vote/ID`) holds the vote's number, title, matters
with their items, scope, times and notice, the roll's totals, rules.vote_record's tally
(aggregates only) and the sorted keyed hashes of the receipts of the ballots counted: no
voter, no answer of anyone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from sunshine.governance.models import Vote
from sunshine.governance.models import VoteBallot
from sunshine.governance.models.votes import VoteState
from sunshine.governance.rules.result import tally_vote
from sunshine.governance.rules.vote_record import dm2
from sunshine.governance.rules.vote_record import misstated
from sunshine.governance.rules.vote_record import tally_record
from sunshine.governance.service.ballots import as_tally_ballot
from sunshine.governance.service.ballots import counting_ballots
from sunshine.governance.service.ballots import find_by_receipt
from sunshine.governance.service.votes import counted_matters
from sunshine.governance.service.votes import get_vote
from sunshine.governance.service.votes import matters_of
from sunshine.governance.service.votes import roll_of
from sunshine.governance.service.votes import vote_in_state
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import NotFound
from sunshine.transparency import service as transparency
from sunshine.transparency.rules import records
from sunshine.transparency.rules.records import LogKind

LOG_KIND = LogKind("governance.vote")


def ref_of(vote_id: int) -> str:
    return f"vote/{vote_id}"


def instant(moment: datetime | None) -> str | None:
    """A time as the record holds it: ISO 8601 in UTC."""
    return None if moment is None else moment.astimezone(UTC).isoformat()


def count_record(session: Session, vote: Vote) -> dict[str, object]:
    """The public record of the vote's count, from its frozen roll and counted ballots."""
    roll = roll_of(vote)
    counting = counting_ballots(session, vote)
    tally = tally_vote(roll, counted_matters(vote), [as_tally_ballot(b) for b in counting])
    return {
        "vote": vote.id,
        "title": vote.title,
        "matters": [{"number": m["number"], "item": m["item"], "title": m["title"]}
                    for m in matters_of(vote)],
        "scope": json.loads(vote.scope),
        "opens": instant(vote.opens_at),
        "closes": instant(vote.closes_at),
        "opened": instant(vote.opened_at),
        "notice": {"text": vote.notice_text, "on": vote.notice_on.isoformat()},
        "roll": {"area_dm2": dm2(roll.area), "heads": roll.heads, "units": len(roll.units)},
        "tally": tally_record(tally),
        "receipts": sorted(b.receipt_mac for b in counting),
    }  # fmt: skip


def close_vote(session: Session, community_id: int, vote_id: int, *, at: datetime) -> Vote:
    """Count the vote once its time is up, append the result to the log, keep it."""
    vote = vote_in_state(session, community_id, vote_id, VoteState.OPEN)
    session.refresh(vote, with_for_update=True)  # no ballot lands while it is counted
    if at < vote.closes_at:
        raise Conflict("vote {id} takes ballots until its closing time", args={"id": vote_id})
    vote.closed_at = at
    body = count_record(session, vote) | {"closed": instant(at)}
    logged = transparency.append(
        session, community_id, kind=LOG_KIND, record=body, ref=ref_of(vote_id)
    )
    vote.result, vote.log_seq = records.canonical(body).decode("utf-8"), logged.seq
    vote.state = VoteState.CLOSED
    session.flush()
    return vote


def result_of(vote: Vote) -> dict[str, Any] | None:
    """The vote's logged result, as kept with it (None until it closes)."""
    if vote.result is None:
        return None
    loaded: dict[str, Any] = json.loads(vote.result)
    return loaded


def recount_from_log(session: Session, community_id: int, vote_id: int) -> bool:
    """Whether the log's record is what counting the roll and ballots again gives.

    And whether its outcomes follow from its own published figures (`misstated`).
    """
    vote = get_vote(session, community_id, vote_id)
    logged = transparency.find_record(
        session, community_id, kind=str(LOG_KIND), ref=ref_of(vote_id)
    )
    if logged is None or vote.state is not VoteState.CLOSED:
        raise NotFound("vote {id} has no result in the log", args={"id": vote_id})
    record: dict[str, Any] = json.loads(logged.body)
    try:
        again = count_record(session, vote) | {"closed": instant(vote.closed_at)}
        return again == record and not misstated(record["tally"])
    except (KeyError, TypeError, ValueError):
        return False


@dataclass(frozen=True, slots=True)
class ReceiptCheck:
    """What a receipt code finds: the ballot, whether it was replaced, whether it counted."""

    ballot: VoteBallot
    replaced: bool
    counted: bool | None  # None: the vote has not closed yet


def check_receipt(session: Session, community_id: int, vote_id: int, receipt: str) -> ReceiptCheck:
    """Find one's ballot by receipt code and whether the logged count took it."""
    ballot = find_by_receipt(session, community_id, vote_id, receipt)
    result = result_of(get_vote(session, community_id, vote_id))
    counted = None if result is None else ballot.receipt_mac in result["receipts"]
    return ReceiptCheck(ballot, ballot.replaced, counted)
