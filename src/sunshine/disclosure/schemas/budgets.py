"""What comes in at the budget's edges: the line form, lever inputs, JSON bodies.

Typed text (yuan, months, account codes) becomes rule values here, with every problem
reported at once and pointed at its row ("line 3"). What goes out is in `budget_reads`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field

from sunshine.disclosure.rules import budget as rules
from sunshine.disclosure.rules import levers as lever_rules
from sunshine.infra.inputs import RowId
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import Problem
from sunshine.kernel.money import ZERO
from sunshine.kernel.money import Fen

_CODES = re.compile(r"[\s,，、;；]+")
ONCE = "once"


def parse_codes(text: str) -> tuple[str, ...]:
    """Account codes typed as '6601, 6602' or '6601 6602' (duplicates dropped, order kept)."""
    return tuple(dict.fromkeys(code for code in _CODES.split(text.strip()) if code))


def parse_yuan(text: str, *, where: str, problems: list[Problem]) -> Fen:
    """A yuan amount, or ZERO with a problem added when it is not one."""
    try:
        return Fen.parse(text) if text.strip() else ZERO
    except ValueError:
        problems.append(
            Problem("bad_amount", "{text} is not an amount in yuan", {"text": text[:30]}, where)
        )
        return ZERO


@dataclass(frozen=True, slots=True)
class LineRow:
    """One row of the line form, as typed (so a refused form comes back as it was)."""

    name_zh: str = ""
    name_en: str = ""
    kind: str = rules.LineKind.SPENDING.value
    amount: str = ""
    accounts: str = ""
    pattern: str = "monthly"  # or ONCE
    note: str = ""

    @classmethod
    def of(cls, line: rules.LineDraft) -> LineRow:
        return cls(
            line.name_zh,
            line.name_en,
            line.kind.value,
            line.amount.plain(),
            " ".join(line.accounts),
            "monthly" if line.recurring else ONCE,
            line.note,
        )

    @property
    def blank(self) -> bool:
        return not (self.name_zh.strip() or self.amount.strip() or self.accounts.strip())


def form_lines(rows: Sequence[LineRow]) -> list[rules.LineDraft]:
    """The filled rows as lines (blank rows skipped); Invalid with every problem."""
    problems: list[Problem] = []
    lines: list[rules.LineDraft] = []
    for row in (r for r in rows if not r.blank):
        where = f"line {len(lines) + 1}"
        try:
            kind = rules.LineKind(row.kind)
        except ValueError:
            problems.append(Problem("bad_kind", "choose income or spending", where=where))
            kind = rules.LineKind.SPENDING
        lines.append(
            rules.LineDraft(
                name_zh=row.name_zh.strip(),
                name_en=row.name_en.strip(),
                kind=kind,
                amount=parse_yuan(row.amount, where=where, problems=problems),
                accounts=parse_codes(row.accounts),
                recurring=row.pattern != ONCE,
                note=row.note.strip(),
            )
        )
    if problems:
        raise Invalid("the lines were not saved", problems=problems)
    return lines


def parse_int(text: str, *, where: str, problems: list[Problem], default: int = 0) -> int:
    """A whole number of at most 12 digits (counts and percentages: far more than any needs)."""
    try:
        value = int(text.strip()) if text.strip() else default
    except ValueError:
        value = None
    if value is None or abs(value) >= 10**12:
        problems.append(Problem("bad_number", "enter a whole number", where=where))
        return default
    return value


def lever_inputs(fields: dict[str, str]) -> lever_rules.Levers:
    """The close-the-gap form's fields as lever inputs; Invalid with every problem."""
    problems: list[Problem] = []

    def money(name: str) -> Fen:
        return parse_yuan(fields.get(name, ""), where=name, problems=problems)

    def count(name: str, default: int = 0) -> int:
        return parse_int(fields.get(name, ""), where=name, problems=problems, default=default)

    cut_line = count("cut_line") or None
    levers = lever_rules.Levers(
        visitor_price=money("visitor_price"),
        visitor_visits=count("visitor_visits"),
        advertising=money("advertising"),
        cut_line=cut_line,
        cut=money("cut"),
        fee_change=money("fee_change"),
        households=count("households"),
        collection_percent=count("collection_percent", 95),
        remuneration_change=money("remuneration_change"),
    )
    if problems:
        raise Invalid("the levers cannot be worked out", problems=problems)
    return levers


# --- JSON in ---------------------------------------------------------------------------

Yuan = Annotated[str, Field(max_length=30, examples=["86400.00"])]


class LineCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name_zh: Annotated[str, Field(max_length=rules.NAME_LENGTH)]
    name_en: Annotated[str, Field(max_length=rules.NAME_LENGTH)] = ""
    kind: rules.LineKind
    amount: Yuan
    accounts: Annotated[list[Annotated[str, Field(max_length=32)]], Field(max_length=20)]
    recurring: bool = True
    note: Annotated[str, Field(max_length=rules.NOTE_LENGTH)] = ""


def json_lines(body: Sequence[LineCreate]) -> list[rules.LineDraft]:
    """JSON lines as rule values; Invalid if an amount is not yuan."""
    return form_lines(
        [
            LineRow(
                line.name_zh,
                line.name_en,
                line.kind.value,
                line.amount,
                " ".join(line.accounts),
                "monthly" if line.recurring else ONCE,
                line.note,
            )
            for line in body
        ]
    )


class BudgetCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    first: Annotated[str, Field(examples=["2024-09"], max_length=7)]
    title: Annotated[str, Field(max_length=rules.TITLE_LENGTH)]
    lines: Annotated[list[LineCreate], Field(max_length=rules.MAX_LINES)] = []


class LinesUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    lines: Annotated[list[LineCreate], Field(max_length=rules.MAX_LINES)]


AUTHORITY = r"^(decision:[0-9]{1,9}|vote:[0-9]{1,9}/[0-9]{1,3})$"


class Approval(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    decision_sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    # the committee decision (decision:N) or owners' vote matter (vote:V/M) approving it
    authority: Annotated[str | None, Field(pattern=AUTHORITY)] = None


class Revision(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    lines: Annotated[list[LineCreate], Field(max_length=rules.MAX_LINES)]
    reason: Annotated[str, Field(max_length=rules.REASON_LENGTH)]
    decision_sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    authority: Annotated[str | None, Field(pattern=AUTHORITY)] = None


class CommentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    line: RowId  # the line's number in the budget
    body: Annotated[str, Field(max_length=rules.COMMENT_LENGTH)]
