"""A statement's rows to checked lines: the header found, amounts read exactly, balances added up.

Banks put the account number, name and period above the table, and totals below it; the
header row is the first row holding the layout's date and balance headings. Each line's
amount is money in minus money out, in fen, read from the text exactly (never a float).
Every line's balance must be the one before plus its amount: a statement that does not
add up is refused, naming the line, before anything is written.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from dataclasses import dataclass
from datetime import date

from sunshine.banking.rules.layouts import FIELDS
from sunshine.banking.rules.layouts import Layout
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import Problem
from sunshine.kernel.money import ZERO
from sunshine.kernel.money import Fen

HEADER_SEARCH_ROWS = 30
REFERENCE_MAX = 64
TEXT_MAX = 200
_ACCOUNT = re.compile(r"(?:账号|帐号|账户|Account)[^0-9]{0,12}([0-9][0-9 \-]{4,40}[0-9])")
_TOTALS = ("合计", "总计", "本页合计", "累计", "小计")
# A regular expression, not strptime: ten thousand lines read in milliseconds.
_DAY = re.compile(r"(\d{4})(?:[-/.年](\d{1,2})[-/.月](\d{1,2})日?|(\d{2})(\d{2}))(?:$|[ T])")
_NONE = {"", "-", "--", "—"}


@dataclass(frozen=True, slots=True)
class LineDraft:
    """One statement line as read: `amount` is signed (money in positive), `row` the file's row."""

    row: int
    booked_on: date
    time: str
    amount: Fen
    balance: Fen
    counterparty: str
    counterparty_account: str
    summary: str
    reference: str


@dataclass(frozen=True, slots=True)
class StatementDraft:
    account_number: str  # as the header rows give it, or "" when they do not
    lines: tuple[LineDraft, ...]

    @property
    def opening(self) -> Fen:
        first = self.lines[0]
        return first.balance - first.amount

    @property
    def closing(self) -> Fen:
        return self.lines[-1].balance


def _problem(row: int, code: str, message: str, **args: object) -> Problem:
    return Problem(code, message, {"row": row, **args}, f"row {row}")


def _refuse(problems: list[Problem]) -> Invalid:
    """The whole statement refused; the message names the first wrong row, if a row is wrong."""
    row = problems[0].args.get("row")
    if row is None:
        return Invalid("the statement is refused; nothing was imported", problems=problems[:20])
    return Invalid(
        "row {row} of the statement is wrong; nothing was imported",
        args={"row": row},
        problems=problems[:20],
    )


def _find_header(rows: list[list[str]], layout: Layout) -> tuple[int, dict[str, int]]:
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        cells = [c.replace(" ", "").replace("\u3000", "") for c in row]
        columns: dict[str, int] = {}
        for field in FIELDS:
            found = next((h for h in layout.headings(field) if h in cells), None)
            if found is not None:
                columns[field] = cells.index(found)
        if "date" in columns and "balance" in columns:
            return index, columns
    wanted = "、".join((*layout.date[:1], *layout.balance[:1]))
    raise _refuse(
        [
            Problem(
                "header",
                "no header row with {wanted} ({bank})",
                {"wanted": wanted, "bank": layout.code},
                "file",
            )
        ]
    )


def account_number(rows: list[list[str]]) -> str:
    """The account number written above the table (账号：…), digits only, or ""."""
    for row in rows[:HEADER_SEARCH_ROWS]:
        match = _ACCOUNT.search(" ".join(row))
        if match:
            return re.sub(r"[^0-9]", "", match.group(1))
    return ""


def parse_date(text: str) -> date | None:
    """A day as banks write it: 2024-10-05, 2024/10/05, 20241005, 2024.10.05, 2024年10月5日."""
    match = _DAY.match(text.strip())
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2] or match[4]), int(match[3] or match[5]))
    except ValueError:
        return None


def parse_amount(text: str) -> Fen:
    """A bank's amount text to fen exactly: "1,234.56", "-1234.5", "1234", "" (none)."""
    cleaned = text.strip().replace("，", ",").replace(" ", "")
    if cleaned in _NONE:
        return ZERO
    return Fen.parse(cleaned)


def _get(row: list[str], columns: dict[str, int], field: str) -> str:
    index = columns.get(field)
    return row[index].strip() if index is not None and index < len(row) else ""


def _is_footer(row: list[str]) -> bool:
    text = "".join(row).strip()
    return text == "" or any(text.startswith(t) for t in _TOTALS)


