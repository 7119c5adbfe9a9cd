"""荆川东园's trust books: the chart, the handover balance, October 2024, and how a line is booked.

`demo/service/year.py` books the whole demo year (September 2024 to August 2025) through the
ledger's services; this module holds what that year starts from and the pieces every
month uses:

    2024-08-31  opening balance   1001 信托资金银行存款   50,000.00 | 3001 信托财产

and SCENARIO.md's expense notice for October 2024 (公示栏 "10月份支出表"), line by line,
narrated with the paper notice's own labels, each with its voucher:

    2024-10-08  水费           660801 水费                23.58 | 1001
    2024-10-10  电费           660802 电费               195.00 | 1001
    2024-10-15  人员工资       6601 人员工资及社保      5,300.00 | 1001  paid to people
    2024-10-25  更换道闸系统   6602 共用设施设备维护    4,100.00 | 1001
                                   October's spending 9,618.58

The opening balance: SCENARIO.md gives none. 50,000.00 is a plausible round figure of
the trust account handed over at the close of 31 August 2024, the day before the trustee
started (so the chart opens that day too); it is booked against trust property (3001),
not as income. It is also enough: the year's shortfall (`demo/service/year.py`) leaves the
account positive at every month end.

The payee names, receipt numbers and the split of the wages between two people are
invented for the demo (SCENARIO.md gives only the totals); the two utilities are the
city's water and power suppliers. Every receipt image says it is a generated demo voucher.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from sunshine.demo.service import receipts
from sunshine.demo.service.receipts import PayLine
from sunshine.demo.service.receipts import Receipt
from sunshine.kernel.money import Fen
from sunshine.ledger import rules
from sunshine.ledger import service as ledger

CHART_OPENED = date(2024, 8, 31)  # the handover day, before the trustee took over on 1 September
OPENING_DAY = date(2024, 8, 31)
OPENING_BALANCE = Fen.parse("50000.00")  # chosen: see the module docstring
TRUST_ACCOUNT = "1001"
OPENING_EQUITY = "3001"
PAYER = "荆川东园业主（信托资金账户）"
TRUSTEE = "常州鼎盛物业服务有限责任公司"
WATER_SUPPLIER = "常州通用自来水有限公司"
POWER_SUPPLIER = "国网江苏省电力有限公司常州供电分公司"
BOOKKEEPER = "staff"  # the demo login of the trustee's staff, who books the payments


@dataclass(frozen=True, slots=True)
class Movement:
    """One line of the trust account with its receipt: money out (spending) or in (income)."""

    day: date
    account: str
    narration: str
    counterparty: str
    receipt: Receipt
    is_person: bool = False  # the counterparty is people, masked wherever owners see it
    money_in: bool = False  # income: debit the trust account, credit `account`

    @property
    def amount(self) -> Fen:
        return self.receipt.amount


WAGES = (
    PayLine("王建国", "门岗（秩序维护）", Fen.parse("2800.00")),
    PayLine("李秀英", "保洁", Fen.parse("2500.00")),
)
WAGES_TOTAL = sum((line.amount for line in WAGES), Fen(0))


def water(day: date, number: str, amount: Fen) -> Movement:
    """The month's water bill for the common parts (水费)."""
    item = f"{day.year}年{day.month}月 公共部位用水"
    receipt = Receipt("水费收据", WATER_SUPPLIER, number, day, PAYER, item, amount)
    return Movement(day, "660801", "水费", WATER_SUPPLIER, receipt)


def electricity(day: date, number: str, amount: Fen) -> Movement:
    """The month's power bill: common lighting and the gate (电费)."""
    item = f"{day.year}年{day.month}月 公共照明及道闸用电"
    receipt = Receipt("电费收据", POWER_SUPPLIER, number, day, PAYER, item, amount)
    return Movement(day, "660802", "电费", POWER_SUPPLIER, receipt)


def wages(day: date) -> Movement:
    """The month's payroll: the gatekeeper and the cleaner (人员工资), paid to people."""
    number = f"GZ-{day.year}{day.month:02d}-01"
    item = f"{day.year}年{day.month}月 人员工资"
    receipt = Receipt("工资发放表", TRUSTEE, number, day, PAYER, item, WAGES_TOTAL, pay=WAGES)
    counterparty = "、".join(line.name for line in WAGES)
    return Movement(day, "6601", "人员工资", counterparty, receipt, is_person=True)


OCTOBER = (
    water(date(2024, 10, 8), "SF-202410-0376", Fen.parse("23.58")),
    electricity(date(2024, 10, 10), "DF-202410-1184", Fen.parse("195.00")),
    wages(date(2024, 10, 15)),
    Movement(
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
    "YE-20240831",
    OPENING_DAY,
    PAYER,
    "2024年8月31日 移交时账户余额",
    OPENING_BALANCE,
)


def open_books(session: Session, community_id: int, *, actor_id: int | None) -> None:
    """Open the chart and book the handover balance against trust property, with its voucher."""
    ledger.open_chart(session, community_id, on=CHART_OPENED)
    sha256 = voucher(session, community_id, OPENING, actor_id=actor_id)
    legs = (
        rules.PostingDraft(TRUST_ACCOUNT, OPENING_BALANCE),
        rules.PostingDraft(OPENING_EQUITY, -OPENING_BALANCE),
    )
    ledger.post_entry(
        session,
        community_id,
        rules.EntryDraft(OPENING_DAY, "期初信托资金余额", legs, vouchers=(sha256,)),
        actor_id=actor_id,
    )


def draft(movement: Movement, sha256: str) -> rules.EntryDraft:
    """The entry for `movement`, backed by the voucher `sha256`."""
    amount = -movement.amount if movement.money_in else movement.amount
    return rules.EntryDraft(
        booked_on=movement.day,
        narration=movement.narration,
        postings=(
            rules.PostingDraft(movement.account, amount),
            rules.PostingDraft(TRUST_ACCOUNT, -amount),
        ),
        counterparty=movement.counterparty,
        counterparty_is_person=movement.is_person,
        vouchers=(sha256,),
    )


def voucher(session: Session, community_id: int, receipt: Receipt, *, actor_id: int | None) -> str:
    """Store the receipt's image as a voucher and give owners its public copy; its SHA-256.

    A payroll names people, so owners see it with the names blacked out; a company's or a
    collection's document names no private person, so owners see it as it is.
    """
    name = f"{receipt.day.isoformat()} {receipt.title}.png"
    stored = ledger.store_voucher(
        session, community_id, receipts.render(receipt), name=name, actor_id=actor_id
    )
    if receipt.pay:
        public = receipts.render(receipt, redact_names=True)
        ledger.store_public_copy(session, community_id, stored.sha256, public, actor_id=actor_id)
    else:
        ledger.publish_original(session, community_id, stored.sha256, actor_id=actor_id)
    return stored.sha256
