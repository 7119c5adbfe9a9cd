"""Banking's section of the monthly notice: the reconciliation at the span's last day.

The bank's balance beside the books', then every difference by kind, date and amount,
and what is left unexplained: the public form of the reconciliation statement, with no
summaries, counterparties or reasons (LAW.md 3; they stay staff-only, as in the log).
A community without a bank account, or an account without a statement line in the
month, still gets the section, saying so: a missing reconciliation must be visible. The
app registers the function with the notice (entrypoints); disclosure never imports banking.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.banking.models import BankAccount
from sunshine.banking.models import BankLine
from sunshine.banking.rules import reconciliation as rules
from sunshine.banking.service.accounts import list_accounts
from sunshine.banking.service.reconcile import reconcile
from sunshine.kernel.periods import Period
from sunshine.kernel.sections import CellKind
from sunshine.kernel.sections import Column
from sunshine.kernel.sections import Section

SECTION_KEY = "bank_reconciliation"
Row = tuple[str | int, ...]
_KINDS = {  # how each difference is named on the notice
    rules.ItemKind.IN_TRANSIT: (
        "在途款项（已记账、银行未到账）",
        "In transit (not yet in the bank)",
    ),
    rules.ItemKind.BANK_FEE: ("银行手续费（尚未记账）", "Bank fee not yet booked"),
    rules.ItemKind.EXPLAINED: ("已说明的银行流水（尚未记账）", "Bank line explained, not booked"),
    rules.ItemKind.UNMATCHED: ("未匹配的银行流水", "Unmatched bank line"),
}
_NO_ACCOUNT = (
    "本小区尚未登记银行账户，没有银行对账。",
    "The community has no bank account on record: no bank reconciliation.",
)


def _has_lines(session: Session, account: BankAccount, month: Period) -> bool:
    count = session.scalar(
        select(func.count())
        .select_from(BankLine)
        .where(
            BankLine.community_id == account.community_id,
            BankLine.account_id == account.id,
            BankLine.booked_on >= month.first_day,
            BankLine.booked_on <= month.last_day,
        )
    )
    return bool(count)


def _statement_rows(rec: rules.Reconciliation, prefix: str) -> list[Row]:
    """The balances, each difference (by kind, date, amount), and what is left unexplained."""
    on = rec.on.isoformat()
    rows: list[Row] = [
        (f"{prefix}银行对账单余额", on, rec.bank_balance.value, f"{prefix}Bank balance"),
        (f"{prefix}账面余额", on, rec.book_balance.value, f"{prefix}Book balance"),
        (f"{prefix}差额（银行减账面）", on, rec.difference.value,
         f"{prefix}Difference (bank less books)"),
    ]  # fmt: skip
    for item in rec.items:
        zh, en = _KINDS[item.kind]
        rows.append((f"{prefix}{zh}", item.booked_on.isoformat(), item.amount.value, prefix + en))
    rows.append((f"{prefix}未能解释的差额", on, rec.unexplained.value, f"{prefix}Left unexplained"))
    return rows


def _zh_day(day: date) -> str:
    """A day as the Chinese note writes it (owners read days, not ISO dates)."""
    return f"{day.year}年{day.month}月{day.day}日"


def _account_note(rec: rules.Reconciliation | None, masked: str, month: Period) -> tuple[str, str]:
    if rec is None:
        return (
            f"账户 {masked}：{month} 没有银行对账单流水，本月未能对账。",
            f"Account {masked}: no bank statement lines for {month}; not reconciled this month.",
        )
    if rec.balanced:
        zh, en = "调节后余额一致", "the adjusted balances agree"
    else:
        zh, en = "尚有差额未能解释", "a difference is left unexplained"
    return (
        f"账户 {masked}：{_zh_day(rec.first_day)}至{_zh_day(rec.on)}逐笔核对，{zh}。",
        f"Account {masked}: checked line by line from {rec.first_day} to {rec.on}; {en}.",
    )


def reconciliation_section(
    session: Session, community_id: int, first: Period, last: Period
) -> Section:
    """The reconciliation of each bank account at the end of `last` (the span's last month).

    Amounts move the bank's balance (money in positive), as the statement does: the
    difference is the bank-only lines less the entries in transit, plus what is unexplained.
    """
    accounts = list_accounts(session, community_id)
    rows: list[Row] = []
    notes: list[tuple[str, str]] = []
    for account in accounts:
        masked = rules.masked_account(account.number)
        prefix = f"{masked} " if len(accounts) > 1 else ""
        rec = None
        if _has_lines(session, account, last):
            rec = reconcile(session, community_id, account, last.last_day)
            rows.extend(_statement_rows(rec, prefix))
        notes.append(_account_note(rec, masked, last))
    if not accounts:
        notes.append(_NO_ACCOUNT)
    return Section(
        key=SECTION_KEY,
        title_zh="银行余额调节表",
        title_en="Bank reconciliation at the month's end",
        columns=(
            Column("item", "项目", "Item", lang="zh"),
            Column("date", "日期", "Date", CellKind.DAY),
            Column("amount", "金额", "Amount", CellKind.FEN),
            Column("item_en", "项目", "Item", lang="en"),
        ),
        rows=tuple(rows),
        note_zh="".join(zh for zh, _ in notes)
        + ("只列金额和日期，不列户名、摘要。" if rows else ""),
        note_en=" ".join(en for _, en in notes)
        + (" Amounts and dates only: no names." if rows else ""),
    )
