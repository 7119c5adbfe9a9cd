"""Billing's two sections of the monthly notice: income by charge item, and arrears by band.

Both are read as of the span's last day, from data dated up to it: bills issued by then,
payments received by its end (`arrears` applies the same cut-off everywhere), so a
correction version published later shows only what changed about those days. Both are
totals (LAW.md 3): no names, no units' amounts, and no room numbers even where the
community's terms let its public figures name rooms (`Terms.public_rooms`).

A community that bills nothing through the platform (no charge items) gets neither
section: its notice's income by stream says all there is. The app registers the two
functions with the notice (entrypoints); disclosure never imports billing.
"""

from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta

from sqlalchemy import BigInteger
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import type_coerce
from sqlalchemy.orm import Session

from sunshine.billing.models import Allocation
from sunshine.billing.models import Bill
from sunshine.billing.models import ChargeItem
from sunshine.billing.models import Payment
from sunshine.billing.rules import collect as rules
from sunshine.billing.service import arrears
from sunshine.billing.service.items import list_items
from sunshine.infra import clock
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.kernel.sections import CellKind
from sunshine.kernel.sections import Column
from sunshine.kernel.sections import Section
from sunshine.ledger import service as ledger

COLLECTION_KEY = "collection"
ARREARS_KEY = "arrears"
_BAND_NAMES = {  # rules.BANDS' keys -> (Chinese, English)
    "0-30": ("逾期 0–30 天", "0–30 days overdue"),
    "31-90": ("逾期 31–90 天", "31–90 days overdue"),
    "91-180": ("逾期 91–180 天", "91–180 days overdue"),
    "over-180": ("逾期 180 天以上", "Over 180 days overdue"),
}


def _zh_day(day: date) -> str:
    """A day as the Chinese note writes it (owners read days, not ISO dates)."""
    return f"{day.year}年{day.month}月{day.day}日"


def _periods(first: Period, last: Period) -> list[Period]:
    months = [first]
    while months[-1] < last:
        months.append(months[-1].next())
    return months


def _start_of(period: Period) -> datetime:
    return datetime.combine(period.first_day, time(), tzinfo=clock.SHANGHAI)


def _end_of(period: Period) -> datetime:
    return datetime.combine(period.last_day + timedelta(days=1), time(), tzinfo=clock.SHANGHAI)


def _earlier_collected(
    session: Session, community_id: int, first: Period, last: Period
) -> dict[int, int]:
    """Per item, what payments received in the span (not refunded) paid of earlier bills."""
    alloc, pay, bills = Allocation.__table__.c, Payment.__table__.c, Bill.__table__.c
    query = (
        select(bills.item_id, func.sum(type_coerce(alloc.amount_fen, BigInteger)))
        .select_from(Allocation.__table__)
        .join(
            Payment.__table__,
            (pay.community_id == alloc.community_id) & (pay.id == alloc.payment_id),
        )
        .join(
            Bill.__table__, (bills.community_id == alloc.community_id) & (bills.id == alloc.bill_id)
        )
        .where(alloc.community_id == community_id, Bill.period < first)
        .where(pay.received_at >= _start_of(first), pay.received_at < _end_of(last))
        .where(pay.refund_entry_id.is_(None))
        .group_by(bills.item_id)
    )
    return {int(item): int(amount) for item, amount in session.execute(query).all()}


def _english_names(session: Session, community_id: int, items: list[ChargeItem]) -> dict[int, str]:
    """An item's English name: its income account's, when the account bears the item's name.

    ("生活垃圾清运费" books to "生活垃圾清运费收入", Garbage clearance fees); else its own name.
    """
    accounts = ledger.accounts_by_code(session, community_id)
    names = {}
    for item in items:
        account = accounts.get(item.account_code)
        same = account is not None and _stem(account.name_zh) == _stem(item.name)
        names[item.id] = account.name_en if account is not None and same else item.name
    return names


def _stem(name: str) -> str:
    return name.removesuffix("收入")


