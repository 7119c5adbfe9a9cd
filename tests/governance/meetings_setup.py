"""A joint meeting recorded in a few lines, for the meetings' service, CLI, API and page tests."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from sunshine.governance.models import Meeting
from sunshine.governance.rules.meetings import MeetingParty
from sunshine.governance.service import meetings

HELD_ON = date(2024, 8, 20)
P = MeetingParty


def recorded_meeting(
    session: Session, community_id: int, *, parties: tuple[MeetingParty, ...] | None = None
) -> Meeting:
    """A draft meeting with attendees of `parties` (all four by default), agenda, minutes,
    a resolution and two actions: one due 31 August 2024, one due 30 September 2024."""
    meeting = meetings.create_meeting(
        session, community_id, title="四方联席会议：道闸与停车", held_on=HELD_ON,
        place="社区党群服务中心", actor_id=None,
    )  # fmt: skip
    people = {
        P.PARTY_COMMITTEE: ("锦阳苑社区党委", "书记", "陈立新"),
        P.GRID_BRANCH: ("第三网格党支部", "书记", "王芳"),
        P.COMMITTEE: ("荆川东园物管会", "主任", "李建华"),
        P.TRUSTEE: ("常州鼎盛物业服务有限责任公司", "项目经理", "刘建国"),
    }
    for party in P.PARTY_COMMITTEE, P.GRID_BRANCH, P.COMMITTEE, P.TRUSTEE:
        if parties is None or party in parties:
            organisation, role, name = people[party]
            meetings.attend(
                session, community_id, meeting.id, party=party, organisation=organisation,
                role=role, name=name,
            )  # fmt: skip
    meetings.add_agenda(session, community_id, meeting.id, "道闸系统更换")
    meetings.add_agenda(session, community_id, meeting.id, "僵尸车清理")
    meetings.set_minutes(session, community_id, meeting.id, "会议听取了物业公司关于道闸的汇报。")
    meetings.resolve(session, community_id, meeting.id, "道闸于9月1日启用")
    meetings.add_action(
        session, community_id, meeting.id, text="道闸落杆启用", party=P.TRUSTEE,
        owner="刘建国", due_on=date(2024, 8, 31), refs=["expense:1"],
    )  # fmt: skip
    meetings.add_action(
        session, community_id, meeting.id, text="协调拖离僵尸车", party=P.PARTY_COMMITTEE,
        owner="社区党委", due_on=date(2024, 9, 30), refs=["ticket:5", "vote:3/2"],
    )  # fmt: skip
    return meeting
