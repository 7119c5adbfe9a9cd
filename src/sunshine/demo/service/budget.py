"""荆川东园's approved budget for its first trust year, 2024-09 to 2025-08.

SCENARIO.md gives the totals: an annual budget of "more than 150,000 CNY" (staff,
equipment upkeep, …) against "more than 100,000" of income from parking rent and
garbage fees, a shortfall "close to 50,000". The lines below are mapped to the
reference chart (ledger.rules.CHART); the amounts are the demo's own, chosen to be
plausible and to add up to those totals:

    income    6002 parking rent     60 spaces × 120 × 12        86,400.00
              6004 garbage fees     192 households × 100        19,200.00   105,600.00
    spending  6601 wages            5,300 a month               63,600.00
              660801 water                                         600.00
              660802 electricity                                 2,400.00
              6602 upkeep           incl. the gate system 4,100 18,100.00
              6603 cleaning         garbage clearance, supplies 18,000.00
              6604 greening                                      6,000.00
              6605 security         night patrol, gate duty     30,000.00
              6606 office                                        3,300.00
              6607 insurance        public liability, once       3,000.00
              6610 remuneration     1,000 a month from 2024-11  10,000.00   155,000.00
                                                     planned shortfall     -49,400.00

Each later trust year that has begun gets its own budget (`LATER_LINES`: the same lines
at what the first year spent, plus the visitor parking and advertising that
`demo/service/later.py` books from September 2025), approved the same way without comments.

It goes through the disclosure services like a real budget: a draft, opened for the
owners' comments (two comments from the demo owner, shown without a name), then
approved by the committee with a decision document: a generated PNG that says it is a
demo. Loading is idempotent: an existing budget for 2024-09 is returned untouched.
Like every service this never commits.
"""

from __future__ import annotations

import io
from functools import cache
from typing import TYPE_CHECKING

from PIL import Image
from PIL import ImageDraw
from PIL import ImageFont
from sqlalchemy.orm import Session

from sunshine.demo.rules import plan
from sunshine.demo.service import decisions as demo_decisions
from sunshine.demo.service.receipts import NOTO_CJK
from sunshine.demo.service.receipts import NOTO_CJK_SC
from sunshine.disclosure.rules.budget import LineDraft
from sunshine.disclosure.rules.budget import LineKind
from sunshine.disclosure.service import budgets
from sunshine.identity import service as identity
from sunshine.kernel.money import ZERO
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import service as ledger

if TYPE_CHECKING:
    from sunshine.disclosure.models.budgets import Budget

FIRST = Period(2024, 9)
TITLE = "2024—2025 年度预算"
_IN, _OUT = LineKind.INCOME, LineKind.SPENDING


def _line(
    code: str,
    zh: str,
    en: str,
    kind: LineKind,
    yuan: int,
    note: str = "",
    *,
    recurring: bool = True,
) -> LineDraft:
    return LineDraft(zh, en, kind, Fen.yuan(yuan), (code,), recurring=recurring, note=note)


LINES = (
    _line("6002", "车位租金", "Parking rent", _IN, 86_400, "60 个车位 × 120 元/月"),
    _line(
        "6004", "生活垃圾清运费", "Garbage fees", _IN, 19_200, "192 户 × 100 元/年", recurring=False
    ),
    _line("6601", "人员工资及社保", "Wages", _OUT, 63_600, "门岗、保洁 5,300 元/月"),
    _line("660801", "公共水费", "Water", _OUT, 600),
    _line("660802", "公共电费", "Electricity", _OUT, 2_400, "公共照明及道闸用电"),
    _line(
        "6602", "设施设备维护", "Upkeep of common parts", _OUT, 18_100, "含更换道闸系统 4,100 元"
    ),
    _line("6603", "清洁卫生", "Cleaning", _OUT, 18_000, "垃圾清运及保洁用品"),
    _line("6604", "绿化养护", "Greening", _OUT, 6_000),
    _line("6605", "秩序维护", "Security", _OUT, 30_000, "夜间巡逻及道闸值守"),
    _line("6606", "办公费", "Office", _OUT, 3_300),
    _line("6607", "公众责任保险", "Insurance", _OUT, 3_000, "每年一次", recurring=False),
    _line("6610", "受托人酬金", "Trustee's remuneration", _OUT, 10_000, "2024-11 起 1,000 元/月"),
)
# The years after the first (`demo/service/later.py`): the same lines at what the first
# year spent, plus the two levers the owners took up (visitor parking, advertising).
LATER_LINES = (
    _line("6002", "车位租金", "Parking rent", _IN, 86_400, "60 个车位 × 120 元/月"),
    _line("6003", "临时停车收费", "Visitor parking", _IN, 27_000, "每车次 5 元"),
    _line(
        "6004", "生活垃圾清运费", "Garbage fees", _IN, 19_200, "192 户 × 100 元/年", recurring=False
    ),
    _line("6051", "广告位租金", "Advertising", _IN, 18_000, "道闸及公示栏 1,500 元/月"),
    _line("6601", "人员工资及社保", "Wages", _OUT, 63_600, "门岗、保洁 5,300 元/月"),
    _line("660801", "公共水费", "Water", _OUT, 600),
    _line("660802", "公共电费", "Electricity", _OUT, 2_400, "公共照明及道闸用电"),
    _line("6602", "设施设备维护", "Upkeep of common parts", _OUT, 9_000, "零星维修"),
    _line("6603", "清洁卫生", "Cleaning", _OUT, 18_600, "垃圾清运及保洁用品"),
    _line("6604", "绿化养护", "Greening", _OUT, 6_000),
    _line("6605", "秩序维护", "Security", _OUT, 28_800, "夜间巡逻"),
    _line("6606", "办公费", "Office", _OUT, 1_200),
    _line("6607", "公众责任保险", "Insurance", _OUT, 3_000, "每年一次", recurring=False),
    _line("6610", "受托人酬金", "Trustee's remuneration", _OUT, 12_000, "1,000 元/月"),
)
COMMENTS = (
    (6, "更换道闸的费用是否比较过几家报价？希望公示报价单。"),
    (9, "秩序维护费用偏高，能否和门岗工资合并考虑？"),
)


