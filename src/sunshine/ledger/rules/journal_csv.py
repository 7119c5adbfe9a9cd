"""Reading a journal of postings from CSV: one row per posting, rows of a transaction together.

The format is the one `../shared/bench/gen_journal.py` writes next to the same journal
for beancount and hledger:

    txn_id,date,account,amount,currency,narration
    T0000001,2020-01-01,Expenses:Wages:Greening,4897.84,CNY,payroll gardener wages 2020-01

Amounts are yuan with at most two decimals, debit positive; a transaction's rows are
consecutive and sum to zero. A zero amount moves no money and is left out (beancount and
hledger keep such a posting, to no effect; the ledger refuses zero postings).

Pure: this reads text rows and says what is wrong with them; which accounts exist and
what gets booked is the import service's business.
Accounts are named as the file names them; `category_for` guesses where a name such as
`Income:Parking` belongs when the import is asked to open the accounts it lacks.
"""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Iterable
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sunshine.kernel.errors import Problem
from sunshine.kernel.money import Fen
from sunshine.ledger.rules import NARRATION_LENGTH
from sunshine.ledger.rules import Category

HEADER = ("txn_id", "date", "account", "amount", "currency", "narration")
CURRENCY = "CNY"
TXN_ID_LENGTH = 64  # ledger_entry.external_id


@dataclass(frozen=True, slots=True)
class Txn:
    """One transaction of the file: its id, day, narration and (account, amount) legs."""

    txn_id: str
    booked_on: date
    narration: str
    legs: tuple[tuple[str, Fen], ...]
    line: int  # the file line of its first row (the header is line 1)


@dataclass(frozen=True, slots=True)
class BadTxn:
    """A transaction the file gets wrong: where, which, and every reason."""

    txn_id: str
    line: int
    problems: tuple[Problem, ...]


def read_header(rows: Iterator[list[str]]) -> list[Problem]:
    """Problems with the header row (consumed from `rows`)."""
    header = next(rows, None)
    if header is None:
        return [Problem("empty_file", "the file is empty")]
    if tuple(cell.strip().lower() for cell in header[: len(HEADER)]) != HEADER:
        return [
            Problem(
                "bad_header",
                "the first row must be the header {header}",
                {"header": ",".join(HEADER)},
                "line 1",
            )
        ]
    return []


def transactions(rows: Iterable[list[str]], *, first_line: int = 2) -> Iterator[Txn | BadTxn]:
    """Group data rows into transactions, in file order, each checked on its own.

    A transaction id that comes back after other rows is reported, not merged: its
    rows must be consecutive, so a file can be read in one pass with flat memory.
    """
    seen: set[str] = set()
    days: dict[str, date] = {}
    group: list[tuple[int, list[str]]] = []
    current = ""
    for line, row in enumerate(rows, start=first_line):
        key = row[0].strip() if row else ""
        if group and key != current:
            yield _plain(group, current, seen, days) or _checked(group, seen)
            group = []
        current = key
        group.append((line, row))
    if group:
        yield _plain(group, current, seen, days) or _checked(group, seen)


def _plain(
    group: list[tuple[int, list[str]]], txn_id: str, seen: set[str], days: dict[str, date]
) -> Txn | None:
    """The common case quickly: a transaction `_checked` would accept, as it would build it.

    None means "look closer" (`_checked` then finds the problems, if any). Journals of a
    million transactions go through here, so it checks only what a good row needs.
    """
    first = group[0][1]
    if not txn_id or len(txn_id) > TXN_ID_LENGTH or txn_id in seen or len(first) != len(HEADER):
        return None
    day_text = first[1]
    legs = _plain_legs(group, day_text)
    if legs is None or len(legs) < 2 or sum([amount.value for _, amount in legs]) != 0:
        return None
    booked_on = days.get(day_text)
    if booked_on is None:
        booked_on = _day({day_text.strip()})
        if booked_on is None:
            return None
        days[day_text] = booked_on
    seen.add(txn_id)
    narration = first[5].strip()
    return Txn(txn_id, booked_on, narration or txn_id, tuple(legs), group[0][0])


