"""The reference community's joint meeting of 20 August 2024: four parties, minutes published
after the first year's notices (October's checkpoint unmoved), four actions, one overdue."""

from __future__ import annotations

import json
from datetime import date

from sunshine.demo.service import meeting as demo_meeting
from sunshine.governance.service import meetings
from sunshine.infra.tenancy import CommunityRef
from sunshine.transparency import service as transparency
from tests.demo.conftest import OCTOBER_CHECKPOINT
from tests.demo.conftest import Loaded
from tests.factories import FIRST_YEAR_LOADED


def test_the_joint_meeting_is_published_with_its_four_parties(loaded: Loaded) -> None:
    session, cid = loaded.session, loaded.community.id
    [meeting] = meetings.list_meetings(session, cid, published_only=True)
    assert meeting.id == 1  # the phone-layout walk opens /meetings/1
    assert (meeting.held_on, meeting.version) == (date(2024, 8, 20), 1)
    assert meetings.missing_parties(meeting) == []
    [published] = meetings.versions(session, cid, meeting.id)
    assert published.published_on == date(2024, 8, 22)
    assert published.log_seq > OCTOBER_CHECKPOINT[1]  # logged after October's checkpoint
    logged = transparency.find_record(session, cid, kind="governance.minutes", ref="meeting/1/v1")
    assert logged is not None
    record = json.loads(logged.body)
    assert record["joint"] is True
    text = bytes(logged.body).decode("utf-8")
    assert "陈立新" not in text
    assert "刘建国" not in text
    assert "陈**" in text
    for said in ("道闸", "69个车位", "僵尸车", "垃圾清理费", "阳光信托", "开源节流"):
        assert said in meeting.minutes, said


def test_four_actions_one_done_and_one_overdue(loaded: Loaded) -> None:
    session, cid = loaded.session, loaded.community.id
    actions = meetings.actions_of(session, cid, 1)
    assert len(actions) == 4
    assert [a.done_on for a in actions if a.done_on] == [date(2024, 9, 1)]
    [late] = meetings.overdue(session, cid, today=FIRST_YEAR_LOADED)
    assert late.action.due_on == date(2024, 11, 30)
    ref = CommunityRef(cid, loaded.community.code, loaded.community.name)
    assert demo_meeting.load_meeting(session, ref, actor_id=None).id == 1  # loaded once
