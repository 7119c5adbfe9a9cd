"""荆川东园's demo year of trust books, September 2024 to August 2025, booked through the ledger.

The gate barrier and the trustee started on 1 September 2024 (SCENARIO.md), so the demo
books twelve months from there, every line with a generated voucher, through the
ledger's services (so the books obey the same rules and leave the same public log as
real ones), and the platform signs a checkpoint of the log at the end. Everything is
data in this module and `demo/service/books.py`: the same entries, amounts, dates and voucher
bytes on every load.

The year's figures (`tests/demo/test_demo_year.py` checks them):

    income                                               104,700.00
      6002 parking rent   60 spaces × 120.00 × 12         86,400.00  60 bills a month, all paid
      6004 garbage fees   183 of 192 households × 100.00  18,300.00  95.3 %, Sept.–March
    spending                                             149,828.91
      6601 wages          5,300.00 × 12                   63,600.00  paid to people
      6602 upkeep         10 jobs, the gate in October    16,850.00
      6603 cleaning       garbage clearance 4 × 3,900.00  17,926.50  and supplies
      6604 greening       4 jobs                           5,760.00
      6605 security       night patrol 4 × 7,200.00       28,800.00
      6606 office         and the bank's fee of October    1,364.00
      6607 insurance      public liability, once           2,680.00
      660801 water        112 t × 3.93                       440.16
      660802 electricity  3,705 kWh × 0.65                 2,408.25
      6610 remuneration   1,000.00 × 10 (2024-11..2025-08) 10,000.00
    result (a shortfall, the owners')                    -45,128.91
    trust account  2024-08-31 50,000.00 → 2025-08-31 4,871.09, its lowest month end

The income is billed and paid through billing (`demo/service/fees.py`): every household
is billed the garbage fee and every lease its rent, and the community's income basis is
"collected", so income is what the payments bring in, on their days. The trust account
is reconciled with the bank's statement at every month end (`demo/service/bank.py`).

The spending follows the lines of the demo's approved budget (`demo/service/budget.py`,
155,000.00), each line at or a little under its amount (electricity 8.25 over), so budget
vs actual reads as a real year would; the shortfall is what SCENARIO.md reports ("close
to 50,000"). The handover balance of 50,000.00 covers it: the account stays positive.

No visitor-parking or advertising income is booked: those are the levers the budget's
"close the gap" view offers. October 2024 is SCENARIO.md's paper notice exactly
(`books.OCTOBER`, 9,618.58) and has no other spending.

The trustee's remuneration (酬金): SCENARIO.md gives no figure. The demo's trust contract
fixes it at 1,000.00 a month from November 2024: its remuneration clause took effect
after a two-month transition (September and October, while the gate and the books were
set up), which is also why the October notice has no remuneration line. It is booked
with `book_remuneration` (the ledger refuses hand-typed remuneration) on each month's
last day, backed by the trustee's settlement statement, and paid out of the trust
account the same day against that statement.

Payees, receipt numbers, dates and the metered water and power are invented but
plausible (Changzhou's water at 3.93 a tonne and power at 0.65 a kWh give October's
23.58 and 195.00); every receipt image says it is a generated demo voucher.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from sunshine.demo.service import books
from sunshine.demo.service.books import Movement
from sunshine.demo.service.receipts import Receipt
from sunshine.identity import service as identity
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import rules
from sunshine.ledger import service as ledger

FIRST = Period(2024, 9)
MONTHS = tuple(FIRST.shift(n) for n in range(12))  # 2024-09 .. 2025-08
OCTOBER = Period(2024, 10)  # the month of SCENARIO.md's paper notice

PARKING_SPACES = 60
PARKING_RENT = Fen.yuan(120)  # per space per month
HOUSEHOLDS = 192
GARBAGE_FEE = Fen.yuan(100)  # per household per year
# When the households paid the year's garbage fee: 183 of 192, most in the first months.
GARBAGE_PAID = (
    (date(2024, 9, 20), 96),
    (date(2024, 10, 18), 52),
    (date(2024, 11, 15), 21),
    (date(2024, 12, 13), 8),
    (date(2025, 1, 10), 4),
    (date(2025, 3, 14), 2),
)

WATER_PRICE = Fen(393)  # per tonne
POWER_PRICE = Fen(65)  # per kWh
# Tonnes of water and kWh of power for the common parts; October is the paper notice
# (6 t, 300 kWh). More water for greening in summer, more light in the winter nights.
METERED = {
    Period(2024, 9): (8, 280),
    Period(2024, 11): (5, 330),
    Period(2024, 12): (4, 360),
    Period(2025, 1): (4, 370),
    Period(2025, 2): (4, 340),
    Period(2025, 3): (7, 310),
    Period(2025, 4): (10, 290),
    Period(2025, 5): (12, 280),
    Period(2025, 6): (14, 270),
    Period(2025, 7): (20, 290),
    Period(2025, 8): (18, 285),
}

REMUNERATION = Fen.yuan(1000)  # per month, fixed by the trust contract
REMUNERATION_FROM = Period(2024, 11)  # after the two-month transition
TRUST_TERMS = rules.TrustTerms(
    effective_from=REMUNERATION_FROM,
    kind=rules.RemunerationKind.FIXED,
    fixed=REMUNERATION,
    contract_ref="信托制物业服务合同 酬金条款：过渡期满，自2024年11月起每月固定1,000.00元",
)
PAYABLE = "2202"  # the remuneration payable to the trustee, settled from the trust account

BANK = "江苏银行股份有限公司常州分行"
BANK_FEE = Fen(500)  # the account fee the bank charges each October
BANK_FEE_MONTH = 10
BANK_FEE_NARRATION = "银行账户管理费"

CAMERAS = "常州市安视监控工程有限公司"
CLEANER = "常州市洁康清洁用品商行"
CLEARANCE = "常州市钟楼区环卫清运服务站"
DRAINS = "常州市清源环境服务有限公司"
GARDENS = "常州市绿苑园林养护有限公司"
GUARDS = "常州市安泰保安服务有限公司"
INSURER = "中国人民财产保险股份有限公司常州市分公司"
PRINTER = "常州市钟楼区文印办公用品店"
REPAIRS = "常州市钟楼区水电维修部"
ROADS = "常州市路安标线工程有限公司"
SAFETY = "常州市安消消防器材有限公司"
# Other spending: (day, account, narration, payee, amount, receipt title). None in October,
# whose only upkeep is the gate barrier of the paper notice. Night patrol and garbage
# clearance are contracted out and paid quarterly in arrears.
SPENDING = (
    ("2024-09-03", "6606", "公示栏及办公用品", PRINTER, "680.00", "办公用品发票"),
    ("2024-09-12", "6603", "保洁用品及分类垃圾桶", CLEANER, "960.00", "清洁用品发票"),
    ("2024-09-18", "6602", "减速带及交通标志", ROADS, "1680.00", "工程款收据"),
    ("2024-09-25", "6607", "公众责任保险（2024-09至2025-08）", INSURER, "2680.00", "保险费发票"),
    ("2024-11-12", "6602", "化粪池清掏", DRAINS, "2400.00", "服务费发票"),
    ("2024-11-20", "6604", "冬季绿化修剪", GARDENS, "1500.00", "绿化养护发票"),
    ("2024-11-27", "6605", "夜间巡逻服务（9至11月）", GUARDS, "7200.00", "保安服务费发票"),
    ("2024-11-28", "6603", "生活垃圾清运（9至11月）", CLEARANCE, "3900.00", "清运服务费发票"),
    ("2024-12-06", "6606", "公示打印及办公用品", PRINTER, "245.00", "办公用品发票"),
    ("2024-12-17", "6602", "路灯维修及更换灯具", REPAIRS, "1320.00", "维修费收据"),
    ("2025-01-16", "6603", "保洁用品", CLEANER, "386.00", "清洁用品发票"),
    ("2025-01-22", "6602", "冻裂水管抢修", REPAIRS, "680.00", "维修费收据"),
    ("2025-02-19", "6602", "消防器材更换", SAFETY, "1460.00", "销售发票"),
    ("2025-02-25", "6605", "夜间巡逻服务（12至2月）", GUARDS, "7200.00", "保安服务费发票"),
    ("2025-02-26", "6603", "生活垃圾清运（12至2月）", CLEARANCE, "3900.00", "清运服务费发票"),
    ("2025-03-07", "6606", "办公用品", PRINTER, "198.00", "办公用品发票"),
    ("2025-03-18", "6604", "春季补种绿化苗木", GARDENS, "2400.00", "绿化养护发票"),
    ("2025-03-25", "6602", "道路坑洼修补", ROADS, "1800.00", "工程款收据"),
    ("2025-04-11", "6603", "保洁用品", CLEANER, "412.50", "清洁用品发票"),
    ("2025-04-23", "6602", "雨污管道疏通", DRAINS, "1200.00", "服务费发票"),
    ("2025-05-27", "6605", "夜间巡逻服务（3至5月）", GUARDS, "7200.00", "保安服务费发票"),
    ("2025-05-28", "6603", "生活垃圾清运（3至5月）", CLEARANCE, "3900.00", "清运服务费发票"),
    ("2025-06-06", "6606", "公示打印及办公用品", PRINTER, "236.00", "办公用品发票"),
    ("2025-06-12", "6604", "绿化病虫害防治", GARDENS, "760.00", "绿化养护发票"),
    ("2025-06-18", "6602", "屋面及雨水管防漏维修", REPAIRS, "1350.00", "维修费收据"),
    ("2025-07-09", "6603", "保洁用品及消杀药剂", CLEANER, "568.00", "清洁用品发票"),
    ("2025-07-16", "6602", "监控摄像头维修", CAMERAS, "860.00", "维修费收据"),
    ("2025-08-20", "6604", "夏季绿化修剪", GARDENS, "1100.00", "绿化养护发票"),
    ("2025-08-26", "6605", "夜间巡逻服务（6至8月）", GUARDS, "7200.00", "保安服务费发票"),
    ("2025-08-27", "6603", "生活垃圾清运（6至8月）", CLEARANCE, "3900.00", "清运服务费发票"),
)


def _yyyymm(day: date) -> str:
    return f"{day.year}{day.month:02d}"


def bank_fee(period: Period) -> Movement:
    """The bank's account fee charged on the last day of October, booked early in November.

    The bookkeeper books it from the statement (the bank's fee slip is the voucher), so
    October's month end shows it as the one difference between bank and books.
    """
    charged = Period(period.year, BANK_FEE_MONTH).last_day
    day = period.first_day.replace(day=2)
    item = f"{charged.year}年{charged.month}月 对公账户管理费"
    number = f"JS{charged.year}{charged.month:02d}99"
    receipt = Receipt("银行收费凭证", BANK, number, charged, books.PAYER, item, BANK_FEE)
    return Movement(day, "6606", BANK_FEE_NARRATION, BANK, receipt)


def spending_line(row: tuple[str, str, str, str, str, str]) -> Movement:
    day, account, narration, payee, amount, title = row
    on = date.fromisoformat(day)
    number = f"{on.year}{on.month:02d}{on.day:02d}-{account[-2:]}"
    receipt = Receipt(title, payee, number, on, books.PAYER, narration, Fen.parse(amount))
    return Movement(on, account, narration, payee, receipt)


def movements(period: Period) -> list[Movement]:
    """Everything the month books by hand except the remuneration, in date order.

    The income comes in through billing (`demo/service/fees.py`), not here.
    """
    if period == OCTOBER:
        lines = list(books.OCTOBER)
    else:
        offset = (period.year - OCTOBER.year) * 12 + period.month - OCTOBER.month
        tonnes, kwh = METERED[period]
        lines = [
            books.water(
                period.first_day.replace(day=8),
                f"SF-{period.year}{period.month:02d}-{376 + 17 * offset:04d}",
                WATER_PRICE.times(tonnes),
            ),
            books.electricity(
                period.first_day.replace(day=10),
                f"DF-{period.year}{period.month:02d}-{1184 + 23 * offset:04d}",
                POWER_PRICE.times(kwh),
            ),
            books.wages(period.first_day.replace(day=15)),
        ]
        lines += [spending_line(row) for row in SPENDING if date.fromisoformat(row[0]) in period]
    if period.month == BANK_FEE_MONTH + 1:
        lines.append(bank_fee(period))
    return sorted(lines, key=lambda line: line.day)


def settlement(period: Period) -> Receipt:
    """The trustee's statement of the month's remuneration, which backs booking and paying it."""
    day = period.last_day
    item = f"{day.year}年{day.month}月 受托人酬金（信托合同约定，每月固定）"
    return Receipt(
        "受托人酬金结算单",
        books.TRUSTEE,
        f"CJ-{_yyyymm(day)}",
        day,
        books.PAYER,
        item,
        REMUNERATION,
    )


def open_year_books(session: Session, community_id: int) -> int | None:
    """Open the chart with the handover balance and set the trust terms; the bookkeeper's id.

    Called once, when the demo community is created (the demo's load returns early if the
    community exists), so it does not check for earlier bookings itself.
    """
    actor_id = bookkeeper(session)
    books.open_books(session, community_id, actor_id=actor_id)
    ledger.set_trust_terms(session, community_id, TRUST_TERMS, actor_id=actor_id)
    return actor_id


def bookkeeper(session: Session) -> int | None:
    """The demo's bookkeeper (its staff login), who books every month."""
    clerk = identity.find_user_by_username(session, books.BOOKKEEPER)
    return None if clerk is None else clerk.id


def book_month(
    session: Session,
    community_id: int,
    period: Period,
    month: list[Movement],
    *,
    actor_id: int | None,
) -> None:
    """Book `month`'s movements, each with its voucher, then the month's remuneration if due."""
    drafts = [
        books.draft(line, books.voucher(session, community_id, line.receipt, actor_id=actor_id))
        for line in month
    ]
    # One call per month (the staff's own bookings, so `manual`): fewer round trips.
    ledger.post_entries(session, community_id, drafts, actor_id=actor_id, source=ledger.MANUAL)
    if period >= REMUNERATION_FROM:
        _remunerate(session, community_id, period, actor_id=actor_id)


def _remunerate(
    session: Session, community_id: int, period: Period, *, actor_id: int | None
) -> None:
    """Book the month's remuneration as the terms make it due, and pay the trustee."""
    sha256 = books.voucher(session, community_id, settlement(period), actor_id=actor_id)
    entry = ledger.book_remuneration(session, community_id, period=period, actor_id=actor_id)
    ledger.attach_voucher(session, community_id, entry_id=entry.id, sha256=sha256)
    due = ledger.remuneration_booked(session, community_id, period)
    paid = rules.EntryDraft(
        booked_on=period.last_day,
        narration="支付受托人酬金",
        postings=(
            rules.PostingDraft(PAYABLE, due),
            rules.PostingDraft(books.TRUST_ACCOUNT, -due),
        ),
        counterparty=books.TRUSTEE,
        vouchers=(sha256,),
    )
    ledger.post_entry(session, community_id, paid, actor_id=actor_id)
