"""The reference community's four-party joint meeting (四方联席会议) of 20 August 2024.

SCENARIO.md and the article beside it: 锦阳苑社区 built a four-party system (the
neighbourhood Party committee, the grid Party branch, the 物管会 and the property company)
before the trustee and the gate barrier started on 1 September 2024. The demo's meeting
settles what the article reports: the gate, the 69 parking spaces (60 for residents at
120 a month, 9 for visitors), the zombie cars towed with the police and city enforcement,
the garbage fee (100 a household a year), the trust model with its monthly publication,
and the budget's shortfall of nearly 50,000 to close by "开源节流".

Its four actions: the gate going live on 1 September (done that day); the 开源节流 plan,
due 30 November 2024 and still not done (overdue, flagged on the pages); and two standing
duties whose next report falls due at the end of the month after the demo is loaded (open,
on time). The people are made up; owners and the log see their names masked. The 物管会 is
represented by the demo's committee members (plan.COMMITTEE_UNITS).

The minutes are published (logged) after the first year's notices, so the October 2024
notice's checkpoint, and its printed fingerprint, do not move.
"""

from __future__ import annotations

import calendar
from datetime import date
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from sunshine.demo.service.committee import find_committee
from sunshine.governance.rules.decisions import MemberRole
from sunshine.governance.rules.meetings import MeetingParty
from sunshine.governance.service import committees
from sunshine.governance.service import meetings
from sunshine.infra import clock
from sunshine.infra.tenancy import CommunityRef
from sunshine.registry import service as registry

if TYPE_CHECKING:
    from sunshine.governance.models import Meeting

TITLE = "荆川东园四方联席会议：道闸、停车与阳光信托物业"
HELD_ON = date(2024, 8, 20)
PUBLISHED_ON = date(2024, 8, 22)
PLACE = "锦阳苑社区党群服务中心会议室"
TRUSTEE = "常州鼎盛物业服务有限责任公司"
P = MeetingParty

ATTENDEES = (
    (P.PARTY_COMMITTEE, "锦阳苑社区党委", "书记", "陈立新"),
    (P.PARTY_COMMITTEE, "锦阳苑社区居委会", "主任", "赵敏"),
    (P.GRID_BRANCH, "锦阳苑社区第三网格党支部", "书记", "王芳"),
    (P.TRUSTEE, TRUSTEE, "项目经理", "刘建国"),
    (P.GUEST, "属地派出所", "社区民警", ""),
    (P.GUEST, "钟楼区城市管理行政执法大队", "中队长", ""),
)
AGENDA = (
    "道闸系统更换及9月1日起落杆运行",
    "改造腾出的69个车位的分配：60个居民车位、9个临时访客车位",
    "僵尸车、违停车辆和外来货车的清理",
    "垃圾清理费的收取",
    "“阳光信托”物业模式：信托账户与收支公示",
    "年度预算缺口与开源节流",
)
MINUTES = """\
会议由锦阳苑社区党委书记主持，社区党委、网格党支部、物管会和物业公司四方参加，属地派出所和城市管理行政执法部门列席。

一、道闸。物业公司汇报：小区入口原道闸系统老化，拟更换为车牌识别电子道闸，报价4,100元，按规定报物管会审批后支付。新道闸于9月1日启用，外来车辆和货车不再进入小区，访客车辆由保安引导停放临时车位。

二、停车。老旧小区改造腾出69个车位。经讨论，60个分配给小区居民，每个车位每月120元；9个作为临时访客车位。分配方案在公示栏公示后实施。

三、僵尸车。停车矛盾约占小区矛盾的八成。社区协调属地公安和行政执法部门，对僵尸车、违停车辆进行拖离，网格党支部组织网格员逐车核实、通知车主。

四、收费。垃圾清理费每户每年100元，由物业公司收取，全部进入小区信托账户。

五、阳光信托。业主的钱存入信托账户，物业公司作为受托人按服务收取报酬；每月在公示栏和“阳光物业”平台公示收支明细，接受业主监督。

六、预算。全年预算（人员、设备维护等）超过15万元，停车费和垃圾清理费收入约10万元，缺口近5万元。与会各方同意通过开源节流解决，由物管会会同物业公司提出方案。"""
RESOLUTIONS = (
    "9月1日起新道闸系统启用，外来车辆和货车不再进入小区，访客车辆停放临时车位；更换道闸系统费用4,100元报物管会审批后支付。",
    "69个车位中60个分配给小区居民，每个车位每月120元；9个作为临时访客车位。",
    "社区协调属地公安、行政执法部门于8月底前拖离僵尸车和违停车辆。",
    "垃圾清理费每户每年100元，由物业公司收取并全部进入小区信托账户。",
    "小区实行“阳光信托”物业，物业公司每月在公示栏和“阳光物业”平台公示收支明细。",
    "年度预算缺口近5万元，由物管会会同物业公司提出开源节流方案，需要时提请业主共同决定。",
)


