"""荆川东园's trust account at the Bank of Jiangsu: a statement a month, imported and reconciled.

The account (32040188000012345678, the number of tests/banking/samples/jcdy_2024_10_jsb.csv)
held 50,000.00 at the handover on 31 August 2024. Each month the bank's statement is
written as the Bank of Jiangsu exports it (GBK CSV, its column names), from what the
books moved through 1001 that month, every receipt and payment on its own day, plus the
one thing the bank does on its own: the account fee (5.00) on the last day of October,
which the bookkeeper books from the statement two days later (`year.bank_fee`). The
statement is then imported through banking's services, matched automatically, and the
month end's reconciliation appended to the log: at the end of October it balances with
the fee as its one explained difference, at every other month end bank and books agree.

Why the fee is booked, in November: a reconciliation that carried the same unbooked fee
month after month would read as a bookkeeper who never reads the statement; booked from
the statement, it shows the difference and how it cleared, which is what the notice's
section is for. October keeps its four spending lines.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from datetime import time
from datetime import timedelta

from sqlalchemy.orm import Session

from sunshine.banking.service import accounts
from sunshine.banking.service import imports
from sunshine.banking.service import matching
from sunshine.banking.service import reconcile
from sunshine.demo.service import books
from sunshine.demo.service import year
from sunshine.infra.spreadsheets import CsvWriter
from sunshine.kernel.money import ZERO
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import service as ledger

NUMBER = "32040188000012345678"
LAYOUT = "jsb"  # the Bank of Jiangsu's export
HOLDER = "荆川东园业主大会"
COLUMNS = ("交易日期", "交易时间", "摘要", "收入金额", "支出金额", "余额", "对方户名", "对方账号",
           "用途", "流水号")  # fmt: skip
FEE_TIME = time(23, 59, 59)


def open_account(session: Session, community_id: int) -> None:
    """The trust bank account, on the ledger's 1001, matched within three days."""
    accounts.set_account(session, community_id, number=NUMBER, bank=LAYOUT, name=HOLDER)


def reconcile_months(
    session: Session, community_id: int, months: Sequence[Period], *, actor_id: int | None
) -> None:
    """For each month: the statement imported, matched, and its month end reconciled and logged."""
    account = accounts.pick_account(session, community_id, NUMBER)
    balance = _bank_balance(session, community_id, months[0].first_day - timedelta(days=1))
    for period in months:
        data, balance = statement(session, community_id, period, balance)
        imports.import_statement(session, community_id, data, bank=LAYOUT, account_number=NUMBER)
        matching.auto_match(session, community_id, account.id)
        reconcile.record(session, community_id, account, period.last_day, actor_id=actor_id)


def _bank_balance(session: Session, community_id: int, on: date) -> Fen:
    """What the bank held at the end of `on`, the last day of an August: what the books hold.

    The demo reconciles from September (the first year, then the months since), and by
    then every fee the bank charged is booked.
    """
    return ledger.account_balance(session, community_id, account_code=books.TRUST_ACCOUNT, on=on)


def statement(
    session: Session, community_id: int, period: Period, opening: Fen
) -> tuple[bytes, Fen]:
    """The month's statement as the bank exports it, and its closing balance."""
    moves = ledger.account_moves(
        session, community_id, account_code=books.TRUST_ACCOUNT,
        start=period.first_day, end=period.last_day,
    )  # fmt: skip
    out = io.StringIO()
    writer = CsvWriter(out)  # formula-like text quoted, as every CSV we write
    writer.writerow(["江苏银行 对公账户交易明细"])
    writer.writerow([f"账号：{NUMBER}", f"户名：{HOLDER}"])
    writer.writerow(
        [f"起始日期：{period.first_day}", f"终止日期：{period.last_day}", "币种：人民币"]
    )
    writer.writerow(COLUMNS)
    balance, serial, clock_of = opening, 0, dict[date, int]()
    for move in moves:
        if move.narration == year.BANK_FEE_NARRATION:
            continue  # the bank charged it in October: it is on that statement
        balance += move.amount
        serial += 1
        at = clock_of.get(move.booked_on, 0)
        clock_of[move.booked_on] = at + 1
        reference = _ref(period, serial)
        line = (move.booked_on, _time(at), move.amount, balance, move.counterparty, move.narration)
        writer.writerow(_row(*line, reference))
    if period.month == year.BANK_FEE_MONTH:
        balance -= year.BANK_FEE
        fee = (period.last_day, FEE_TIME.isoformat(), -year.BANK_FEE, balance, "", "对公账户管理费")
        writer.writerow(_row(*fee, _ref(period, 99_999), summary="手续费"))
    writer.writerow(["合计"])
    return out.getvalue().encode("gbk"), balance


def _time(index: int) -> str:
    """The n-th line of a day: from 08:30, a minute apart (the bank's clock, not the books')."""
    minutes = 8 * 60 + 30 + index
    return f"{minutes // 60:02d}:{minutes % 60:02d}:00"


def _ref(period: Period, serial: int) -> str:
    return f"JS{period.year}{period.month:02d}{serial:05d}"


def _row(
    day: date,
    at: str,
    amount: Fen,
    balance: Fen,
    counterparty: str,
    purpose: str,
    reference: str,
    *,
    summary: str = "",
) -> list[str]:
    money_in = str(amount) if amount > ZERO else ""
    money_out = str(-amount) if amount < ZERO else ""
    summary = summary or ("转账存入" if amount > ZERO else "转账支出")
    return [day.isoformat(), at, summary, money_in, money_out, str(balance), counterparty, "",
            purpose, reference]  # fmt: skip
