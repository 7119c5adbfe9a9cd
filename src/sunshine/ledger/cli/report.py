"""`sunshine ledger report`: the ledger's reports as a table, CSV or JSON.

Kinds: the trial balance through a month, income and spending for a range of months,
an account's ledger with its running balance, and a balance at a date (the trust bank
account's unless --account names another). JSON is the API's shape; CSV carries yuan
without thousands separators, so a spreadsheet reads the numbers as numbers.
"""

from __future__ import annotations

import sys
from datetime import date
from enum import StrEnum
from typing import Annotated

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from sunshine.infra import clock
from sunshine.infra import tenancy
from sunshine.infra.db import open_session
from sunshine.infra.spreadsheets import CsvWriter
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import schemas
from sunshine.ledger import service

console = Console()


class Kind(StrEnum):
    TRIAL_BALANCE = "trial-balance"
    INCOME = "income"
    LEDGER = "ledger"
    BALANCE = "balance"


class Format(StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"


Rows = list[list[str]]


def report(
    community: Annotated[str, typer.Option("--community", "-c", help="Community code, e.g. jcdy.")],
    kind: Annotated[Kind, typer.Option(help="Which report.")] = Kind.TRIAL_BALANCE,
    period: Annotated[
        str | None, typer.Option(help="A month, YYYY-MM (trial balance: through it).")
    ] = None,
    first: Annotated[str | None, typer.Option("--from", help="First month, YYYY-MM.")] = None,
    last: Annotated[str | None, typer.Option("--to", help="Last month, YYYY-MM.")] = None,
    account: Annotated[
        str | None, typer.Option(help="Account code (ledger; balance of another account).")
    ] = None,
    on: Annotated[str | None, typer.Option(help="Day of a balance, YYYY-MM-DD.")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.TABLE,
) -> None:
    """Print a report of a community's books (default: the trial balance through this month)."""
    today = clock.today()
    this_month = Period.of(today)
    end = _month(last or period, "last") or this_month
    start = _month(first or period, "first") or end
    with open_session() as session:
        ref = tenancy.resolve(session, community)
        title, data, rows = _build(
            session, ref.id, kind, start=start, end=end, account=account, on=on, today=today
        )
    if fmt is Format.JSON:
        typer.echo(data.model_dump_json(indent=2))
    elif fmt is Format.CSV:
        CsvWriter(sys.stdout, lineterminator="\n").writerows(rows)
    else:
        table = Table(title=f"{ref.name} · {title}")
        for heading in rows[0]:
            numeric = heading in _NUMERIC
            table.add_column(heading, justify="right" if numeric else "left", no_wrap=numeric)
        for row in rows[1:]:
            table.add_row(*row)
        console.print(table)


_NUMERIC = frozenset({"debit", "credit", "balance", "amount", "entry"})


def _month(text: str | None, where: str) -> Period | None:
    return schemas.parse_period(text, where=where) if text else None


def _build(
    session: Session,
    community_id: int,
    kind: Kind,
    *,
    start: Period,
    end: Period,
    account: str | None,
    on: str | None,
    today: date,
) -> tuple[str, BaseModel, Rows]:
    """The report's title, its JSON shape, and its rows (the first one the headings)."""
    if kind is Kind.TRIAL_BALANCE:
        trial = schemas.TrialBalanceRead.from_report(
            service.trial_balance(session, community_id, upto_period=end)
        )
        rows = [["account", "name", "debit", "credit", "balance"]]
        rows += [[r.account, r.name_zh, r.debit, r.credit, r.balance] for r in trial.rows]
        rows.append(["", "total", trial.debit_total, trial.credit_total, ""])
        return f"trial balance through {end}", trial, rows
    if kind is Kind.INCOME:
        result = schemas.IncomeAndSpendingRead.from_report(
            service.income_and_spending(session, community_id, first=start, last=end)
        )
        rows = [["section", "account", "name", "amount"]]
        rows += [["income", r.account, r.name_zh, _natural(r, debit=False)] for r in result.income]
        rows.append(["income", "", "total", result.income_total])
        rows += [
            ["spending", r.account, r.name_zh, _natural(r, debit=True)] for r in result.spending
        ]
        rows.append(["spending", "", "total", result.spending_total])
        rows.append(["net", "", "surplus", result.net])
        return f"income and spending {start}..{end}", result, rows
    if kind is Kind.LEDGER:
        code = account or "1001"
        ledger = service.account_ledger(
            session, community_id, account_code=code, start=start.first_day, end=end.last_day
        )
        shaped = schemas.AccountLedgerRead.from_report(
            ledger, page=1, size=max(1, len(ledger.lines))
        )
        rows = [["date", "entry", "narration", "counterparty", "amount", "balance"]]
        rows.append([str(shaped.start), "", "opening balance", "", "", shaped.opening])
        rows += [
            [str(x.booked_on), str(x.entry), x.narration, x.counterparty, x.amount, x.balance]
            for x in shaped.lines
        ]
        rows.append([str(shaped.end), "", "closing balance", "", "", shaped.closing])
        return f"account ledger {code} {start}..{end}", shaped, rows
    day = schemas.parse_day(on, where="on") if on else today
    if account:
        amount = service.account_balance(session, community_id, account_code=account, on=day)
    else:
        amount = service.trust_bank_balance(session, community_id, on=day)
    shape = schemas.BalanceRead.of(account, day, amount)
    rows = [["account", "on", "balance"], [account or "trust bank", str(day), shape.balance]]
    return f"balance at the end of {day}", shape, rows


def _natural(row: schemas.RowRead, *, debit: bool) -> str:
    """An income or spending amount on its normal side (income is a credit balance)."""
    value = row.balance_fen if debit else -row.balance_fen
    return schemas.yuan(Fen(value))
