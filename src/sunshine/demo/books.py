"""荆川东园's trust books up to October 2024: the chart, an opening balance, October's spending.

SCENARIO.md's expense notice for October 2024 (公示栏 "10月份支出表") is booked line by
line, each with its voucher, through the ledger's services, so the demo's books obey the
same rules (and leave the same public log) as real ones:

    2024-09-30  opening balance   1001 信托资金银行存款   50,000.00 | 3001 信托财产
    2024-10-08  water (水费)       660801 水费                23.58 | 1001
    2024-10-10  electricity (电费) 660802 电费               195.00 | 1001
    2024-10-15  staff wages       6601 人员工资及社保      5,300.00 | 1001  paid to people
    2024-10-25  new gate barrier  6602 共用设施设备维护    4,100.00 | 1001
                                            October's spending 9,618.58

The opening balance: SCENARIO.md gives none. 50,000.00 is a plausible round figure of the
trust account at the end of the trustee's first month (the community's income is "more
than 100,000" a year, its budget "more than 150,000"), and the figure the ledger's own
October test uses; it is booked against trust property (3001), not as income, so the
October notice shows the four expenses and nothing else.

No trust terms (the trustee's 酬金) are recorded: SCENARIO.md does not give them, and the
October notice has no remuneration line, which terms in force would make due.

The payee names, receipt numbers and the split of the wages between two people are
invented for the demo (SCENARIO.md gives only the totals); the two utilities are the
city's water and power suppliers. Every receipt image says it is a generated demo voucher.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from sunshine.demo import receipts
from sunshine.demo.receipts import PayLine
from sunshine.demo.receipts import Receipt
from sunshine.identity import service as identity
from sunshine.kernel.money import Fen
from sunshine.ledger import rules
from sunshine.ledger import service as ledger
from sunshine.transparency import service as transparency

CHART_OPENED = date(2024, 9, 1)  # the trustee took over that day (SCENARIO.md)
OPENING_DAY = date(2024, 9, 30)
OPENING_BALANCE = Fen.parse("50000.00")  # chosen: see the module docstring
TRUST_ACCOUNT = "1001"
OPENING_EQUITY = "3001"
PAYER = "荆川东园业主（信托资金账户）"
BOOKKEEPER = "staff"  # the demo login of the trustee's staff, who books the payments


@dataclass(frozen=True, slots=True)
class Payment:
    """One line of the October notice: paid from the trust account, with its receipt."""

    day: date
    account: str
    narration: str
    counterparty: str
    receipt: Receipt
    is_person: bool = False  # the counterparty is people, masked wherever owners see it

    @property
    def amount(self) -> Fen:
        return self.receipt.amount


WAGES = (
    PayLine("王建国", "门岗（秩序维护）", Fen.parse("2800.00")),
    PayLine("李秀英", "保洁", Fen.parse("2500.00")),
)

OCTOBER = (
    Payment(
        date(2024, 10, 8),
        "660801",
        "10月公共用水",
        "常州通用自来水有限公司",
        Receipt(
            "水费收据",
            "常州通用自来水有限公司",
            "SF-202410-0376",
            date(2024, 10, 8),
            PAYER,
            "2024年10月 公共部位用水",
            Fen.parse("23.58"),
        ),
    ),
    Payment(
        date(2024, 10, 10),
        "660802",
        "10月公共用电",
        "国网江苏省电力有限公司常州供电分公司",
        Receipt(
            "电费收据",
            "国网江苏省电力有限公司常州供电分公司",
            "DF-202410-1184",
            date(2024, 10, 10),
            PAYER,
            "2024年10月 公共照明及道闸用电",
            Fen.parse("195.00"),
        ),
    ),
    Payment(
        date(2024, 10, 15),
        "6601",
        "10月人员工资（门岗、保洁）",
        "、".join(line.name for line in WAGES),
        Receipt(
            "工资发放表",
            "常州鼎盛物业服务有限责任公司",
            "GZ-202410-01",
            date(2024, 10, 15),
            PAYER,
            "2024年10月 人员工资",
            sum((line.amount for line in WAGES), Fen(0)),
            pay=WAGES,
        ),
        is_person=True,
    ),
    Payment(
        date(2024, 10, 25),
        "6602",
        "更换道闸系统",
        "常州道闸设备工程有限公司",
        Receipt(
            "工程款收据",
            "常州道闸设备工程有限公司",
            "DZ-20241025-07",
            date(2024, 10, 25),
            PAYER,
            "小区入口道闸系统更换（含车牌识别）",
            Fen.parse("4100.00"),
        ),
    ),
)

OPENING = Receipt(
    "信托资金账户余额对账单",
    "开户银行（示例）",
    "YE-20240930",
    OPENING_DAY,
    PAYER,
    "2024年9月30日 账户余额",
    OPENING_BALANCE,
)


def load_october_books(session: Session, community_id: int, *, origin: str) -> None:
    """Open the chart and book the opening balance and October's four payments, with vouchers.

    Called once, when the demo community is created (the demo's load returns early if the
    community exists), so it does not check for earlier bookings itself.
    """
    clerk = identity.find_user_by_username(session, BOOKKEEPER)
    actor_id = None if clerk is None else clerk.id
    ledger.open_chart(session, community_id, on=CHART_OPENED)
    opening = _voucher(session, community_id, OPENING, actor_id=actor_id)
    legs = (
        rules.PostingDraft(TRUST_ACCOUNT, OPENING_BALANCE),
        rules.PostingDraft(OPENING_EQUITY, -OPENING_BALANCE),
    )
    ledger.post_entry(
        session,
        community_id,
        rules.EntryDraft(OPENING_DAY, "期初信托资金余额", legs, vouchers=(opening,)),
        actor_id=actor_id,
    )
    ledger.publish_original(session, community_id, opening, actor_id=actor_id)
    for payment in OCTOBER:
        _pay(session, community_id, payment, actor_id=actor_id)
    # The platform signs the log as it stands, so owners can verify these entries at once.
    transparency.sign_checkpoint(session, community_id, origin=origin)


def _pay(session: Session, community_id: int, payment: Payment, *, actor_id: int | None) -> None:
    sha256 = _voucher(session, community_id, payment.receipt, actor_id=actor_id)
    legs = (
        rules.PostingDraft(payment.account, payment.amount),
        rules.PostingDraft(TRUST_ACCOUNT, -payment.amount),
    )
    draft = rules.EntryDraft(
        booked_on=payment.day,
        narration=payment.narration,
        postings=legs,
        counterparty=payment.counterparty,
        counterparty_is_person=payment.is_person,
        vouchers=(sha256,),
    )
    ledger.post_entry(session, community_id, draft, actor_id=actor_id)
    if payment.receipt.pay:  # owners see the payroll with the names blacked out
        public = receipts.render(payment.receipt, redact_names=True)
        ledger.store_public_copy(session, community_id, sha256, public, actor_id=actor_id)
    else:  # a company's bill names no private person: owners see it as it is
        ledger.publish_original(session, community_id, sha256, actor_id=actor_id)


def _voucher(session: Session, community_id: int, receipt: Receipt, *, actor_id: int | None) -> str:
    """Store the receipt's image as a voucher; its SHA-256."""
    name = f"{receipt.day.isoformat()} {receipt.title}.png"
    data = receipts.render(receipt)
    return ledger.store_voucher(session, community_id, data, name=name, actor_id=actor_id).sha256
