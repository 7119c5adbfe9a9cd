"""Reports: trial balance, balances at a date, account ledgers, income and spending.

Each reads the per-period totals (`ledger_account_total`: accounts × months rows), and
reads postings only for the part of one month up to a date, or for the lines an
account ledger lists, through the index (community_id, account_id, booked_on,
amount_fen). So their cost does not grow with the length of the history.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.kernel.money import ZERO
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import rules
from sunshine.ledger.models import Account
from sunshine.ledger.models import AccountTotal
from sunshine.ledger.models import JournalEntry
from sunshine.ledger.models import Posting
from sunshine.ledger.service.chart import accounts_by_code
from sunshine.ledger.service.chart import get_account
from sunshine.ledger.service.totals import as_fen


@dataclass(frozen=True, slots=True)
class AccountRow:
    """An account's debits and credits over a stretch of time (credits as a positive sum)."""

    account: Account
    debit: Fen
    credit: Fen

    @property
    def balance(self) -> Fen:
        """Debit minus credit: positive for a debit balance."""
        return self.debit - self.credit

    @property
    def natural(self) -> Fen:
        """The balance on the account's normal side: income and liabilities come out positive."""
        return self.balance if self.account.kind.debit_normal else -self.balance


@dataclass(frozen=True, slots=True)
class TrialBalance:
    upto: Period
    rows: tuple[AccountRow, ...]

    @property
    def debit_total(self) -> Fen:
        return sum((r.debit for r in self.rows), ZERO)

    @property
    def credit_total(self) -> Fen:
        return sum((r.credit for r in self.rows), ZERO)

    @property
    def balanced(self) -> bool:
        return self.debit_total == self.credit_total


@dataclass(frozen=True, slots=True)
class LedgerLine:
    entry_id: int
    line: int
    booked_on: date
    narration: str
    public_counterparty: str
    memo: str
    amount: Fen
    balance: Fen  # running, after this line
    reverses_id: int | None


@dataclass(frozen=True, slots=True)
class AccountLedger:
    account: Account
    start: date
    end: date
    opening: Fen
    lines: tuple[LedgerLine, ...]

    @property
    def closing(self) -> Fen:
        return self.lines[-1].balance if self.lines else self.opening


@dataclass(frozen=True, slots=True)
class IncomeAndSpending:
    """Income and spending by account for periods first..last, with the net result."""

    first: Period
    last: Period
    income: tuple[AccountRow, ...]
    spending: tuple[AccountRow, ...]

    @property
    def income_total(self) -> Fen:
        return sum((r.natural for r in self.income), ZERO)

    @property
    def spending_total(self) -> Fen:
        return sum((r.natural for r in self.spending), ZERO)

    @property
    def net(self) -> Fen:
        """Income less spending: a surplus (positive) or shortfall, both the owners'."""
        return self.income_total - self.spending_total

    def by_category(self) -> dict[rules.Category, Fen]:
        """Amounts per category, income and spending alike on their normal side."""
        sums: dict[rules.Category, Fen] = defaultdict(lambda: ZERO)
        for row in (*self.income, *self.spending):
            sums[row.account.category] += row.natural
        return dict(sums)


def _period_sums(
    session: Session, community_id: int, *, first: Period | None, last: Period
) -> dict[int, tuple[Fen, Fen]]:
    query = (
        select(
            AccountTotal.account_id,
            func.sum(AccountTotal.debit),
            func.sum(AccountTotal.credit),
        )
        .where(AccountTotal.community_id == community_id, AccountTotal.period <= last)
        .group_by(AccountTotal.account_id)
    )
    if first is not None:
        query = query.where(AccountTotal.period >= first)
    return {a: (as_fen(d), as_fen(c)) for a, d, c in session.execute(query)}


def _rows(
    session: Session, community_id: int, *, first: Period | None, last: Period
) -> list[AccountRow]:
    sums = _period_sums(session, community_id, first=first, last=last)
    return [
        AccountRow(account, *sums[account.id])
        for account in accounts_by_code(session, community_id).values()
        if account.id in sums and any(sums[account.id])
    ]


def trial_balance(session: Session, community_id: int, *, upto_period: Period) -> TrialBalance:
    """Every account's debits, credits and balance from the start through `upto_period`."""
    return TrialBalance(
        upto_period, tuple(_rows(session, community_id, first=None, last=upto_period))
    )


def income_and_spending(
    session: Session, community_id: int, *, first: Period, last: Period
) -> IncomeAndSpending:
    """Income and expense accounts' movements in periods first..last (inclusive)."""
    rows = _rows(session, community_id, first=first, last=last)
    return IncomeAndSpending(
        first,
        last,
        tuple(r for r in rows if r.account.kind is rules.AccountKind.INCOME),
        tuple(r for r in rows if r.account.kind is rules.AccountKind.EXPENSE),
    )


def _balance_of(session: Session, account: Account, on: date) -> Fen:
    """Debit-minus-credit balance at the end of `on`: earlier months' totals + this month's part."""
    period = Period.of(on)
    before = session.scalar(
        select(func.coalesce(func.sum(AccountTotal.debit - AccountTotal.credit), 0)).where(
            AccountTotal.community_id == account.community_id,
            AccountTotal.account_id == account.id,
            AccountTotal.period < period,
        )
    )
    month = session.scalar(
        select(func.coalesce(func.sum(Posting.amount), 0)).where(
            Posting.community_id == account.community_id,
            Posting.account_id == account.id,
            Posting.booked_on >= period.first_day,
            Posting.booked_on <= on,
        )
    )
    return as_fen(before) + as_fen(month)


def account_balance(session: Session, community_id: int, *, account_code: str, on: date) -> Fen:
    """The account's balance (debit positive) at the end of day `on`."""
    return _balance_of(session, get_account(session, community_id, account_code), on)


def trust_bank_balance(session: Session, community_id: int, *, on: date) -> Fen:
    """The money in the community's trust bank account(s) at the end of day `on`."""
    accounts = accounts_by_code(session, community_id).values()
    return sum(
        (_balance_of(session, a, on) for a in accounts if a.category is rules.Category.TRUST_BANK),
        ZERO,
    )


def account_ledger(
    session: Session, community_id: int, *, account_code: str, start: date, end: date
) -> AccountLedger:
    """The account's postings from `start` to `end` (inclusive) with a running balance."""
    account = get_account(session, community_id, account_code)
    opening = _balance_of(session, account, start - timedelta(days=1))
    rows = session.execute(
        select(Posting, JournalEntry)
        .join(
            JournalEntry,
            (JournalEntry.community_id == Posting.community_id)
            & (JournalEntry.id == Posting.entry_id),
        )
        .where(
            Posting.community_id == community_id,
            Posting.account_id == account.id,
            Posting.booked_on >= start,
            Posting.booked_on <= end,
        )
        .order_by(Posting.booked_on, Posting.entry_id, Posting.line)
    )
    lines: list[LedgerLine] = []
    balance = opening
    for posting, entry in rows:
        balance += posting.amount
        lines.append(
            LedgerLine(
                entry_id=entry.id,
                line=posting.line,
                booked_on=posting.booked_on,
                narration=entry.narration,
                public_counterparty=entry.public_counterparty,
                memo=posting.memo,
                amount=posting.amount,
                balance=balance,
                reverses_id=entry.reverses_id,
            )
        )
    return AccountLedger(account, start, end, opening, tuple(lines))
