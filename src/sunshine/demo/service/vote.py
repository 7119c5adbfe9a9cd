"""The reference community's first formal owners' vote, held and published (Civil Code art. 278).

SCENARIO.md: the renovation made 69 parking spaces, 60 let to residents and 9 temporary
(visitor) spaces. The demo's 物管会 puts one matter to all owners after the trust's first
year: turn 3 of the 9 visitor spaces into charging spaces for electric cars, the site
income going to the owners' trust fund. That changes the use of common parts, art. 278
para. 1 item 8, which needs 3/4 of the participants' area and headcount.

The ballots are fixed by each person's place on the frozen roll (no randomness): about
five in six owners vote (the May 2024 survey reached 159 of 192), most online, one in
seven on paper entered at the office with its scan; most agree, some disagree, a few
abstain; the developer's unsold units cast none. The vote is logged after the first year's
notices, so the October 2024 notice's checkpoint does not move. A demo loaded before the
vote closed (15 September 2025) has none.
"""

from __future__ import annotations

import io
from datetime import date
from datetime import datetime
from datetime import timedelta

from PIL import Image
from PIL import ImageDraw
from sqlalchemy.orm import Session

from sunshine.demo.service.receipts import _font
from sunshine.governance.rules.roll import Scope
from sunshine.governance.rules.tally import Choice
from sunshine.governance.rules.thresholds import Item
from sunshine.governance.service import ballots
from sunshine.governance.service import counting
from sunshine.governance.service import votes
from sunshine.governance.service.votes import MatterDraft
from sunshine.infra import clock
from sunshine.ledger import service as ledger

TITLE = "临时车位改作新能源汽车充电车位"
MATTER = MatterDraft(
    Item.CHANGE_USE_OF_COMMON_PARTS,
    "将9个临时（访客）车位中的3个改作新能源汽车充电车位，场地收益归业主信托资金",
)
NOTICE_ON = date(2025, 8, 20)
OPENS = datetime(2025, 9, 1, 9, 0, tzinfo=clock.SHANGHAI)
CLOSES = datetime(2025, 9, 15, 18, 0, tzinfo=clock.SHANGHAI)
NOTICE = (
    "物管会定于2025年9月1日9时至9月15日18时，就将3个临时车位改作新能源汽车充电车位征求业主共同决定"
    "（民法典第二百七十八条第一款第八项）。业主可在“阳光物业”在线投票，或到物业服务中心领取纸质表决票。"
)
_ANSWERS = {Choice.YES: "同意", Choice.NO: "反对", Choice.ABSTAIN: "弃权"}


def _answer(place: int) -> Choice | None:
    """The ballot of the person at `place` on the roll: None for no ballot."""
    if place % 6 == 5:
        return None  # about one in six stays away
    if place % 13 == 4:
        return Choice.ABSTAIN
    if place % 9 == 2:
        return Choice.NO
    return Choice.YES


def _scan(units: str, answer: Choice) -> bytes:
    """A generated picture of the paper ballot (it names no one: the units only)."""
    image = Image.new("L", (720, 420), 255)
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 709, 409), outline=0, width=2)
    draw.text((360, 50), "荆川东园业主共同决定表决票", font=_font(30), fill=0, anchor="mm")
    lines = (
        f"房屋：{units}",
        f"事项：{TITLE}",
        f"意见：{_ANSWERS[answer]}",
        "（纸质表决票扫描件）",
    )
    for row, text in enumerate(lines):
        draw.text((40, 110 + 50 * row), text, font=_font(22), fill=0)
    draw.text(
        (360, 385), "演示凭证 DEMO · 由 Sunshine 示例数据生成", font=_font(16), fill=96, anchor="mm"
    )
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=3)
    return out.getvalue()


def load_vote(session: Session, community_id: int, *, actor_id: int | None) -> int | None:
    """Draft, open, cast and close the demo's vote; its number (None before it closed)."""
    if clock.today() <= CLOSES.date():
        return None
    vote = votes.create_vote(
        session, community_id, title=TITLE, matters=[MATTER], scope=Scope(), opens_at=OPENS,
        closes_at=CLOSES, notice_text=NOTICE, notice_on=NOTICE_ON, actor_id=actor_id,
    )  # fmt: skip
    counting.open_vote(session, community_id, vote.id, at=OPENS)
    roll = votes.roll_of(vote)
    numbers = {unit.unit_id: unit.number for unit in roll.units}
    people = sorted(roll.voters, key=lambda v: min(numbers[u] for u in v.unit_ids))
    for place, voter in enumerate(p for p in people if not p.is_developer):
        answer = _answer(place)
        if answer is None:
            continue
        at = OPENS + timedelta(minutes=53 * place)  # spread over the two weeks
        paper = place % 7 == 3
        docs = None
        if paper:
            units = "、".join(sorted(numbers[u] for u in voter.unit_ids))
            scan = ledger.store_voucher(
                session, community_id, _scan(units, answer), name=f"表决票 {units}.png",
                actor_id=actor_id,
            )  # fmt: skip
            docs = ballots.Documents(voucher_sha256=scan.sha256)
        way = ballots.BallotWay.PAPER if paper else ballots.BallotWay.ELECTRONIC
        ballots.cast_ballot(
            session, community_id, vote.id, party_id=min(voter.casters), answers={1: answer},
            way=way, at=at, voter=voter.key, documents=docs, actor_id=actor_id if paper else None,
        )  # fmt: skip
    counting.close_vote(session, community_id, vote.id, at=CLOSES)
    return vote.id
