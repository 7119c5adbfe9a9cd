"""What the owners' board reads besides the notices: a year of the books by month, by category.

The board's charts show the last 12 months of the books (ending with the month of the
newest entry, so a demo or a community that stopped booking still shows its year):
income and spending per month, the trust account's balance at each month end, and
where the money went, by category, over the latest notice's span. Everything here is
integer fen; the pages turn fen into numbers a chart can draw, and nothing else.

Also here: finding a published notice by the short fingerprint printed on the board
(`find_by_fingerprint`), for the verify page's form.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.disclosure.models.notices import NoticeVersion
from sunshine.kernel.money import ZERO
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import rules as ledger_rules
from sunshine.ledger import service as ledger
from sunshine.transparency import service as transparency

MONTHS = 12


@dataclass(frozen=True, slots=True)
class MonthFlow:
    """One month's income and spending (remuneration included) and the trust balance at its end."""

    period: Period
    income: Fen
    spending: Fen
    closing: Fen


@dataclass(frozen=True, slots=True)
class CategoryAmount:
    """Spending of one category over a span, as the chart of where the money went shows it."""

    category: str
    name_zh: str
    name_en: str
    amount: Fen

    def name(self, locale: str) -> str:
        return self.name_zh if locale == "zh_CN" else self.name_en


def book_months(session: Session, community_id: int, *, months: int = MONTHS) -> list[Period]:
    """The last `months` months of the books, oldest first; empty if nothing is booked."""
    first = ledger.first_period(session, community_id)
    newest = ledger.list_entries(session, community_id, limit=1)
    if first is None or not newest:
        return []
    last = Period.of(newest[0].booked_on)
    start = max(first, last.shift(1 - months))
    count = (last.year - start.year) * 12 + last.month - start.month + 1
    return [start.shift(offset) for offset in range(count)]


def monthly_flows(session: Session, community_id: int, months: list[Period]) -> list[MonthFlow]:
    """Income, spending and the month-end trust balance for each month.

    Two reads of the per-month totals and one balance per month: about five queries a
    month, whatever the number of entries (the ledger keeps totals per account and month).
    """
    flows = []
    for month in months:
        moves = ledger.income_and_spending(session, community_id, first=month, last=month)
        closing = ledger.trust_bank_balance(session, community_id, on=month.last_day)
        flows.append(MonthFlow(month, moves.income_total, moves.spending_total, closing))
    return flows


def spending_by_category(
    session: Session, community_id: int, *, first: Period, last: Period
) -> list[CategoryAmount]:
    """Spending per category over first..last, largest first; the trustee's pay is one of them."""
    moves = ledger.income_and_spending(session, community_id, first=first, last=last)
    sums: dict[ledger_rules.Category, Fen] = {}
    for row in moves.spending:
        category = row.account.category
        sums[category] = sums.get(category, ZERO) + row.natural
    found = [
        CategoryAmount(
            category.value,
            ledger_rules.CATEGORIES[category].name_zh,
            ledger_rules.CATEGORIES[category].name_en,
            amount,
        )
        for category, amount in sums.items()
        if amount != ZERO
    ]
    return sorted(found, key=lambda c: (-c.amount.value, c.category))


def normalise_fingerprint(text: str) -> str:
    """What a person typed, as hex digits in upper case: '3f2a 9c1b…' becomes '3F2A9C1B…'."""
    return "".join(c for c in text.upper() if c in "0123456789ABCDEF")


def find_by_fingerprint(session: Session, community_id: int, typed: str) -> NoticeVersion | None:
    """The published version whose checkpoint's root starts with the typed hex digits.

    The board prints 16 digits (64 bits); fewer than that are refused (None), so a
    shortened guess never lands on a notice by chance. The full root works as well.
    """
    digits = normalise_fingerprint(typed)
    if len(digits) < 16:
        return None
    sizes = [
        checkpoint.tree_size
        for checkpoint in transparency.list_checkpoints(session, community_id)
        if checkpoint.root_hash.hex().upper().startswith(digits)
    ]
    if not sizes:
        return None
    return session.scalar(
        select(NoticeVersion)
        .where(
            NoticeVersion.community_id == community_id,
            NoticeVersion.checkpoint_size.in_(sizes),
        )
        .order_by(NoticeVersion.period.desc(), NoticeVersion.version.desc())
        .limit(1)
    )
