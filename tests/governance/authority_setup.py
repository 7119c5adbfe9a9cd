"""Committee decisions about a matter, and a community's requirement waived, for the tests of
the steps that ask governance for their authority (budgets, month closes, signing keys)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from sunshine.governance.rules.decisions import About
from sunshine.governance.rules.decisions import Subject
from sunshine.governance.rules.decisions import Way
from sunshine.governance.rules.tally import Choice
from sunshine.governance.service import authority
from sunshine.governance.service import committees
from sunshine.governance.service import decisions
from sunshine.infra.authority import Matter
from sunshine.infra.authority import MatterKind
from sunshine.registry import service as registry
from sunshine.registry.rules import CommitteeKind

FORMED = date(2020, 1, 1)


def _committee_id(session: Session, community_id: int) -> int:
    found = committees.list_committees(session, community_id)
    if found:
        return found[0].id
    committee = committees.add_committee(
        session,
        community_id,
        kind=CommitteeKind.PROPERTY_COMMITTEE,
        name="物业管理委员会",
        formed_on=FORMED,
    )
    for name in ("委员甲", "委员乙", "委员丙"):
        party = registry.add_party(session, community_id, name=name)
        committees.add_member(
            session, community_id, committee.id, party_id=party.id, term_from=FORMED
        )
    return committee.id


def decided(
    session: Session,
    community_id: int,
    matter: Matter,
    *,
    on: date = date(2024, 8, 28),
    adopted: bool = True,
) -> str:
    """A decision of a three-member committee about `matter` (adopted 2 of 3, or refused),
    cited as `decision:N`."""
    committee_id = _committee_id(session, community_id)
    members = [m.id for m in committees.members_on(session, community_id, committee_id, on)]
    choice = Choice.YES if adopted else Choice.NO
    row = decisions.record_decision(
        session,
        community_id,
        committee_id,
        title=f"关于{matter.text()}的决定",
        way=Way.MEETING,
        decided_on=on,
        present=members,
        votes=dict.fromkeys(members[:2], choice),
        actor_id=None,
        about=About(Subject(matter.kind.value), matter.ref),
    )
    return f"decision:{row.id}"


def waive(session: Session, community_id: int, *kinds: MatterKind) -> None:
    """The community asks no committee decision for `kinds` (every kind if none is named)."""
    for kind in kinds or tuple(MatterKind):
        authority.set_requirement(session, community_id, kind, required=False, actor_id=None)
