"""JSON shapes of the books: accounts, entries and the reports.

Money is a yuan string with two decimals and no separators ("5300.00", "-23.58") next to
the same amount as an integer number of fen (`amount_fen`), never a float. A private
person's name as counterparty leaves the server only masked (张**) unless the caller may
book entries (`full=True`). `XRead.from_…` names every field it copies.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from pydantic import BaseModel

from sunshine.kernel.money import ZERO
from sunshine.kernel.money import Fen
from sunshine.ledger import rules
from sunshine.ledger.models import Account
from sunshine.ledger.models import JournalEntry
from sunshine.ledger.service import AccountLedger
from sunshine.ledger.service import AccountRow
from sunshine.ledger.service import IncomeAndSpending
from sunshine.ledger.service import LedgerLine
from sunshine.ledger.service import TrialBalance


def yuan(amount: Fen) -> str:
    """An amount as JSON and CSV carry it: '-9618.58' (no thousands separators)."""
    return amount.plain()


class AccountRead(BaseModel):
    code: str
    name_zh: str
    name_en: str
    kind: rules.AccountKind
    category: rules.Category
    parent_code: str | None
    opened_on: date
    closed_on: date | None

    @classmethod
    def from_model(cls, account: Account) -> AccountRead:
        return cls(
            code=account.code,
            name_zh=account.name_zh,
            name_en=account.name_en,
            kind=account.kind,
            category=account.category,
            parent_code=account.parent_code,
            opened_on=account.opened_on,
            closed_on=account.closed_on,
        )


class PostingRead(BaseModel):
    line: int
    account: str
    name_zh: str
    name_en: str
    amount: str
    amount_fen: int
    memo: str


class EntryRead(BaseModel):
    """An entry; `counterparty` is masked for a person unless the caller may book."""

    number: int
    booked_on: date
    period: str
    narration: str
    counterparty: str
    counterparty_is_person: bool
    budget_line: str | None
    source: str
    reverses: int | None
    reversed_by: int | None
    reason: str
    total: str  # the sum of the debits: the amount the entry moves
    total_fen: int
    postings: list[PostingRead]
    vouchers: list[str]
    log_seq: int | None  # the entry's record in the community's public log

    @classmethod
    def from_model(
        cls,
        entry: JournalEntry,
        accounts: dict[int, Account],
        *,
        full: bool,
        vouchers: list[str],
        reversed_by: int | None,
        log_seq: int | None,
    ) -> EntryRead:
        total = debit_total(entry)
        return cls(
            number=entry.id,
            booked_on=entry.booked_on,
            period=str(entry.period),
            narration=entry.narration,
            counterparty=entry.counterparty if full else entry.public_counterparty,
            counterparty_is_person=entry.counterparty_is_person,
            budget_line=entry.budget_line,
            source=entry.source,
            reverses=entry.reverses_id,
            reversed_by=reversed_by,
            reason=entry.reason,
            total=yuan(total),
            total_fen=total.value,
            postings=[
                PostingRead(
                    line=p.line,
                    account=accounts[p.account_id].code,
                    name_zh=accounts[p.account_id].name_zh,
                    name_en=accounts[p.account_id].name_en,
                    amount=yuan(p.amount),
                    amount_fen=p.amount.value,
                    memo=p.memo,
                )
                for p in entry.postings
            ],
            vouchers=vouchers,
            log_seq=log_seq,
        )


class EntryPage(BaseModel):
    """Entries newest first; ask for the next page with `before=next_before`."""

    entries: list[EntryRead]
    next_before: int | None


def debit_total(entry: JournalEntry) -> Fen:
    return sum((p.amount for p in entry.postings if p.amount > ZERO), ZERO)


class RowRead(BaseModel):
    """An account's debits, credits and balance (debit minus credit) over a stretch of time."""

    account: str
    name_zh: str
    name_en: str
    kind: rules.AccountKind
    category: rules.Category
    debit: str
    debit_fen: int
    credit: str
    credit_fen: int
    balance: str
    balance_fen: int

    @classmethod
    def from_row(cls, row: AccountRow) -> RowRead:
        return cls(
            account=row.account.code,
            name_zh=row.account.name_zh,
            name_en=row.account.name_en,
            kind=row.account.kind,
            category=row.account.category,
            debit=yuan(row.debit),
            debit_fen=row.debit.value,
            credit=yuan(row.credit),
            credit_fen=row.credit.value,
            balance=yuan(row.balance),
            balance_fen=row.balance.value,
        )


