"""The reference community's May 2024 survey (意见征求) and its announcements.

SCENARIO.md: in May 2024, before the trust model started, the neighbourhood asked the
192 households door to door and by phone whether to adopt it; 159 responses were valid
and 115 were in favour: 72.3% of the valid responses (115 / 159 = 0.7233). It was an
opinion survey, not an owners' vote under Civil Code art. 278, and it is recorded as one.

The platform started on 1 September 2024, so the survey's paper results are entered
afterwards, as staff would: the survey, its 163 responses (159 choosing an option, 4
paper forms returned blank) and its result are logged after the first year's notices,
so the October 2024 notice's checkpoint (its printed fingerprint) does not move. Which
unit answered what is deterministic (units ordered by a hash of their number); the
channels are door-to-door, phone and paper, none online (there was no platform yet).
Two announcements follow: the survey's result and the gate's start (`load.py` signs the
log once after all of governance's demo records).
"""

from __future__ import annotations

import hashlib
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

from sqlalchemy.orm import Session

from sunshine.governance.rules.announcements import AnnouncementKind
from sunshine.governance.rules.survey import AskedOf
from sunshine.governance.rules.survey import Channel
from sunshine.governance.service import announcements
from sunshine.governance.service import surveys
from sunshine.infra.tenancy import CommunityRef
from sunshine.registry import service as registry

TITLE = "关于小区实行“阳光信托”物业服务模式的意见征求"
QUESTION = "是否同意小区实行“阳光信托”物业服务模式（安装车辆道闸、规划停车位并收取停车费）？"
OPTIONS = ("同意", "不同意", "无意见")
OPENS_ON = date(2024, 5, 6)
CLOSES_ON = date(2024, 5, 26)
CLOSED_ON = date(2024, 5, 27)
# How many chose each option (in OPTIONS order), and blank paper forms.
IN_FAVOUR, AGAINST, NO_VIEW, BLANK = 115, 31, 13, 4
# The channel of the valid responses, in the order they are entered: door, then phone.
BY_DOOR = 112


def _order(number: str) -> str:
    return hashlib.sha256(f"survey-2024-05/{number}".encode()).hexdigest()


def planned() -> list[tuple[int | None, Channel]]:
    """Each response in the order entered: the option chosen (None: blank) and the channel."""
    options = [1] * IN_FAVOUR + [2] * AGAINST + [3] * NO_VIEW
    # interleave so that each channel carries every option: a fixed stride through the list
    stride = 7
    mixed = [options[(i * stride) % len(options)] for i in range(len(options))]
    valid: list[tuple[int | None, Channel]] = [
        (choice, Channel.DOOR if i < BY_DOOR else Channel.PHONE) for i, choice in enumerate(mixed)
    ]
    return valid + [(None, Channel.PAPER)] * BLANK


def load_survey(session: Session, ref: CommunityRef, *, actor_id: int | None) -> None:
    """Open the survey, enter its responses, close it and announce its result."""
    community_id = ref.id
    if actor_id is None:
        raise LookupError("the demo's survey is entered by its staff login")
    survey = surveys.open_survey(
        session,
        community_id,
        title=TITLE,
        questions=[(QUESTION, OPTIONS)],
        asked_of=AskedOf.HOUSEHOLDS,
        opens_on=OPENS_ON,
        closes_on=CLOSES_ON,
        actor_id=actor_id,
    )
    units = sorted(registry.list_units(session, community_id), key=lambda u: _order(u.number))
    start = datetime(2024, 5, 6, 2, 0, tzinfo=UTC)  # 10:00 in Changzhou
    for index, ((choice, channel), unit) in enumerate(zip(planned(), units, strict=False)):
        surveys.enter_response(
            session,
            community_id,
            survey.id,
            unit_id=unit.id,
            answers={} if choice is None else {1: choice},
            channel=channel,
            actor_id=actor_id,
            at=start + timedelta(minutes=150 * index),  # 163 × 2.5 h: within the 3 weeks
        )
    surveys.close_survey(session, community_id, survey.id, on=CLOSED_ON)
    result = surveys.record_of(survey)["result"]["questions"][0]
    percent = result["options"][0]["percent"]
    announcements.publish(
        session,
        community_id,
        kind=AnnouncementKind.SURVEY,
        title="“阳光信托”物业服务模式意见征求结果公告",
        text=(
            f"本次意见征求共征询{survey.asked}户，收回有效意见{result['valid']}份，"
            f"其中同意{IN_FAVOUR}份，占有效意见的{percent}%。"
            "本次为意见征求，不具表决效力，不是业主共同决定（民法典第二百七十八条）。"
        ),
        on=date(2024, 5, 29),
        ref=f"survey:{survey.id}",
        actor_id=actor_id,
    )
    announcements.publish(
        session,
        community_id,
        kind=AnnouncementKind.OTHER,
        title="小区车辆道闸启用通知",
        text=(
            "小区入口车辆道闸于2024年9月1日启用，业主车辆凭车牌识别进出；"
            "访客车辆请按指引停放临时车位，货车及外来车辆不再进入小区。"
        ),
        on=date(2024, 8, 25),
        actor_id=actor_id,
    )
