"""Typed input of the books, as a form or JSON, turned into ledger values.

Amounts arrive as yuan strings ("5300.00", "5,300.00" in a form), never floats, and are
read exactly into `Fen`. A posting's amount is signed in JSON (debit +, credit -); the
booking form has a debit and a credit box per row instead. The parsers return domain
values or raise Invalid with every problem found, so pages, the API and the CLI refuse
bad input with the same messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field

from sunshine.infra.inputs import Day
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import Problem
from sunshine.kernel.money import ZERO
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.kernel.periods import in_calendar
from sunshine.ledger import rules

BUDGET_LINE_LENGTH = 64
YUAN_PATTERN = r"^[-+]?\d{1,15}(\.\d{1,2})?$"
Yuan = Annotated[str, Field(pattern=YUAN_PATTERN, examples=["5300.00"])]
_STRICT = ConfigDict(extra="forbid", frozen=True)


def parse_period(text: str, *, where: str = "period") -> Period:
    """'2024-10' as a Period; Invalid if it is not one."""
    try:
        return Period.parse(text)
    except ValueError:
        problem = Problem(
            "bad_period", "{text} is not a month (YYYY-MM)", {"text": text[:20]}, where
        )
        raise Invalid("the request was refused", problems=[problem]) from None


def months_asked(
    period: str | None, first: str | None, last: str | None, *, default: Period
) -> tuple[Period, Period]:
    """The months a report covers: `first`..`last` when given, else the month `period`.

    Every report (pages and API) reads its months here, so each honours `?period=` alike;
    `from` alone is that one month, and with nothing asked the report shows `default`.
    """
    month = parse_period(period) if period else default
    start = parse_period(first, where="first") if first else month
    end = parse_period(last, where="last") if last else (start if first else month)
    return start, end


def days_asked(
    period: str | None, start: str | None, end: str | None, *, default: Period
) -> tuple[date, date]:
    """The days a report covers: `start`..`end` when given, else those of the month `period`."""
    month, _ = months_asked(period, None, None, default=default)
    first = parse_day(start, where="start") if start else month.first_day
    last = parse_day(end, where="end") if end else month.last_day
    return first, last


def parse_day(text: str, *, where: str = "booked_on") -> date:
    """'2024-10-31' as a date of the calendar input may name; Invalid if it is not one."""
    try:
        day: date | None = date.fromisoformat(text.strip())
    except ValueError:
        day = None
    if day is None or not in_calendar(day):
        problem = Problem(
            "bad_date", "{text} is not a date (YYYY-MM-DD)", {"text": text[:20]}, where
        )
        raise Invalid("the request was refused", problems=[problem])
    return day


def _amount(text: str, where: str, problems: list[Problem]) -> Fen | None:
    try:
        return Fen.parse(text)
    except ValueError:
        problems.append(
            Problem("bad_amount", "{text} is not an amount in yuan", {"text": text[:30]}, where)
        )
        return None


def _budget_problems(budget_line: str | None) -> list[Problem]:
    if budget_line is not None and len(budget_line) > BUDGET_LINE_LENGTH:
        return [
            Problem(
                "too_long",
                "the budget line is longer than {n} characters",
                {"n": BUDGET_LINE_LENGTH},
                "budget_line",
            )
        ]
    return []


@dataclass(frozen=True, slots=True)
class FormRow:
    """One posting row of the booking form, as typed: a debit or a credit, in yuan."""

    account: str = ""
    debit: str = ""
    credit: str = ""
    memo: str = ""

    @property
    def blank(self) -> bool:
        return not (self.account.strip() or self.debit.strip() or self.credit.strip())


@dataclass(frozen=True, slots=True)
class EntryForm:
    """The booking form as typed, kept to show it again when it is refused."""

    booked_on: str = ""
    narration: str = ""
    counterparty: str = ""
    counterparty_is_person: bool = False
    budget_line: str = ""
    rows: tuple[FormRow, ...] = ()


def _account_code(typed: str) -> str:
    """The account's code from what the picker leaves: "6601 人员工资及社保", or just "6601"."""
    words = typed.split()
    return words[0] if words else ""


