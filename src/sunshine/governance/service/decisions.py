"""Committee decisions: counted by the rules, appended to the log, announced on time.

A decision is counted on the members serving on its day (rules.committee), its public
record (rules.decisions: member numbers, never names) appended to the community's log,
and kept with that record. It is due on the board within the committee's set days.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.governance.models import Decision
from sunshine.governance.rules.committee import decide
from sunshine.governance.rules.decisions import About
from sunshine.governance.rules.decisions import DecisionFacts
from sunshine.governance.rules.decisions import Subject
from sunshine.governance.rules.decisions import Way
from sunshine.governance.rules.decisions import decision_record
from sunshine.governance.rules.decisions import recount
from sunshine.governance.rules.tally import Choice
from sunshine.governance.service.committees import get_committee
from sunshine.governance.service.committees import members_on
from sunshine.governance.service.committees import settings_of
from sunshine.infra import clock
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.kernel.errors import Problem
from sunshine.kernel.masking import looks_personal
from sunshine.transparency import service as transparency
from sunshine.transparency.rules import records
from sunshine.transparency.rules.records import LogKind

LOG_KIND = LogKind("governance.decision")


def ref_of(decision_id: int) -> str:
    return f"decision/{decision_id}"


def public_title(title: str) -> str:
    cleaned = " ".join(title.split())
    if not 0 < len(cleaned) <= 200:
        raise Invalid("a decision's title is 1 to 200 characters")
    if looks_personal(cleaned):  # the log can never be erased (LAW.md 3)
        raise Invalid(
            "the title holds what looks like a phone or ID number; the public log may not",
            problems=[Problem("personal", "no phone or ID numbers in a title", {}, "title")],
        )
    return cleaned


def _subject_ref(ref: str) -> str:
    cleaned = ref.strip()
    if len(cleaned) > 64 or looks_personal(cleaned):
        raise Invalid(
            "a decision's subject is named by up to 64 characters, with no phone or ID number"
        )
    return cleaned


def decisions_about(
    session: Session, community_id: int, subject: Subject, subject_ref: str
) -> list[Decision]:
    """The decisions about one budget version, expense, month or key, oldest first."""
    query = select(Decision).where(
        Decision.community_id == community_id,
        Decision.subject == subject,
        Decision.subject_ref == subject_ref,
    )
    return list(session.scalars(query.order_by(Decision.decided_on, Decision.id)))


def record_decision(
    session: Session,
    community_id: int,
    committee_id: int,
    *,
    title: str,
    way: Way,
    decided_on: date,
    present: Iterable[int],
    votes: Mapping[int, Choice],
    actor_id: int | None,
    about: About | None = None,
) -> Decision:
    """Count a decision of the members serving on `decided_on` and append it to the log."""
    committee = get_committee(session, community_id, committee_id)
    members = frozenset(m.id for m in members_on(session, community_id, committee_id, decided_on))
    settings = settings_of(committee)
    about = About((about or About()).kind, _subject_ref((about or About()).ref))
    result = decide(members, frozenset(present), votes, settings)  # Invalid: stranger, absent
    row = Decision(
        community_id=community_id,
        committee_id=committee_id,
        title=public_title(title),
        subject=about.kind,
        subject_ref=about.ref,
        decided_on=decided_on,
        body="",
        log_seq=0,
        made_by=actor_id,
        made_at=clock.now(),
    )
    session.add(row)
    session.flush()  # the decision's number goes into its record
    facts = DecisionFacts(
        row.id, committee_id, row.title, way, decided_on, members, frozenset(present), votes,
        about,
    )  # fmt: skip
    _log(session, row, decision_record(facts, result))
    return row


def _log(session: Session, row: Decision, body: dict[str, object]) -> None:
    """Append the record and keep it, and its place in the log, with the row."""
    logged = transparency.append(
        session, row.community_id, kind=LOG_KIND, record=body, ref=ref_of(row.id)
    )
    row.body, row.log_seq = records.canonical(body).decode("utf-8"), logged.seq
    session.flush()


def get_decision(session: Session, community_id: int, decision_id: int) -> Decision:
    decision = session.get(Decision, (community_id, decision_id))
    if decision is None:
        raise NotFound("no committee decision {id} in this community", args={"id": decision_id})
    return decision


def list_decisions(session: Session, community_id: int) -> list[Decision]:
    query = select(Decision).where(Decision.community_id == community_id)
    return list(session.scalars(query.order_by(Decision.decided_on, Decision.id)))


def record_of(decision: Decision) -> dict[str, object]:
    """The decision's logged record, as stored with it."""
    loaded: dict[str, object] = json.loads(decision.body)
    return loaded


def announce(session: Session, community_id: int, decision_id: int, *, on: date) -> Decision:
    """Note the day the decision went up on the owners' board."""
    decision = get_decision(session, community_id, decision_id)
    if decision.announced_on is not None:
        raise Conflict(
            "decision {id} was announced on {on}",
            args={"id": decision_id, "on": decision.announced_on.isoformat()},
        )
    if on < decision.decided_on:
        raise Invalid("a decision is announced on or after the day it was taken")
    decision.announced_on = on
    session.flush()
    return decision


def recount_from_log(session: Session, community_id: int, decision_id: int) -> bool:
    """Whether the decision's record in the log is what counting its own facts again gives."""
    get_decision(session, community_id, decision_id)
    logged = transparency.find_record(
        session, community_id, kind=str(LOG_KIND), ref=ref_of(decision_id)
    )
    if logged is None:
        raise NotFound("decision {id} has no record in the log", args={"id": decision_id})
    record: dict[str, object] = json.loads(logged.body)
    try:
        return recount(record) == record
    except ValueError:
        return False


@dataclass(frozen=True, slots=True)
class Late:
    decision: Decision
    due: date
    announced_on: date | None  # None: still not announced


def late(session: Session, community_id: int, *, today: date) -> list[Late]:
    """Decisions announced after their day, or still unannounced with their day gone by."""
    found = []
    for decision in list_decisions(session, community_id):
        due = date.fromisoformat(str(record_of(decision)["announce_by"]))
        shown = decision.announced_on
        if (shown is None and today > due) or (shown is not None and shown > due):
            found.append(Late(decision, due, shown))
    return found


def shown(decision: Decision, *, member: bool) -> bool:
    """Members of the community see every decision; the public only those announced."""
    return member or decision.announced_on is not None
