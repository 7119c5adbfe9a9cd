"""A committee with members and one logged decision, for tests of other parts (the audit's edits)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from sunshine.governance.models import Decision
from sunshine.governance.rules.decisions import Way
from sunshine.governance.rules.tally import Choice
from sunshine.governance.service import committees
from sunshine.governance.service import decisions
from sunshine.registry import service as registry
from sunshine.registry.rules import CommitteeKind


def committee_decision(session: Session, community_id: int, *, on: date) -> Decision:
    """A three-member committee formed before `on`, and its adopted decision of that day."""
    committee = committees.add_committee(
        session,
        community_id,
        kind=CommitteeKind.PROPERTY_COMMITTEE,
        name="物业管理委员会",
        formed_on=on.replace(day=1),
    )
    members = [
        committees.add_member(
            session,
            community_id,
            committee.id,
            party_id=registry.add_party(session, community_id, name=name).id,
            term_from=committee.formed_on,
        ).id
        for name in ("委员甲", "委员乙", "委员丙")
    ]
    return decisions.record_decision(
        session,
        community_id,
        committee.id,
        title="批准大门更换",
        way=Way.MEETING,
        decided_on=on,
        present=members,
        votes=dict.fromkeys(members[:2], Choice.YES),
        actor_id=None,
    )
