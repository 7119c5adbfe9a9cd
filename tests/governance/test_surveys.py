"""Surveys (意见征求) and announcements: one response per unit, channels, the logged result."""

from __future__ import annotations

import json
from datetime import UTC
from datetime import date
from datetime import datetime

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sunshine.governance.models import SurveyResponse
from sunshine.governance.models.surveys import SurveyState
from sunshine.governance.rules.announcements import AnnouncementKind
from sunshine.governance.rules.decisions import MemberRole
from sunshine.governance.rules.decisions import Way
from sunshine.governance.rules.survey import AskedOf
from sunshine.governance.rules.survey import Channel
from sunshine.governance.rules.tally import Choice
from sunshine.governance.service import announcements
from sunshine.governance.service import committees
from sunshine.governance.service import decisions
from sunshine.governance.service import surveys
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Forbidden
from sunshine.kernel.errors import Invalid
from sunshine.registry import service as registry
from sunshine.registry.rules import ResidentKind
from sunshine.transparency import service as transparency
from tests.factories import make_user
from tests.governance.votes_setup import NAMES
from tests.governance.votes_setup import place

OPENS, CLOSES = date(2026, 12, 10), date(2026, 12, 20)
DURING = datetime(2026, 12, 12, 2, 0, tzinfo=UTC)
AFTER = datetime(2026, 12, 21, 2, 0, tzinfo=UTC)


def _open(session: Session, cid: int, asked_of: AskedOf = AskedOf.OWNERS) -> int:
    return surveys.open_survey(
        session, cid, title="东门空地改作停车场意见征求",
        questions=[("是否同意东门空地改作停车场？", ("同意", "不同意"))],
        asked_of=asked_of, opens_on=OPENS, closes_on=CLOSES, actor_id=None,
    ).id  # fmt: skip


def test_responses_by_channel_one_per_unit_and_the_logged_result(session: Session) -> None:
    p = place(session)
    staff = make_user(session).id
    survey_id = _open(session, p.cid)
    opened = transparency.find_record(
        session, p.cid, kind="governance.survey", ref=f"survey/{survey_id}"
    )
    assert opened is not None
    assert json.loads(opened.body)["binding"] is False
    for unit, (option, channel) in zip(
        p.units[:3], [(1, Channel.DOOR), (2, Channel.PHONE), (1, Channel.PAPER)], strict=True
    ):
        surveys.enter_response(
            session, p.cid, survey_id, unit_id=unit, answers={1: option}, channel=channel,
            actor_id=staff, at=DURING,
        )  # fmt: skip
    # the second unit changes its mind by phone: the earlier response is replaced, kept
    surveys.enter_response(
        session, p.cid, survey_id, unit_id=p.units[1], answers={1: 1}, channel=Channel.PHONE,
        actor_id=staff, at=DURING,
    )  # fmt: skip
    assert [r.replaced for r in surveys.history(session, p.cid, survey_id, p.units[1])] == [
        True,
        False,
    ]
    with pytest.raises(Conflict):  # not before its last day has ended
        surveys.close_survey(session, p.cid, survey_id, on=date(2026, 12, 19))
    survey = surveys.close_survey(session, p.cid, survey_id, on=CLOSES)
    assert survey.state is SurveyState.CLOSED
    record = surveys.record_of(survey)
    result = record["result"]
    assert (result["asked"], result["responses"]) == (4, 3)
    assert result["channels"] == {"online": 0, "door": 1, "phone": 1, "paper": 1}
    assert [(o["count"], o["percent"]) for o in result["questions"][0]["options"]] == [
        (3, "100.0"),
        (0, "0.0"),
    ]
    logged = transparency.find_record(
        session, p.cid, kind="governance.survey", ref=f"survey/{survey_id}"
    )
    assert logged is not None
    assert json.loads(logged.body) == record
    body = json.dumps(json.loads(logged.body), ensure_ascii=False)
    assert not [word for word in (*NAMES, "1-1-101", "unit", "party") if word in body]
    with pytest.raises(Conflict):  # closed: no more responses
        surveys.enter_response(
            session, p.cid, survey_id, unit_id=p.units[3], answers={1: 1},
            channel=Channel.DOOR, actor_id=staff, at=DURING,
        )  # fmt: skip
    assert transparency.audit(session, p.cid).clean


