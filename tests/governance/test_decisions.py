"""Committees and their decisions through the service, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from sunshine.governance.models import Committee
from sunshine.governance.rules.committee import CommitteeMajority
from sunshine.governance.rules.decisions import About
from sunshine.governance.rules.decisions import MemberRole
from sunshine.governance.rules.decisions import Subject
from sunshine.governance.rules.decisions import Way
from sunshine.governance.rules.tally import Choice
from sunshine.governance.service import committees
from sunshine.governance.service import decisions
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Invalid
from sunshine.registry import service as registry
from sunshine.registry.rules import CommitteeKind
from sunshine.transparency import service as transparency
from tests.factories import make_community

Y, N, A = Choice.YES, Choice.NO, Choice.ABSTAIN
DAY = date(2026, 12, 1)
NAMES = ("王建国", "李秀英", "张伟", "刘洋", "陈静")


@dataclass
class Setup:
    cid: int
    committee: Committee
    members: list[int]  # member ids, in the order of NAMES


def _setup(session: Session, *, count: int = 5, majority: CommitteeMajority | None = None) -> Setup:
    community = make_community(session)
    committee = committees.add_committee(
        session,
        community.id,
        kind=CommitteeKind.OWNERS_COMMITTEE,
        name="第一届业主委员会",
        formed_on=date(2026, 1, 1),
        majority=majority or CommitteeMajority.HALF_OR_MORE,
    )
    members = []
    for position, name in enumerate(NAMES[:count]):
        party = registry.add_party(session, community.id, name=name)
        role = MemberRole.CHAIR if position == 0 else MemberRole.MEMBER
        member = committees.add_member(
            session,
            community.id,
            committee.id,
            party_id=party.id,
            role=role,
            term_from=date(2026, 1, 1),
        )
        members.append(member.id)
    return Setup(community.id, committee, members)


def _decide(
    session: Session, setup: Setup, present: list[int], votes: dict[int, Choice], **kw: object
):
    return decisions.record_decision(
        session,
        setup.cid,
        setup.committee.id,
        title=str(kw.get("title", "批准2027年度预算")),
        way=Way.MEETING,
        decided_on=kw.get("on", DAY),
        present=present,
        votes=votes,  # type: ignore[arg-type]
        actor_id=None,
    )


def test_a_decision_is_counted_logged_and_kept_with_its_record(session: Session) -> None:
    setup = _setup(session)
    m = setup.members
    decision = _decide(session, setup, m[:3], {m[0]: Y, m[1]: Y, m[2]: Y})
    body = decisions.record_of(decision)
    assert body["outcome"] == "adopted"
    assert body["counted"] == {"members": 5, "present": 3, "yes": 3, "no": 0, "abstain": 0}
    assert body["votes"] == {str(m[0]): "yes", str(m[1]): "yes", str(m[2]): "yes"}
    assert body["majority"]["rule"] == "committee.half_or_more"  # type: ignore[index]
    assert body["settings"] == {"majority": "half_or_more", "announce_within_days": 3}
    assert body["announce_by"] == "2026-12-04"
    logged = transparency.find_record(
        session, setup.cid, kind=str(decisions.LOG_KIND), ref=decisions.ref_of(decision.id)
    )
    assert logged is not None
    assert logged.seq == decision.log_seq
    assert json.loads(decision.body) == body
    assert not any(name in decision.body for name in NAMES)  # members by number only
    assert decisions.recount_from_log(session, setup.cid, decision.id)


def test_the_strict_setting_is_the_committees_and_recorded(session: Session) -> None:
    setup = _setup(session, count=4, majority=CommitteeMajority.MORE_THAN_HALF)
    m = setup.members
    decision = _decide(session, setup, m[:3], {m[0]: Y, m[1]: Y, m[2]: N})
    body = decisions.record_of(decision)
    assert body["outcome"] == "not_adopted"
    assert body["settings"]["majority"] == "more_than_half"  # type: ignore[index]


def test_without_more_than_half_present_there_is_no_quorum(session: Session) -> None:
    setup = _setup(session, count=4)
    m = setup.members
    body = decisions.record_of(_decide(session, setup, m[:2], {m[0]: Y, m[1]: Y}))
    assert body["outcome"] == "quorum_not_reached"
    assert body["quorum"]["met"] is False  # type: ignore[index]


def test_only_members_serving_on_the_day_count(session: Session) -> None:
    setup = _setup(session)
    m = setup.members
    committees.end_term(session, setup.cid, m[4], on=date(2026, 6, 30))
    decision = _decide(session, setup, m[:3], {m[0]: Y, m[1]: Y, m[2]: N})
    assert decisions.record_of(decision)["counted"]["members"] == 4  # type: ignore[index]
    with pytest.raises(Invalid) as refused:
        _decide(session, setup, [m[0], m[1], m[4]], {m[4]: Y})
    assert [p.code for p in refused.value.problems] == ["committee_member"]
    earlier = _decide(session, setup, [m[0], m[4]], {m[4]: Y}, on=date(2026, 6, 30))  # last day
    assert decisions.record_of(earlier)["counted"]["members"] == 5  # type: ignore[index]


def test_a_member_serves_once_per_term(session: Session) -> None:
    setup = _setup(session, count=1)
    member = committees.members_on(session, setup.cid, setup.committee.id, DAY)[0]
    with pytest.raises(Conflict):
        committees.add_member(
            session,
            setup.cid,
            setup.committee.id,
            party_id=member.party_id,
            term_from=date(2026, 3, 1),
        )
    committees.end_term(session, setup.cid, member.id, on=date(2026, 2, 28))
    again = committees.add_member(
        session, setup.cid, setup.committee.id, party_id=member.party_id, term_from=date(2026, 3, 1)
    )
    assert [x.id for x in committees.members_on(session, setup.cid, setup.committee.id, DAY)] == [
        again.id
    ]


def test_a_title_with_a_phone_number_never_reaches_the_log(session: Session) -> None:
    setup = _setup(session)
    m = setup.members
    with pytest.raises(Invalid, match="phone or ID"):
        _decide(session, setup, m[:3], {}, title="联系王先生 138 1234 5678")
    assert decisions.list_decisions(session, setup.cid) == []


def test_decisions_announced_late_or_not_at_all_are_named(session: Session) -> None:
    setup = _setup(session)
    m = setup.members
    on_time = _decide(session, setup, m[:3], {m[0]: Y})
    late = _decide(session, setup, m[:3], {m[0]: Y}, title="批准大门更换")
    decisions.announce(session, setup.cid, on_time.id, on=date(2026, 12, 4))  # the last day
    assert decisions.late(session, setup.cid, today=date(2026, 12, 4)) == []
    found = decisions.late(session, setup.cid, today=date(2026, 12, 5))
    assert [(x.decision.id, x.due, x.announced_on) for x in found] == [
        (late.id, date(2026, 12, 4), None)
    ]
    decisions.announce(session, setup.cid, late.id, on=date(2026, 12, 6))
    assert [x.announced_on for x in decisions.late(session, setup.cid, today=DAY)] == [
        date(2026, 12, 6)
    ]
    with pytest.raises(Conflict):
        decisions.announce(session, setup.cid, late.id, on=date(2026, 12, 7))


def test_the_audit_names_a_decision_edited_behind_the_apps_back(session: Session) -> None:
    setup = _setup(session)
    m = setup.members
    decision = _decide(session, setup, m[:3], {m[0]: Y, m[1]: Y, m[2]: Y})
    assert transparency.audit(session, setup.cid).clean
    session.execute(
        text(
            "UPDATE governance_decision SET title = '批准别的' WHERE community_id = :c AND id = :i"
        ),
        {"c": setup.cid, "i": decision.id},
    )
    session.expire_all()
    report = transparency.audit(session, setup.cid)
    assert not report.clean
    assert {f.record_kind for f in report.findings} == {"governance.decision"}


def test_a_decision_names_what_it_decides_and_is_found_by_it(session: Session) -> None:
    setup = _setup(session)
    m = setup.members
    budget = About(Subject.BUDGET, "2027/v1")
    made = decisions.record_decision(
        session, setup.cid, setup.committee.id, title="批准2027年度预算", way=Way.CIRCULATION,
        decided_on=DAY, present=m, votes=dict.fromkeys(m[:3], Y), actor_id=None, about=budget,
    )  # fmt: skip
    assert decisions.record_of(made)["subject"] == {"kind": "budget", "ref": "2027/v1"}
    assert decisions.record_of(made)["way"] == "circulation"
    assert decisions.decisions_about(session, setup.cid, Subject.BUDGET, "2027/v1") == [made]
    assert decisions.decisions_about(session, setup.cid, Subject.BUDGET, "2027/v2") == []
    assert decisions.recount_from_log(session, setup.cid, made.id)
    session.execute(
        text("UPDATE governance_decision SET subject_ref = '2027/v2' WHERE community_id = :c"),
        {"c": setup.cid},
    )
    session.expire_all()
    assert [f.field for f in transparency.audit(session, setup.cid).findings] == ["subject.ref"]
    with pytest.raises(Invalid, match="subject"):
        decisions.record_decision(
            session, setup.cid, setup.committee.id, title="批准", way=Way.MEETING, decided_on=DAY,
            present=m, votes={}, actor_id=None, about=About(Subject.EXPENSE, "13812345678"),
        )  # fmt: skip