def _plain_legs(group: list[tuple[int, list[str]]], day_text: str) -> list[tuple[str, Fen]] | None:
    """The non-zero legs of rows that all look right and share `day_text`, else None."""
    legs: list[tuple[str, Fen]] = []
    for _, row in group:
        if len(row) != len(HEADER) or row[1] != day_text:
            return None
        account = row[2].strip()
        currency = row[4]
        if not account or (currency != CURRENCY and currency.strip().upper() not in ("", CURRENCY)):
            return None
        if len(row[5]) > NARRATION_LENGTH and len(row[5].strip()) > NARRATION_LENGTH:
            return None
        try:
            amount = _fen(row[3].strip())
        except ValueError:
            return None
        if amount.value:
            legs.append((account, amount))
    return legs


def _checked(group: list[tuple[int, list[str]]], seen: set[str]) -> Txn | BadTxn:
    first_line, first = group[0]
    txn_id = first[0].strip() if first else ""
    problems: list[Problem] = []
    if not txn_id or len(txn_id) > TXN_ID_LENGTH:
        problems.append(
            Problem("txn_id", "the transaction id must be 1 to 64 characters", where="txn_id")
        )
    elif txn_id in seen:
        problems.append(
            Problem(
                "txn_split",
                "the rows of transaction {txn} are not together in the file",
                {"txn": txn_id},
                "txn_id",
            )
        )
    seen.add(txn_id)
    legs: list[tuple[str, Fen]] = []
    days: set[str] = set()
    for line, row in group:
        problems.extend(_row_problems(line, row, legs, days))
    booked_on = _day(days)
    if booked_on is None and not problems:
        problems.append(
            Problem("mixed_dates", "the rows of a transaction must share one date", where="date")
        )
    total = sum((amount.value for _, amount in legs), 0)
    if not problems and total != 0:
        problems.append(
            Problem(
                "unbalanced",
                "the amounts do not sum to zero (off by {amount})",
                {"amount": str(Fen(total))},
                "amount",
            )
        )
    moving = tuple(leg for leg in legs if leg[1].value)
    if not problems and len(moving) < 2:
        problems.append(
            Problem("too_few_postings", "a transaction needs two non-zero amounts", where="amount")
        )
    if problems or booked_on is None:
        return BadTxn(txn_id, first_line, tuple(problems))
    narration = first[5].strip() if len(first) > 5 else ""
    return Txn(txn_id, booked_on, narration or txn_id, moving, first_line)


def _row_problems(
    line: int, row: list[str], legs: list[tuple[str, Fen]], days: set[str]
) -> list[Problem]:
    where = f"line {line}"
    if len(row) < len(HEADER) - 1:
        return [Problem("short_row", "the row has too few columns", where=where)]
    problems: list[Problem] = []
    account = row[2].strip()
    if not account:
        problems.append(Problem("no_account", "the account is empty", where=where))
    currency = row[4].strip().upper()
    if currency and currency != CURRENCY:
        problems.append(
            Problem(
                "currency",
                "only {expected} is booked, not {currency}",
                {"expected": CURRENCY, "currency": currency[:8]},
                where,
            )
        )
    try:
        amount = _fen(row[3].strip())
    except ValueError:
        problems.append(
            Problem("amount", "{amount} is not an amount in yuan", {"amount": row[3][:20]}, where)
        )
    else:
        legs.append((account, amount))
    if len(row) > 5 and len(row[5].strip()) > NARRATION_LENGTH:
        problems.append(
            Problem("narration_length", "the narration is longer than 200 characters", where=where)
        )
    days.add(row[1].strip())
    return problems


def _fen(text: str) -> Fen:
    """`Fen.parse`, with a quick path for the plain '-1234.56' that journals are made of."""
    if _PLAIN_AMOUNT.fullmatch(text):
        return Fen(int(text.replace(".", "", 1)))
    return Fen.parse(text)