def test_responses_only_between_the_days_and_with_real_options(session: Session) -> None:
    p = place(session)
    staff = make_user(session).id
    survey_id = _open(session, p.cid)
    enter = {"unit_id": p.units[0], "channel": Channel.DOOR, "actor_id": staff}
    with pytest.raises(Conflict):
        surveys.enter_response(session, p.cid, survey_id, answers={1: 1}, at=AFTER, **enter)  # type: ignore[arg-type]
    with pytest.raises(Invalid):
        surveys.enter_response(session, p.cid, survey_id, answers={1: 3}, at=DURING, **enter)  # type: ignore[arg-type]
    with pytest.raises(Invalid):
        surveys.enter_response(session, p.cid, survey_id, answers={2: 1}, at=DURING, **enter)  # type: ignore[arg-type]
    with pytest.raises(Invalid):  # online is the owner's own, never entered by staff
        surveys.enter_response(
            session, p.cid, survey_id, unit_id=p.units[0], answers={1: 1},
            channel=Channel.ONLINE, actor_id=staff, at=DURING,
        )  # fmt: skip
    # the last day counts, local time (23:30 in Changzhou)
    last = datetime(2026, 12, 20, 15, 30, tzinfo=UTC)
    surveys.enter_response(session, p.cid, survey_id, answers={1: 1}, at=last, **enter)  # type: ignore[arg-type]


def test_an_owner_answers_online_for_their_unit_only(session: Session) -> None:
    p = place(session)
    owner = make_user(session)
    registry.link_login(session, p.cid, party_id=p.owners[0], user_id=owner.id)
    survey_id = _open(session, p.cid)
    surveys.answer_online(
        session, p.cid, survey_id, user_id=owner.id, unit_id=p.units[0], answers={1: 2},
        at=DURING,
    )  # fmt: skip
    surveys.answer_online(  # changed before closing: one response counts
        session, p.cid, survey_id, user_id=owner.id, unit_id=p.units[0], answers={1: 1},
        at=DURING,
    )  # fmt: skip
    current = surveys.current_response(session, p.cid, survey_id, p.units[0])
    assert current is not None
    assert (current.channel, current.answered_by, current.entered_by) == (
        Channel.ONLINE,
        p.owners[0],
        None,
    )
    assert len(surveys.counting_responses(session, p.cid, survey_id)) == 1
    with pytest.raises(Forbidden):
        surveys.answer_online(
            session, p.cid, survey_id, user_id=owner.id, unit_id=p.units[1], answers={1: 1},
            at=DURING,
        )  # fmt: skip


def test_a_tenant_answers_a_household_survey_but_not_an_owners_one(session: Session) -> None:
    p = place(session)
    tenant = registry.add_party(session, p.cid, name="陈租户").id
    registry.add_resident(
        session, p.cid, unit_id=p.units[2], party_id=tenant, kind=ResidentKind.TENANT
    )
    login = make_user(session)
    registry.link_login(session, p.cid, party_id=tenant, user_id=login.id)
    owners_only = _open(session, p.cid, AskedOf.OWNERS)
    households = _open(session, p.cid, AskedOf.HOUSEHOLDS)
    answer = {"user_id": login.id, "unit_id": p.units[2], "answers": {1: 1}, "at": DURING}
    with pytest.raises(Forbidden):
        surveys.answer_online(session, p.cid, owners_only, **answer)  # type: ignore[arg-type]
    surveys.answer_online(session, p.cid, households, **answer)  # type: ignore[arg-type]


def test_the_database_keeps_one_counting_response_per_unit(session: Session) -> None:
    p = place(session)
    staff = make_user(session).id
    survey_id = _open(session, p.cid)
    surveys.enter_response(
        session, p.cid, survey_id, unit_id=p.units[0], answers={1: 1}, channel=Channel.DOOR,
        actor_id=staff, at=DURING,
    )  # fmt: skip
    session.add(
        SurveyResponse(
            community_id=p.cid,
            survey_id=survey_id,
            unit_id=p.units[0],
            answers="{}",
            channel=Channel.DOOR,
            entered_by=staff,
            answered_at=DURING,
            replaced=False,
        )
    )
    with pytest.raises(IntegrityError), session.begin_nested():
        session.flush()


