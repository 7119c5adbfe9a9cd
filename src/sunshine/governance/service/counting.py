"""Opening and closing an owners' vote, each logged; the recount; receipts.

Opening stores the roll `draw_roll` gives at that moment (rules.frozen) and logs a
`governance.vote` record (ref `vote/ID`): the vote's number, title, matters with their
items, scope, times, notice, and the roll's totals with the SHA-256 of the stored roll, so
the roll cannot change unseen. Closing counts the ballots on that roll and logs the record
again with the state `closed`, rules.vote_record's tally (aggregates only) and the sorted
keyed hashes of the receipts of the ballots counted: no voter, no answer of anyone.
The vote keeps its latest record (`body`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from sunshine.governance.models import Vote
from sunshine.governance.models import VoteBallot
from sunshine.governance.models.votes import VoteState
from sunshine.governance.rules.frozen import roll_to_json
from sunshine.governance.rules.result import TallySettings
from sunshine.governance.rules.result import tally_vote
from sunshine.governance.rules.vote_record import dm2
from sunshine.governance.rules.vote_record import misstated
from sunshine.governance.rules.vote_record import tally_record
from sunshine.governance.service.ballots import as_tally_ballot
from sunshine.governance.service.ballots import counting_ballots
from sunshine.governance.service.ballots import find_by_receipt
from sunshine.governance.service.delivery import silent_eligible
from sunshine.governance.service.roll import draw_roll
from sunshine.governance.service.votes import counted_matters
from sunshine.governance.service.votes import get_vote
from sunshine.governance.service.votes import matters_of
from sunshine.governance.service.votes import roll_of
from sunshine.governance.service.votes import scope_of
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


def opening_record(vote: Vote) -> dict[str, object]:
    """The public record of an opened vote: what it asks, of whom, when; the roll's digest."""
    roll = roll_of(vote)
    return {
        "vote": vote.id,
        "state": VoteState.OPEN.value,
        "title": vote.title,
        "matters": [{"number": m["number"], "item": m["item"], "title": m["title"]}
                    for m in matters_of(vote)],
        "scope": json.loads(vote.scope),
        "opens": instant(vote.opens_at),
        "closes": instant(vote.closes_at),
        "opened": instant(vote.opened_at),
        "notice": {"text": vote.notice_text, "on": vote.notice_on.isoformat()},
        "silent_follow_majority": vote.silent_follow_majority,
        "roll": {"area_dm2": dm2(roll.area), "heads": roll.heads, "units": len(roll.units),
                 "sha256": roll_digest(vote.roll or "")},
    }  # fmt: skip


def roll_digest(stored: str) -> str:
    return hashlib.sha256(stored.encode("utf-8")).hexdigest()


def count_record(session: Session, vote: Vote) -> dict[str, object]:
    """The public record of the vote's count, from its frozen roll and counted ballots."""
    counting = counting_ballots(session, vote)
    tally = tally_vote(
        roll_of(vote), counted_matters(vote), [as_tally_ballot(b) for b in counting],
        settings=TallySettings(silent_follow_majority=vote.silent_follow_majority),
        silent_eligible=silent_eligible(session, vote),
    )  # fmt: skip
    return opening_record(vote) | {
        "state": VoteState.CLOSED.value,
        "tally": tally_record(tally),
        "receipts": sorted(b.receipt_mac for b in counting),
    }


def open_vote(session: Session, community_id: int, vote_id: int, *, at: datetime) -> Vote:
    """Open a drafted vote: freeze the roll of its scope as the registry stands, log it."""
    vote = vote_in_state(session, community_id, vote_id, VoteState.DRAFT)
    if at >= vote.closes_at:
        raise Conflict("vote {id} would close before it opened", args={"id": vote_id})
    roll = draw_roll(session, community_id, scope=scope_of(vote))  # Invalid names each unit
    vote.roll = json.dumps(roll_to_json(roll), ensure_ascii=False, sort_keys=True)
    vote.state, vote.opened_at = VoteState.OPEN, at
    _log(session, vote, opening_record(vote))
    return vote


def _log(session: Session, vote: Vote, body: dict[str, object]) -> None:
    logged = transparency.append(
        session, vote.community_id, kind=LOG_KIND, record=body, ref=ref_of(vote.id)
    )
    vote.body, vote.log_seq = records.canonical(body).decode("utf-8"), logged.seq
    session.flush()


def close_vote(session: Session, community_id: int, vote_id: int, *, at: datetime) -> Vote:
    """Count the vote once its time is up, append the result to the log, keep it."""
    vote = vote_in_state(session, community_id, vote_id, VoteState.OPEN)
    session.refresh(vote, with_for_update=True)  # no ballot lands while it is counted
    if at < vote.closes_at:
        raise Conflict("vote {id} takes ballots until its closing time", args={"id": vote_id})
    vote.closed_at, vote.state = at, VoteState.CLOSED
    _log(session, vote, count_record(session, vote) | {"closed": instant(at)})
    return vote


def result_of(vote: Vote) -> dict[str, Any] | None:
    """The vote's logged result, as kept with it (None until it closes)."""
    if vote.state is not VoteState.CLOSED:
        return None
    loaded: dict[str, Any] = json.loads(vote.body or "{}")
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