# ASCII digits (int() takes others too), no more of them than Fen.parse reads.
_PLAIN_AMOUNT = re.compile(r"-?[0-9]{1,16}\.[0-9]{2}")


def _day(days: set[str]) -> date | None:
    if len(days) != 1:
        return None
    try:
        return date.fromisoformat(next(iter(days)))
    except ValueError:
        return None


def reader(handle: Iterable[str]) -> Iterator[list[str]]:
    """The rows `csv.reader(handle)` gives, with lines of no quote split directly.

    A journal is millions of such lines, and splitting them is about twice as quick. A
    line with a quote (a field may then hold commas or run over lines) or a NUL (which
    csv refuses) goes to `csv.reader`, which reads on from it as far as its row goes.
    """
    lines = iter(handle)
    for line in lines:
        if '"' in line or "\0" in line:
            yield next(csv.reader(itertools.chain((line,), lines)))
        else:
            text = line.rstrip("\r\n")
            yield text.split(",") if text else []


@dataclass(frozen=True, slots=True)
class Survey:
    """What a quick first pass finds: the accounts the file names and its earliest date."""

    accounts: frozenset[str]
    first_day: date | None


def survey(handle: Iterable[str]) -> Survey:
    """Read only the date and account columns (they come before any quoted text)."""
    names: set[str] = set()
    days: set[str] = set()
    rows = iter(handle)
    next(rows, None)
    for text in rows:
        parts = text.split(",", 3)
        if len(parts) > 2:
            days.add(parts[1])
            names.add(parts[2].strip())
    names.discard("")
    parsed = []
    for day in days:
        try:
            parsed.append(date.fromisoformat(day.strip()))
        except ValueError:
            continue  # reported with its transaction when the rows are read
    return Survey(frozenset(names), min(parsed, default=None))


# Where an account named like beancount's `Expenses:Repairs:Roof` belongs, by the first
# matching prefix (most specific first). Unknown names fall back to their top level.
_PREFIXES: tuple[tuple[str, Category], ...] = (
    ("assets:bank", Category.TRUST_BANK),
    ("assets:cash", Category.CASH),
    ("assets:receivable", Category.RECEIVABLE),
    ("assets", Category.OTHER_ASSET),
    ("liabilities:advances", Category.PREPAYMENT),
    ("liabilities:prepaid", Category.PREPAYMENT),
    ("liabilities:payable", Category.PAYABLE),
    ("liabilities", Category.OTHER_LIABILITY),
    ("equity", Category.OPENING_EQUITY),
    ("income:propertyfees", Category.PROPERTY_FEE),
    ("income:parking:visitor", Category.VISITOR_PARKING),
    ("income:parking", Category.PARKING_RENT),
    ("income:garbage", Category.GARBAGE_FEE),
    ("income:advertising", Category.COMMON_REVENUE),
    ("income:venuerental", Category.COMMON_REVENUE),
    ("income", Category.OTHER_INCOME),
    ("expenses:wages", Category.WAGES),
    ("expenses:socialinsurance", Category.WAGES),
    ("expenses:repairs", Category.COMMON_UPKEEP),
    ("expenses:utilities", Category.UTILITIES),
    ("expenses:cleaning", Category.CLEANING),
    ("expenses:garbage", Category.CLEANING),
    ("expenses:greening", Category.GREENING),
    ("expenses:security", Category.SECURITY),
    ("expenses:office", Category.OFFICE),
    ("expenses:bankfees", Category.OFFICE),
    ("expenses:insurance", Category.INSURANCE),
    ("expenses", Category.OTHER_APPROVED),
)


def category_for(name: str) -> Category | None:
    """The category an account name implies, or None when its top level is not one of the five."""
    folded = name.strip().lower()
    for prefix, category in _PREFIXES:
        if folded == prefix or folded.startswith(prefix + ":"):
            return category
    return None