def test_a_survey_asks_at_most_the_community_s_units(session: Session) -> None:
    p = place(session)
    with pytest.raises(Invalid):
        surveys.open_survey(
            session, p.cid, title="问卷", questions=[("问？", ("是", "否"))],
            asked_of=AskedOf.OWNERS, opens_on=OPENS, closes_on=CLOSES, actor_id=None, asked=5,
        )  # fmt: skip
    with pytest.raises(Invalid):  # one option is no choice
        surveys.open_survey(
            session, p.cid, title="问卷", questions=[("问？", ("是",))],
            asked_of=AskedOf.OWNERS, opens_on=OPENS, closes_on=CLOSES, actor_id=None,
        )  # fmt: skip


def _decision(session: Session, cid: int, owners: list[int]) -> int:
    committee = committees.add_committee(
        session, cid, kind=committees_kind(), name="物管会", formed_on=date(2026, 1, 1)
    )
    members = [
        committees.add_member(
            session, cid, committee.id, party_id=party, role=MemberRole.MEMBER,
            term_from=date(2026, 1, 1),
        ).id
        for party in owners[:3]
    ]  # fmt: skip
    return decisions.record_decision(
        session, cid, committee.id, title="同意更换道闸", way=Way.MEETING,
        decided_on=date(2026, 12, 1), present=members,
        votes=dict.fromkeys(members, Choice.YES), actor_id=None,
    ).id  # fmt: skip


def committees_kind():  # type: ignore[no-untyped-def]
    from sunshine.registry.rules import CommitteeKind

    return CommitteeKind.PROPERTY_COMMITTEE


@pytest.mark.parametrize(("day", "late"), [(date(2026, 12, 4), False), (date(2026, 12, 5), True)])
def test_a_decision_s_announcement_is_late_after_its_day(
    session: Session, day: date, late: bool
) -> None:
    p = place(session)
    decision = _decision(session, p.cid, p.owners)  # decided 1 December: due by the 4th
    row = announcements.publish(
        session, p.cid, kind=AnnouncementKind.DECISION, title="物管会决定公告",
        text="物管会决定更换道闸。", on=day, ref=f"decision:{decision}", actor_id=None,
    )  # fmt: skip
    assert row.due_by == date(2026, 12, 4)
    assert announcements.is_late(row) is late
    assert announcements.record_of(row)["late"] is late
    assert decisions.get_decision(session, p.cid, decision).announced_on == day
    with pytest.raises(Conflict):  # once
        announcements.publish(
            session, p.cid, kind=AnnouncementKind.DECISION, title="再次公告", text="",
            on=day, ref=f"decision:{decision}", actor_id=None,
        )  # fmt: skip
    assert transparency.audit(session, p.cid).clean


def test_an_announcement_s_reference_and_text_are_checked(session: Session) -> None:
    p = place(session)
    for ref in ("decision:x", "ticket:3", "vote:0", "vote 3"):
        with pytest.raises(Invalid):
            announcements.parse_ref(ref)
    with pytest.raises(Invalid):  # a decision's announcement names its decision
        announcements.publish(
            session, p.cid, kind=AnnouncementKind.DECISION, title="决定", text="",
            on=OPENS, actor_id=None,
        )  # fmt: skip
    with pytest.raises(Invalid):  # no phone numbers on the board
        announcements.publish(
            session, p.cid, kind=AnnouncementKind.OTHER, title="停水通知",
            text="如有问题请联系13812345678", on=OPENS, actor_id=None,
        )  # fmt: skip
    survey_id = _open(session, p.cid)
    other = announcements.publish(
        session, p.cid, kind=AnnouncementKind.MEETING_NOTICE, title="四方联席会议通知",
        text="12月15日召开。", on=OPENS, ref="meeting:2", due_by=date(2026, 12, 8),
        actor_id=None,
    )  # fmt: skip
    assert announcements.is_late(other)
    survey_note = announcements.publish(
        session, p.cid, kind=AnnouncementKind.SURVEY, title="意见征求", text="",
        on=OPENS, ref=f"survey:{survey_id}", actor_id=None,
    )  # fmt: skip
    assert survey_note.due_by is None
    assert not announcements.is_late(survey_note)
    with pytest.raises(Exception, match="survey"):
        announcements.publish(
            session, p.cid, kind=AnnouncementKind.SURVEY, title="意见征求", text="",
            on=OPENS, ref=f"survey:{survey_id + 5}", actor_id=None,
        )  # fmt: skip
    newest = announcements.list_announcements(session, p.cid)
    assert [a.id for a in newest] == [survey_note.id, other.id]