def form_draft(form: EntryForm, *, vouchers: Sequence[str] = ()) -> rules.EntryDraft:
    """The entry the form describes; Invalid with every problem the text alone shows.

    Blank rows are skipped. Each row has an account and exactly one of debit and
    credit, a positive amount; the service then checks the balance and the rest.
    """
    problems: list[Problem] = []
    day: date | None = None
    try:
        day = parse_day(form.booked_on)
    except Invalid as exc:
        problems.extend(exc.problems)
    postings: list[rules.PostingDraft] = []
    for line, row in enumerate((r for r in form.rows if not r.blank), start=1):
        where = f"posting {line}"
        debit, credit = row.debit.strip(), row.credit.strip()
        if not row.account.strip():
            problems.append(Problem("no_account", "choose an account", where=where))
        if bool(debit) == bool(credit):
            problems.append(
                Problem("debit_or_credit", "enter either a debit or a credit", where=where)
            )
            continue
        amount = _amount(debit or credit, where, problems)
        if amount is None:
            continue
        if amount <= ZERO:
            problems.append(Problem("not_positive", "enter a positive amount", where=where))
            continue
        signed = amount if debit else -amount
        postings.append(rules.PostingDraft(_account_code(row.account), signed, row.memo.strip()))
    problems.extend(_budget_problems(form.budget_line.strip() or None))
    if problems or day is None:
        raise Invalid("the entry was not booked", problems=problems)
    return rules.EntryDraft(
        booked_on=day,
        narration=form.narration.strip(),
        postings=tuple(postings),
        counterparty=form.counterparty.strip(),
        counterparty_is_person=form.counterparty_is_person,
        budget_line=form.budget_line.strip() or None,
        vouchers=tuple(vouchers),
    )


class PostingCreate(BaseModel):
    """One leg: the account's code and a signed amount in yuan (debit +, credit -)."""

    model_config = _STRICT

    account: Annotated[str, Field(min_length=1, max_length=32, examples=["6601"])]
    amount: Yuan
    memo: Annotated[str, Field(max_length=rules.MEMO_LENGTH)] = ""


class EntryCreate(BaseModel):
    """A journal entry to book. Vouchers are SHA-256 (hex) of files already uploaded."""

    model_config = _STRICT

    booked_on: Day
    narration: Annotated[str, Field(max_length=rules.NARRATION_LENGTH)]
    counterparty: Annotated[str, Field(max_length=rules.COUNTERPARTY_LENGTH)] = ""
    counterparty_is_person: bool = False
    budget_line: Annotated[str | None, Field(max_length=BUDGET_LINE_LENGTH)] = None
    postings: Annotated[list[PostingCreate], Field(max_length=200)]
    vouchers: Annotated[list[str], Field(max_length=50)] = []


class ReversalCreate(BaseModel):
    """Why an entry is reversed, and the day the reversal is booked."""

    model_config = _STRICT

    reason: Annotated[str, Field(min_length=1, max_length=200)]
    booked_on: Day


def entry_draft(body: EntryCreate) -> rules.EntryDraft:
    """The draft a JSON body describes (amounts are checked by the pattern already)."""
    problems: list[Problem] = []
    postings = []
    for line, posting in enumerate(body.postings, start=1):
        amount = _amount(posting.amount, f"posting {line}", problems)
        if amount is not None:
            postings.append(rules.PostingDraft(posting.account, amount, posting.memo))
    if problems:
        raise Invalid("the entry was not booked", problems=problems)
    return rules.EntryDraft(
        booked_on=body.booked_on,
        narration=body.narration.strip(),
        postings=tuple(postings),
        counterparty=body.counterparty.strip(),
        counterparty_is_person=body.counterparty_is_person,
        budget_line=(body.budget_line or "").strip() or None,
        vouchers=tuple(body.vouchers),
    )
