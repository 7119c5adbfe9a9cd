"""The joint meeting's service on both databases: recorded, published, locked, corrected, logged."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy.orm import Session

from sunshine.governance.rules.meetings import MeetingParty
from sunshine.governance.rules.meetings import MeetingState
from sunshine.governance.service import meetings
from sunshine.infra import clock
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.transparency import service as transparency
from tests.factories import make_community
from tests.governance.meetings_setup import HELD_ON
from tests.governance.meetings_setup import recorded_meeting

P = MeetingParty


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: date(2024, 10, 15))


def test_a_meeting_of_three_parties_names_the_one_missing(session: Session) -> None:
    community = make_community(session)
    meeting = recorded_meeting(session, community.id, parties=(P.PARTY_COMMITTEE, P.COMMITTEE,
                                                              P.TRUSTEE))  # fmt: skip
    assert meetings.missing_parties(meeting) == [P.GRID_BRANCH]
    meetings.attend(session, community.id, meeting.id, party=P.GUEST, organisation="属地派出所")
    assert meetings.missing_parties(meeting) == [P.GRID_BRANCH]
    record = meetings.record_of(meetings.publish(session, community.id, meeting.id,
                                                 on=HELD_ON, actor_id=None))  # fmt: skip
    assert record["joint"] is False
    assert record["missing"] == ["grid_branch"]


def test_publishing_logs_the_minutes_with_names_masked(session: Session) -> None:
    community = make_community(session)
    meeting = recorded_meeting(session, community.id)
    assert meetings.list_meetings(session, community.id, published_only=True) == []
    published = meetings.publish(session, community.id, meeting.id, on=date(2024, 8, 22),
                                 actor_id=None)  # fmt: skip
    assert (meeting.state, meeting.version, published.version) == (MeetingState.PUBLISHED, 1, 1)
    logged = transparency.find_record(
        session, community.id, kind="governance.minutes", ref=f"meeting/{meeting.id}/v1"
    )
    assert logged is not None
    assert logged.seq == published.log_seq
    record = json.loads(logged.body)
    assert record == meetings.record_of(published)
    assert record["joint"] is True
    assert record["missing"] == []
    assert record["on"] == "2024-08-20"
    assert record["published_on"] == "2024-08-22"
    assert [a["name"] for a in record["attendees"]] == ["陈**", "王**", "李**", "刘**"]
    first, second = record["actions"]
    assert first["owner"] == "刘**"  # an attendee's name, masked; a role stays as written
    assert second["owner"] == "社区党委"
    assert second["refs"] == ["ticket:5", "vote:3/2"]
    text = bytes(logged.body).decode("utf-8")
    assert not [name for name in ("陈立新", "王芳", "李建华", "刘建国") if name in text]
    assert "corrects" not in record
    assert meetings.list_meetings(session, community.id, published_only=True) == [meeting]


def test_published_minutes_are_locked(session: Session) -> None:
    community = make_community(session)
    meeting = recorded_meeting(session, community.id)
    meetings.publish(session, community.id, meeting.id, on=HELD_ON, actor_id=None)
    mid = meeting.id
    with pytest.raises(Conflict, match="published"):
        meetings.set_minutes(session, community.id, mid, "改写")
    with pytest.raises(Conflict, match="published"):
        meetings.resolve(session, community.id, mid, "新决议")
    with pytest.raises(Conflict, match="published"):
        meetings.add_agenda(session, community.id, mid, "新议题")
    with pytest.raises(Conflict, match="published"):
        meetings.attend(session, community.id, mid, party=P.GUEST, organisation="城管")
    with pytest.raises(Conflict, match="published"):
        meetings.add_action(session, community.id, mid, text="新", party=P.TRUSTEE, owner="物业",
                            due_on=HELD_ON)  # fmt: skip
    with pytest.raises(Conflict, match="published"):
        meetings.publish(session, community.id, mid, on=HELD_ON, actor_id=None)


def test_a_correction_is_a_new_version_logged_with_its_reason(session: Session) -> None:
    community = make_community(session)
    meeting = recorded_meeting(session, community.id)
    first = meetings.publish(session, community.id, meeting.id, on=date(2024, 8, 22),
                             actor_id=None)  # fmt: skip
    with pytest.raises(Conflict, match="changes nothing"):
        meetings.correct(session, community.id, meeting.id, reason="无", on=date(2024, 8, 23),
                         actor_id=None, minutes=meeting.minutes)  # fmt: skip
    with pytest.raises(Invalid):
        meetings.correct(session, community.id, meeting.id, reason="", on=date(2024, 8, 23),
                         actor_id=None, minutes="更正")  # fmt: skip
    second = meetings.correct(
        session, community.id, meeting.id, reason="道闸启用日期笔误", on=date(2024, 8, 23),
        actor_id=None, resolutions=["道闸于9月1日零时启用"],
    )  # fmt: skip
    assert (second.version, meeting.version) == (2, 2)
    record = meetings.record_of(second)
    assert record["corrects"] == 1
    assert record["reason"] == "道闸启用日期笔误"
    assert record["resolutions"] == ["道闸于9月1日零时启用"]
    assert meetings.record_of(first)["resolutions"] == ["道闸于9月1日启用"]  # kept as published
    assert second.log_seq > first.log_seq
    logged = transparency.find_record(
        session, community.id, kind="governance.minutes", ref=f"meeting/{meeting.id}/v2"
    )
    assert logged is not None
    assert [v.version for v in meetings.versions(session, community.id, meeting.id)] == [1, 2]
    third = meetings.correct(session, community.id, meeting.id, reason="补记", on=date(2024, 8, 23),
                             actor_id=None, minutes="会议纪要（更正）")  # fmt: skip
    assert meetings.record_of(third)["corrects"] == 2


def test_a_draft_cannot_be_corrected_and_needs_minutes_to_publish(session: Session) -> None:
    community = make_community(session)
    meeting = meetings.create_meeting(session, community.id, title="联席会", held_on=HELD_ON,
                                      place="会议室", actor_id=None)  # fmt: skip
    with pytest.raises(Conflict, match="not published"):
        meetings.correct(session, community.id, meeting.id, reason="x", on=HELD_ON,
                         actor_id=None, minutes="y")  # fmt: skip
    with pytest.raises(Invalid, match="no text"):
        meetings.publish(session, community.id, meeting.id, on=HELD_ON, actor_id=None)
    meetings.set_minutes(session, community.id, meeting.id, "纪要")
    with pytest.raises(Invalid, match="on or after"):
        meetings.publish(session, community.id, meeting.id, on=date(2024, 8, 19), actor_id=None)


def test_phone_numbers_never_reach_the_minutes(session: Session) -> None:
    community = make_community(session)
    meeting = recorded_meeting(session, community.id)
    with pytest.raises(Invalid, match="phone"):
        meetings.set_minutes(session, community.id, meeting.id, "联系人电话13812345678")
    with pytest.raises(Invalid, match="phone"):
        meetings.resolve(session, community.id, meeting.id, "有事请拨 138 1234 5678")
    with pytest.raises(Invalid, match="phone"):
        meetings.attend(session, community.id, meeting.id, party=P.GUEST, organisation="派出所",
                        name="13812345678")  # fmt: skip
    with pytest.raises(Invalid, match="phone"):
        meetings.add_action(session, community.id, meeting.id, text="回电13812345678",
                            party=P.TRUSTEE, owner="物业", due_on=HELD_ON)  # fmt: skip


def test_actions_are_overdue_the_day_after_their_due_day_until_done(session: Session) -> None:
    community = make_community(session)
    meeting = recorded_meeting(session, community.id)
    gate, cars = meetings.actions_of(session, community.id, meeting.id)
    assert meetings.overdue(session, community.id, today=date(2024, 8, 31)) == []
    [late] = meetings.overdue(session, community.id, today=date(2024, 9, 1))
    assert (late.action.id, late.days) == (gate.id, 1)
    assert meetings.overdue(session, community.id, today=date(2024, 9, 1), published_only=True) \
        == []  # fmt: skip
    assert [o.action.id for o in meetings.overdue(session, community.id,
                                                  today=date(2024, 10, 1))] == [gate.id, cars.id]  # fmt: skip
    meetings.mark_done(session, community.id, gate.id, on=date(2024, 9, 3), actor_id=None)
    [still] = meetings.overdue(session, community.id, today=date(2024, 10, 1))
    assert still.action.id == cars.id
    with pytest.raises(Conflict):
        meetings.mark_done(session, community.id, gate.id, on=date(2024, 9, 4), actor_id=None)


def test_an_action_is_done_between_the_meeting_and_today(session: Session) -> None:
    community = make_community(session)
    meeting = recorded_meeting(session, community.id)
    meetings.publish(session, community.id, meeting.id, on=HELD_ON, actor_id=None)
    gate, _cars = meetings.actions_of(session, community.id, meeting.id)
    with pytest.raises(Invalid, match="on or after"):
        meetings.mark_done(session, community.id, gate.id, on=date(2024, 8, 19), actor_id=None)
    with pytest.raises(Invalid, match="still to come"):
        meetings.mark_done(session, community.id, gate.id, on=date(2024, 10, 16), actor_id=None)
    done = meetings.mark_done(session, community.id, gate.id, on=date(2024, 10, 15), actor_id=None)
    assert done.done_on == date(2024, 10, 15)  # after publication: follow-up, not an edit


def test_actions_are_due_after_the_meeting_and_name_typed_refs(session: Session) -> None:
    community = make_community(session)
    meeting = recorded_meeting(session, community.id)
    with pytest.raises(Invalid, match="on or after"):
        meetings.add_action(session, community.id, meeting.id, text="x", party=P.TRUSTEE,
                            owner="物业", due_on=date(2024, 8, 19))  # fmt: skip
    with pytest.raises(Invalid, match="reference"):
        meetings.add_action(session, community.id, meeting.id, text="x", party=P.TRUSTEE,
                            owner="物业", due_on=HELD_ON, refs=["invoice:3"])  # fmt: skip
    made = meetings.add_action(session, community.id, meeting.id, text="x", party=P.TRUSTEE,
                               owner="物业", due_on=HELD_ON, refs=["Expense:4", "expense:4",
                                                                   "decision:7"])  # fmt: skip
    assert meetings.refs_of(made) == ["expense:4", "decision:7"]


def test_another_communitys_meeting_is_not_found(session: Session) -> None:
    community, other = make_community(session), make_community(session)
    meeting = recorded_meeting(session, community.id)
    with pytest.raises(NotFound):
        meetings.get_meeting(session, other.id, meeting.id)
    with pytest.raises(NotFound):
        meetings.publish(session, other.id, meeting.id, on=HELD_ON, actor_id=None)