def load_budget(session: Session, community_id: int, *, actor_id: int | None) -> Budget:
    """Create 荆川东园's approved budget for 2024-09..2025-08 (or return the existing one).

    Args:
        session: where to write; not committed here.
        community_id: 荆川东园, with its chart of accounts already opened.
        actor_id: who drafts and approves it (the demo's committee member, say).
    """
    existing = budgets.find_budget_for(session, community_id, FIRST, in_force=False)
    if existing is not None:
        return existing
    budget = budgets.create_budget(
        session, community_id, first=FIRST, title=TITLE, lines=LINES, actor_id=actor_id
    )
    budgets.open_for_comments(session, community_id, budget.id, actor_id=actor_id)
    owner = identity.find_user_by_phone(session, plan.owner_phone(plan.OWNER_UNIT))
    for line_number, body in COMMENTS:
        if owner is None:  # a community without the demo's owner login gets no comments
            break
        budgets.comment_on_line(
            session,
            community_id,
            budget.id,
            line_number=line_number,
            body=body,
            actor_id=owner.id,
        )
    return _approve(session, community_id, budget, decision_png(), actor_id=actor_id)


def load_later_budgets(
    session: Session, community_id: int, *, last: Period, actor_id: int | None
) -> None:
    """Approve a budget for each trust year after the first that has begun by `last`."""
    first = FIRST.shift(12)
    while first <= last:
        if budgets.find_budget_for(session, community_id, first, in_force=False) is None:
            title = f"{first.year}—{first.year + 1} 年度预算"
            budget = budgets.create_budget(
                session,
                community_id,
                first=first,
                title=title,
                lines=LATER_LINES,
                actor_id=actor_id,
            )
            budgets.open_for_comments(session, community_id, budget.id, actor_id=actor_id)
            decision = decision_png(title=title, first=first, lines=LATER_LINES)
            _approve(session, community_id, budget, decision, actor_id=actor_id)
        first = first.shift(12)


def _approve(
    session: Session, community_id: int, budget: Budget, decision: bytes, *, actor_id: int | None
) -> Budget:
    """Approve `budget` with the committee's `decision` (a PNG), which owners may see."""
    name = f"{budget.first.year}预算决定.png" if budget.first != FIRST else "预算决定.png"
    voucher = ledger.store_voucher(session, community_id, decision, name=name, actor_id=actor_id)
    if voucher.public_sha256 is None:
        ledger.publish_original(session, community_id, voucher.sha256, actor_id=actor_id)
    # the 物管会's decision approving it (demo/service/decisions.py), logged just before
    cited = demo_decisions.budget_decision(session, community_id, budget.first, actor_id=actor_id)
    return budgets.approve_budget(
        session,
        community_id,
        budget.id,
        decision_sha256=voucher.sha256,
        actor_id=actor_id,
        authority=cited,
    )


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if NOTO_CJK.exists():
        return ImageFont.truetype(str(NOTO_CJK), size, index=NOTO_CJK_SC)
    return ImageFont.load_default(size)


def decision_png(
    *, title: str = TITLE, first: Period = FIRST, lines: tuple[LineDraft, ...] = LINES
) -> bytes:
    """The committee's decision approving a budget, as a small PNG (the same bytes each time)."""
    width, height = 900, 300 + 36 * len(lines)
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((12, 12, width - 13, height - 13), outline=(20, 20, 20), width=2)
    draw.text((width // 2, 56), "荆川东园物管会决定", font=_font(34), fill="black", anchor="mm")
    draw.text(
        (40, 100),
        f"批准 {title}（{first} 至 {first.shift(11)}），各项如下：",
        font=_font(22),
        fill="black",
    )
    y = 140
    for line in lines:
        sign = "收入" if line.kind is LineKind.INCOME else "支出"
        draw.text(
            (60, y), f"{sign}  {line.accounts[0]}  {line.name_zh}", font=_font(20), fill="black"
        )
        draw.text((width - 60, y), f"{line.amount}", font=_font(20), fill="black", anchor="ra")
        y += 36
    income = sum((x.amount for x in lines if x.kind is LineKind.INCOME), ZERO)
    spending = sum((x.amount for x in lines if x.kind is LineKind.SPENDING), ZERO)
    draw.text(
        (60, y + 10),
        f"收入合计 {income}  支出合计 {spending}  缺口 {spending - income}",
        font=_font(22),
        fill="black",
    )
    draw.text(
        (width // 2, height - 40),
        "演示文件 DEMO · 由 Sunshine 示例数据生成，非真实决定",
        font=_font(18),
        fill=(120, 120, 120),
        anchor="mm",
    )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()