def _month_after(today: date) -> date:
    """The last day of the month after `today`'s: when a standing duty next reports."""
    first_next = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    last = calendar.monthrange(first_next.year, first_next.month)[1]
    return first_next.replace(day=last)


def find_meeting(session: Session, community_id: int) -> Meeting | None:
    for meeting in meetings.list_meetings(session, community_id):
        if meeting.title == TITLE:
            return meeting
    return None


def load_meeting(session: Session, ref: CommunityRef, *, actor_id: int | None) -> Meeting:
    """Record, publish and follow up the 20 August 2024 joint meeting (or return it).

    The minutes are logged after the last notice's checkpoint; `load.py` signs them.
    """
    community_id = ref.id
    found = find_meeting(session, community_id)
    if found is not None:
        return found
    meeting = meetings.create_meeting(
        session, community_id, title=TITLE, held_on=HELD_ON, place=PLACE, actor_id=actor_id
    )
    for party, organisation, role, name in ATTENDEES[:3]:
        meetings.attend(session, community_id, meeting.id, party=party,
                        organisation=organisation, role=role, name=name)  # fmt: skip
    _committee_attends(session, community_id, meeting.id)
    for party, organisation, role, name in ATTENDEES[3:]:
        meetings.attend(session, community_id, meeting.id, party=party,
                        organisation=organisation, role=role, name=name)  # fmt: skip
    for item in AGENDA:
        meetings.add_agenda(session, community_id, meeting.id, item)
    meetings.set_minutes(session, community_id, meeting.id, MINUTES)
    for resolution in RESOLUTIONS:
        meetings.resolve(session, community_id, meeting.id, resolution)
    standing = _month_after(clock.today())
    gate = meetings.add_action(
        session, community_id, meeting.id,
        text="9月1日新道闸系统落杆启用，访客车辆引导至临时车位；道闸更换费用报物管会审批",
        party=P.TRUSTEE, owner="物业项目经理", due_on=date(2024, 9, 1), refs=["expense:1"],
    )  # fmt: skip
    meetings.add_action(
        session, community_id, meeting.id,
        text="提出补齐年度近5万元缺口的开源节流方案（广告位、访客停车收费等），需要时提请业主共同决定",
        party=P.COMMITTEE, owner="物管会主任", due_on=date(2024, 11, 30),
    )  # fmt: skip
    meetings.add_action(
        session, community_id, meeting.id,
        text="网格员每月巡查僵尸车、违停车辆，发现即协调属地公安、行政执法拖离，并在联席会议上通报",
        party=P.GRID_BRANCH, owner="网格党支部书记", due_on=standing,
    )  # fmt: skip
    meetings.add_action(
        session, community_id, meeting.id,
        text="督促物业公司每月在公示栏和“阳光物业”平台公示信托账户收支，并在联席会议上通报业主意见",
        party=P.PARTY_COMMITTEE, owner="社区党委", due_on=standing,
    )  # fmt: skip
    meetings.publish(session, community_id, meeting.id, on=PUBLISHED_ON, actor_id=actor_id)
    meetings.mark_done(session, community_id, gate.id, on=date(2024, 9, 1), actor_id=actor_id)
    return meeting


def _committee_attends(session: Session, community_id: int, meeting_id: int) -> None:
    """The 物管会's chair and one member, by their names in the registry."""
    committee = find_committee(session, community_id)
    if committee is None:
        raise LookupError("the demo's 物管会 comes before its joint meeting")
    serving = committees.members_on(session, community_id, committee.id, HELD_ON)
    chair = [m for m in serving if m.role is MemberRole.CHAIR]
    others = [m for m in serving if m.role is not MemberRole.CHAIR]
    for member in [*chair, *others][:2]:
        party = registry.get_party(session, community_id, member.party_id)
        role = "主任" if member.role is MemberRole.CHAIR else "委员"
        meetings.attend(session, community_id, meeting_id, party=P.COMMITTEE,
                        organisation=committee.name, role=role, name=party.name)  # fmt: skip
