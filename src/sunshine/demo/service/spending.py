"""荆川东园's spending approvals: the limits, the gate replacement approved, a mural refused.

The 物管会 set its limits when the trustee took over (1 September 2024): above 3,000.00 an
expense needs three of its four members' approval before it is paid; above 50,000.00 an
owners' vote. Wages, water and power and the contracted services in the approved budget
(cleaning and garbage clearance, greening, night patrol, insurance) are routine. So in the
first year one payment needed approval, SCENARIO.md's October gate replacement (4,100.00):
the trustee proposed it with the contractor's quote, three members approved it by written
circulation on 18 October (the committee decision about `expense:1`, announced the next
day), and the payment of 25 October that the books already hold is linked to it.

In April 2025 the trustee proposed repainting the entrance mural (4,800.00, outside the
budget's upkeep jobs); two members refused it, so three approvals could no longer be
reached and it was refused. One more is waiting: the camera upgrade (3,600.00), which one
member has approved, for the committee's logins to answer.

The quote numbers, payees' quotes, comments and the two later expenses are invented for the
demo. Everything is logged after the first year's notices (`load.py` calls this last), so
the October 2024 notice's checkpoint is unchanged.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from sunshine.demo.service import books
from sunshine.demo.service import committee as demo_committee
from sunshine.demo.service.receipts import Receipt
from sunshine.governance.rules.spending import Choice
from sunshine.governance.service import decisions
from sunshine.governance.service import spending
from sunshine.identity import service as identity
from sunshine.infra.tenancy import CommunityRef
from sunshine.kernel.money import Fen
from sunshine.ledger import service as ledger

SINCE = date(2024, 9, 1)
COMMITTEE_LIMIT = Fen.parse("3000.00")
VOTE_LIMIT = Fen.parse("50000.00")
APPROVALS = 3
ROUTINE = ("6601", "660801", "660802", "6603", "6604", "6605", "6607")
UPKEEP = "6602"
UPKEEP_LINE = "设施设备维护"
GATE = spending.ExpenseDraft(
    title="更换道闸系统",
    amount=Fen.parse("4100.00"),
    account=UPKEEP,
    payee="常州道闸设备工程有限公司",
    proposed_on=date(2024, 10, 14),
    budget_line=UPKEEP_LINE,
)
GATE_QUOTE = Receipt(
    "报价单",
    "常州道闸设备工程有限公司",
    "BJ-20241012-03",
    date(2024, 10, 12),
    books.PAYER,
    "小区入口道闸系统更换（含车牌识别）报价",
    Fen.parse("4100.00"),
)
GATE_APPROVED_ON = date(2024, 10, 18)
MURAL = spending.ExpenseDraft(
    title="入口文化墙彩绘重绘",
    amount=Fen.parse("4800.00"),
    account=UPKEEP,
    payee="常州市墨韵墙绘工作室",
    proposed_on=date(2025, 4, 8),
)
MURAL_QUOTE = Receipt(
    "报价单",
    "常州市墨韵墙绘工作室",
    "MY-2025-0406",
    date(2025, 4, 6),
    books.PAYER,
    "小区入口文化墙彩绘重绘（约 24 平方米）报价",
    Fen.parse("4800.00"),
)
CAMERAS = spending.ExpenseDraft(
    title="监控系统升级（新增4个摄像头）",
    amount=Fen.parse("3600.00"),
    account=UPKEEP,
    payee="常州市安视监控工程有限公司",
    proposed_on=date(2025, 8, 11),
    budget_line=UPKEEP_LINE,
)
CAMERAS_QUOTE = Receipt(
    "报价单",
    "常州市安视监控工程有限公司",
    "AS-20250808-11",
    date(2025, 8, 8),
    books.PAYER,
    "监控系统升级：新增4个摄像头及录像机扩容报价",
    Fen.parse("3600.00"),
)


def _user(session: Session, username: str) -> int | None:
    user = identity.find_user_by_username(session, username)
    return None if user is None else user.id


def _propose(
    session: Session, cid: int, draft: spending.ExpenseDraft, quote: Receipt, staff: int | None
) -> int:
    sha256 = books.voucher(session, cid, quote, actor_id=staff)
    fitted = spending.ExpenseDraft(
        draft.title, draft.amount, draft.account, draft.payee, draft.proposed_on,
        budget_line=draft.budget_line, vouchers=(sha256,),
    )  # fmt: skip
    return spending.propose_expense(session, cid, fitted, actor_id=staff).id


def _answer(
    session: Session, cid: int, number: int, answers: tuple[tuple[str, Choice, str], ...], on: date
) -> None:
    for username, choice, comment in answers:
        user = _user(session, username)
        if user is not None:
            spending.decide_expense(
                session, cid, number, user_id=user, choice=choice, comment=comment, on=on
            )


def _gate_entry(session: Session, cid: int) -> int | None:
    day = books.OCTOBER[-1].day
    for entry in ledger.list_entries(session, cid, first=day, last=day):
        if entry.narration == GATE.title:
            return entry.id
    return None


def load_spending(session: Session, ref: CommunityRef) -> None:
    """Set the limits and record the three expenses (after the notices)."""
    _load(session, ref.id)


def _load(session: Session, community_id: int) -> None:
    committee = demo_committee.find_committee(session, community_id)
    if committee is None:
        return
    staff = _user(session, books.BOOKKEEPER)
    chair = _user(session, "committee")
    spending.set_limits(
        session, community_id, committee_id=committee.id, committee_limit=COMMITTEE_LIMIT,
        vote_limit=VOTE_LIMIT, approvals_needed=APPROVALS, exempt_accounts=ROUTINE,
        effective_from=SINCE, actor_id=chair,
    )  # fmt: skip
    gate = _propose(session, community_id, GATE, GATE_QUOTE, staff)
    approve = Choice.APPROVE
    _answer(
        session, community_id, gate,
        (
            ("committee", approve, "旧道闸频繁故障，报价与市场价相符，同意。"),
            ("committee2", approve, "同意，请保留旧设备拆除记录。"),
            ("committee3", approve, "同意更换。"),
        ),
        GATE_APPROVED_ON,
    )  # fmt: skip
    expense = spending.get_expense(session, community_id, gate)
    if expense.decision_id is not None:
        decisions.announce(session, community_id, expense.decision_id, on=date(2024, 10, 19))
    entry = _gate_entry(session, community_id)
    if entry is not None:
        spending.record_payment(session, community_id, gate, entry_id=entry, actor_id=staff)
    mural = _propose(session, community_id, MURAL, MURAL_QUOTE, staff)
    refuse = Choice.REFUSE
    _answer(
        session, community_id, mural,
        (
            ("committee2", refuse, "非必要支出，本年度维护预算已用去大半。"),
            ("committee4", refuse, "建议先做业主意见征求再议。"),
        ),
        date(2025, 4, 11),
    )  # fmt: skip
    cameras = _propose(session, community_id, CAMERAS, CAMERAS_QUOTE, staff)
    _answer(
        session, community_id, cameras,
        (("committee3", approve, "东门和车棚确有盲区，同意。"),),
        date(2025, 8, 13),
    )  # fmt: skip