def collection_section(
    session: Session, community_id: int, first: Period, last: Period
) -> Section | None:
    """Income by charge item for the span: billed, collected of it, the rate, and arrears paid.

    "Billed" is the bills for the span's months issued by its last day; "collected" what
    payments received by the end of that day paid of them; the rate is one over the other
    (rules.RATE_ROUNDING). "Earlier months" is what payments received within the span paid
    of bills for months before it: arrears and yearly fees coming in.
    """
    items = list_items(session, community_id)
    if not items:
        return None
    rates = arrears.collection_rates(
        session, community_id, periods=_periods(first, last), as_of=last.last_day
    )
    billed: dict[int, int] = {}
    paid: dict[int, int] = {}
    for row in rates:
        billed[row.item_id] = billed.get(row.item_id, 0) + row.rate.billed.value
        paid[row.item_id] = paid.get(row.item_id, 0) + row.rate.paid.value
    earlier = _earlier_collected(session, community_id, first, last)
    english = _english_names(session, community_id, items)
    rows = [
        _rate_row(item.name, english[item.id], billed.get(item.id, 0), paid.get(item.id, 0),
                  earlier.get(item.id, 0))
        for item in items
    ]  # fmt: skip
    rows.append(
        _rate_row("合计", "Total", sum(billed.values()), sum(paid.values()), sum(earlier.values()))
    )
    return Section(
        key=COLLECTION_KEY,
        title_zh="收费项目收入与收缴率",
        title_en="Income by charge item, and the collection rate",
        columns=(
            Column("item", "收费项目", "Charge item", lang="zh"),
            Column("billed", "本期应收", "Billed for the period", CellKind.FEN),
            Column("collected", "本期已收", "Collected of it", CellKind.FEN),
            Column("rate", "收缴率", "Collection rate"),
            Column("earlier", "本期收回往期", "Collected for earlier months", CellKind.FEN),
            Column("item_en", "收费项目", "Charge item", lang="en"),
        ),
        rows=tuple(rows),
        note_zh=(
            f"本期应收：{_span(first, last, ' 至 ')} 的账单；"
            f"本期已收：截至 {_zh_day(last.last_day)}日终"
            "收到的缴费付给这些账单的部分；收缴率 = 本期已收 ÷ 本期应收（四舍五入至 0.1%）；"
            "收回往期：本期收到的缴费付给以前月份账单的部分。只列合计。"
        ),
        note_en=(
            f"Billed: the bills for {_span(first, last, ' to ')}. Collected: what payments "
            f"received by the end of {last.last_day} paid of them. Rate: collected ÷ billed, "
            "rounded half up to 0.1%. Earlier months: what payments received in the period "
            "paid of older bills. Totals only."
        ),
    )


def _span(first: Period, last: Period, to: str) -> str:
    return str(first) if first == last else f"{first}{to}{last}"


def _rate_row(
    name_zh: str, name_en: str, billed: int, paid: int, earlier: int
) -> tuple[str | int, ...]:
    percent = rules.CollectionRate(paid=Fen(paid), billed=Fen(billed)).percent
    return (name_zh, billed, paid, percent, earlier, name_en)


def arrears_section(
    session: Session, community_id: int, first: Period, last: Period
) -> Section | None:
    """What was owed at the end of the span's last day, by how long overdue: totals only.

    A bill counts once due and unpaid by then (payments received by the end of the day);
    the band is the days past its due date. Units owing are counted, never named or
    numbered, whatever the community's terms allow elsewhere.
    """
    if not list_items(session, community_id):
        return None
    as_of = last.last_day
    by_unit = arrears.ageing_by_unit(session, community_id, as_of)
    rows: list[tuple[str | int, ...]] = []
    for index, band in enumerate(rules.BANDS):
        owed = [unit.bands[index].value for unit in by_unit if unit.bands[index].value > 0]
        zh, en = _BAND_NAMES[band.key]
        rows.append((zh, sum(owed), len(owed), en))
    rows.append(("合计", sum(unit.total.value for unit in by_unit), len(by_unit), "Total"))
    return Section(
        key=ARREARS_KEY,
        title_zh="欠费账龄",
        title_en="Arrears by age",
        columns=(
            Column("band", "账龄", "Overdue", lang="zh"),
            Column("owed", "欠费金额", "Owed", CellKind.FEN),
            Column("units", "欠费户数", "Units owing", CellKind.COUNT),
            Column("band_en", "账龄", "Overdue", lang="en"),
        ),
        rows=tuple(rows),
        note_zh=(
            f"截至 {_zh_day(as_of)}日终已到期未缴的账单，按逾期天数分段（一户可分属几段）。"
            "只列合计，不列户名、房号。"
        ),
        note_en=(
            f"Bills due and unpaid at the end of {as_of}, by days past their due date (a unit "
            "may owe in several bands). Totals only: no names, no rooms."
        ),
    )