class TrialBalanceRead(BaseModel):
    period: str  # through the end of this month
    rows: list[RowRead]
    debit_total: str
    debit_total_fen: int
    credit_total: str
    credit_total_fen: int
    balanced: bool

    @classmethod
    def from_report(cls, report: TrialBalance) -> TrialBalanceRead:
        return cls(
            period=str(report.upto),
            rows=[RowRead.from_row(r) for r in report.rows],
            debit_total=yuan(report.debit_total),
            debit_total_fen=report.debit_total.value,
            credit_total=yuan(report.credit_total),
            credit_total_fen=report.credit_total.value,
            balanced=report.balanced,
        )


class IncomeAndSpendingRead(BaseModel):
    """Income and spending accounts' movements in months first..last; net = income - spending."""

    first: str
    last: str
    income: list[RowRead]
    spending: list[RowRead]
    income_total: str
    income_total_fen: int
    spending_total: str
    spending_total_fen: int
    net: str
    net_fen: int

    @classmethod
    def from_report(cls, report: IncomeAndSpending) -> IncomeAndSpendingRead:
        return cls(
            first=str(report.first),
            last=str(report.last),
            income=[RowRead.from_row(r) for r in report.income],
            spending=[RowRead.from_row(r) for r in report.spending],
            income_total=yuan(report.income_total),
            income_total_fen=report.income_total.value,
            spending_total=yuan(report.spending_total),
            spending_total_fen=report.spending_total.value,
            net=yuan(report.net),
            net_fen=report.net.value,
        )


class LedgerLineRead(BaseModel):
    entry: int
    line: int
    booked_on: date
    narration: str
    counterparty: str  # masked for a person
    memo: str
    amount: str
    amount_fen: int
    balance: str  # running, after this line (debit minus credit)
    balance_fen: int
    reverses: int | None

    @classmethod
    def from_line(cls, line: LedgerLine) -> LedgerLineRead:
        return cls(
            entry=line.entry_id,
            line=line.line,
            booked_on=line.booked_on,
            narration=line.narration,
            counterparty=line.public_counterparty,
            memo=line.memo,
            amount=yuan(line.amount),
            amount_fen=line.amount.value,
            balance=yuan(line.balance),
            balance_fen=line.balance.value,
            reverses=line.reverses_id,
        )


class AccountLedgerRead(BaseModel):
    """An account's lines from `start` to `end`, one page of them, with a running balance."""

    account: AccountRead
    start: date
    end: date
    opening: str
    opening_fen: int
    closing: str
    closing_fen: int
    page: int
    pages: int
    lines: list[LedgerLineRead]

    @classmethod
    def from_report(cls, report: AccountLedger, *, page: int, size: int) -> AccountLedgerRead:
        lines, pages = page_of(report.lines, page=page, size=size)
        return cls(
            account=AccountRead.from_model(report.account),
            start=report.start,
            end=report.end,
            opening=yuan(report.opening),
            opening_fen=report.opening.value,
            closing=yuan(report.closing),
            closing_fen=report.closing.value,
            page=page,
            pages=pages,
            lines=[LedgerLineRead.from_line(line) for line in lines],
        )


def page_of(
    lines: Sequence[LedgerLine], *, page: int, size: int
) -> tuple[Sequence[LedgerLine], int]:
    """Lines of page `page` (from 1) and the number of pages (at least 1)."""
    pages = max(1, -(-len(lines) // size))
    start = (max(1, min(page, pages)) - 1) * size
    return lines[start : start + size], pages


class BalanceRead(BaseModel):
    """An account's balance (debit positive) at the end of a day; no account: the trust bank's."""

    account: str | None
    on: date
    balance: str
    balance_fen: int

    @classmethod
    def of(cls, account: str | None, on: date, balance: Fen) -> BalanceRead:
        return cls(account=account, on=on, balance=yuan(balance), balance_fen=balance.value)