def _money(row: list[str], columns: dict[str, int]) -> Fen:
    if "amount" in columns:
        return parse_amount(_get(row, columns, "amount"))
    money_in = parse_amount(_get(row, columns, "money_in"))
    money_out = parse_amount(_get(row, columns, "money_out"))
    return money_in - abs(money_out)


def _line(number: int, row: list[str], columns: dict[str, int]) -> LineDraft:
    day_text = _get(row, columns, "date")
    booked_on = parse_date(day_text)
    if booked_on is None:
        raise ValueError(f"date:{day_text}")
    time = _get(row, columns, "time") or (day_text.split(" ")[1] if " " in day_text else "")
    summary = " ".join(
        t for t in (_get(row, columns, "summary"), _get(row, columns, "purpose")) if t
    )
    amount, balance = _money(row, columns), parse_amount(_get(row, columns, "balance"))
    reference = _get(row, columns, "reference")
    if not reference:  # no 流水号 column: the line's own content names it
        seed = f"{day_text}|{time}|{amount.value}|{balance.value}|{summary}"
        reference = "~" + hashlib.sha256(seed.encode()).hexdigest()[:20]
    return LineDraft(
        row=number,
        booked_on=booked_on,
        time=time[:8],
        amount=amount,
        balance=balance,
        counterparty=_get(row, columns, "counterparty")[:TEXT_MAX],
        counterparty_account=_get(row, columns, "counterparty_account")[:64],
        summary=summary[:TEXT_MAX],
        reference=reference[:REFERENCE_MAX],
    )


def _lines(rows: list[list[str]], start: int, columns: dict[str, int]) -> list[LineDraft]:
    lines: list[LineDraft] = []
    problems: list[Problem] = []
    for index in range(start + 1, len(rows)):
        row, number = rows[index], index + 1
        if _is_footer(row):
            if "".join(row).strip():
                break  # totals: the table has ended
            continue
        try:
            lines.append(_line(number, row, columns))
        except ValueError as exc:
            message = str(exc)
            if message.startswith("date:"):
                problems.append(
                    _problem(number, "date", "row {row}: “{text}” is not a date", text=message[5:])
                )
            else:
                problems.append(
                    _problem(
                        number,
                        "amount",
                        "row {row}: an amount is not written in yuan ({detail})",
                        detail=message[:60],
                    )
                )
    if problems:
        raise _refuse(problems)
    if not lines:
        raise _refuse([Problem("no_lines", "the statement has no lines", {}, "file")])
    return lines


def _in_order(lines: list[LineDraft]) -> list[LineDraft]:
    """Oldest first: some banks list the newest line first."""
    if len(lines) > 1 and lines[0].booked_on > lines[-1].booked_on:
        return lines[::-1]
    return lines


def check_balances(lines: list[LineDraft]) -> None:
    """Each line's balance is the one before plus its amount; else refuse, naming the line."""
    for before, line in itertools.pairwise(lines):
        expected = before.balance + line.amount
        if line.balance != expected:
            raise _refuse(
                [
                    _problem(
                        line.row,
                        "balance",
                        "row {row}: the balance {balance} should be {expected}"
                        " (the balance before, {before}, plus {amount})",
                        balance=str(line.balance),
                        expected=str(expected),
                        before=str(before.balance),
                        amount=str(line.amount),
                    )
                ]
            )


def read_statement(rows: list[list[str]], layout: Layout) -> StatementDraft:
    """The statement in `rows` read with `layout`, checked; refused whole if any line is wrong."""
    start, columns = _find_header(rows, layout)
    if "amount" not in columns and "money_in" not in columns and "money_out" not in columns:
        raise _refuse(
            [
                Problem(
                    "header",
                    "the header has no amount columns ({bank})",
                    {"bank": layout.code},
                    "file",
                )
            ]
        )
    lines = _in_order(_lines(rows, start, columns))
    check_balances(lines)
    seen: set[tuple[date, str]] = set()
    for line in lines:
        if (line.booked_on, line.reference) in seen:
            raise _refuse(
                [
                    _problem(
                        line.row,
                        "repeated",
                        "row {row}: reference {reference} appears twice",
                        reference=line.reference,
                    )
                ]
            )
        seen.add((line.booked_on, line.reference))
    return StatementDraft(account_number(rows[:start]), tuple(lines))
