"""Budget vs actual and the projected year-end result, from a budget's lines and account figures.

Pure: the lines come from `budget` (LineDraft), the figures as `AccountActual` values
(an income or expense account's movement over a span, on its normal side); the
services read both. An account belongs to the line that maps its code or a parent of
it; accounts no line covers get rows of their own, so nothing outside the budget is hidden.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import replace
from fractions import Fraction

from sunshine.disclosure.rules.budget import YEAR_MONTHS
from sunshine.disclosure.rules.budget import LineDraft
from sunshine.disclosure.rules.budget import LineKind
from sunshine.disclosure.rules.budget import budget_for
from sunshine.disclosure.rules.budget import monthly
from sunshine.kernel.money import ZERO
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period

# --- budget vs actual -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AccountActual:
    """An income or expense account's movement over a span, on its normal side."""

    code: str
    name_zh: str
    name_en: str
    kind: LineKind
    amount: Fen


@dataclass(frozen=True, slots=True)
class Row:
    """A line's figures; `number` None is an account the budget does not cover."""

    number: int | None
    name_zh: str
    name_en: str
    kind: LineKind
    budget: Fen
    actual: Fen
    budget_ytd: Fen
    actual_ytd: Fen

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" and self.name_en else self.name_zh

    @property
    def variance_ytd(self) -> Fen:
        """Actual less budget, year to date: for income more is better, for spending less."""
        return self.actual_ytd - self.budget_ytd


@dataclass(frozen=True, slots=True)
class Comparison:
    """Budget vs actual for months first..last, and for the year up to last."""

    year_first: Period
    first: Period
    last: Period
    rows: tuple[Row, ...]

    def of(self, kind: LineKind) -> tuple[Row, ...]:
        return tuple(row for row in self.rows if row.kind is kind)

    def total(self, kind: LineKind) -> Row:
        rows = self.of(kind)
        return Row(
            None,
            "收入合计" if kind is LineKind.INCOME else "支出合计",
            "Total income" if kind is LineKind.INCOME else "Total spending",
            kind,
            budget=sum((r.budget for r in rows), ZERO),
            actual=sum((r.actual for r in rows), ZERO),
            budget_ytd=sum((r.budget_ytd for r in rows), ZERO),
            actual_ytd=sum((r.actual_ytd for r in rows), ZERO),
        )


def sums_by_line(
    lines: Sequence[LineDraft], actuals: Sequence[AccountActual]
) -> tuple[dict[int, Fen], dict[str, AccountActual]]:
    """Actual amounts per line number, and the accounts that no line covers (by code)."""
    per_line: dict[int, Fen] = {}
    outside: dict[str, AccountActual] = {}
    for actual in actuals:
        number = next(
            (n for n, line in enumerate(lines, start=1) if line.covers(actual.code)), None
        )
        if number is None:
            known = outside.get(actual.code)
            outside[actual.code] = (
                actual if known is None else replace(known, amount=known.amount + actual.amount)
            )
        else:
            per_line[number] = per_line.get(number, ZERO) + actual.amount
    return per_line, outside


def compare(
    lines: Sequence[LineDraft],
    *,
    year_first: Period,
    span: tuple[Period, Period],
    actual: Sequence[AccountActual],
    actual_ytd: Sequence[AccountActual],
) -> Comparison:
    """Budget vs actual by line for `span` and for the year from `year_first` to its end.

    Accounts with movements that no line covers get a row of their own (budget 0), so
    nothing spent outside the budget is hidden.
    """
    first, last = span
    in_span, outside = sums_by_line(lines, actual)
    to_date, outside_ytd = sums_by_line(lines, actual_ytd)
    rows = [
        Row(
            number,
            line.name_zh,
            line.name_en,
            line.kind,
            budget_for(line, year_first, first, last),
            in_span.get(number, ZERO),
            budget_for(line, year_first, year_first, last),
            to_date.get(number, ZERO),
        )
        for number, line in enumerate(lines, start=1)
    ]
    for code in sorted(outside.keys() | outside_ytd.keys()):
        known = outside.get(code) or outside_ytd[code]
        rows.append(
            Row(
                None,
                f"{known.name_zh}（预算外）",
                f"{known.name_en} (not in the budget)",
                known.kind,
                ZERO,
                outside[code].amount if code in outside else ZERO,
                ZERO,
                outside_ytd[code].amount if code in outside_ytd else ZERO,
            )
        )
    kinds = (LineKind.INCOME, LineKind.SPENDING)
    ordered = sorted(rows, key=lambda r: (kinds.index(r.kind), r.number is None))
    return Comparison(year_first, first, last, tuple(ordered))


# --- the projected year-end result ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class Projected:
    number: int | None
    name_zh: str
    name_en: str
    kind: LineKind
    budget: Fen  # for the year
    actual: Fen  # in the elapsed months
    projected: Fen  # for the year
    accounts: tuple[str, ...] = ()  # the codes the line maps, or the one account outside

    def covers(self, code: str) -> bool:
        return any(code.startswith(mapped) for mapped in self.accounts)

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" and self.name_en else self.name_zh


@dataclass(frozen=True, slots=True)
class Projection:
    """The year's expected result as of the end of `elapsed` months."""

    first: Period
    elapsed: int
    rows: tuple[Projected, ...]

    def of(self, kind: LineKind) -> tuple[Projected, ...]:
        return tuple(row for row in self.rows if row.kind is kind)

    def budget_total(self, kind: LineKind) -> Fen:
        return sum((r.budget for r in self.of(kind)), ZERO)

    def actual_total(self, kind: LineKind) -> Fen:
        return sum((r.actual for r in self.of(kind)), ZERO)

    def projected_total(self, kind: LineKind) -> Fen:
        return sum((r.projected for r in self.of(kind)), ZERO)

    @property
    def budget_result(self) -> Fen:
        """The result the budget itself plans: income less spending (negative: a shortfall)."""
        return self.budget_total(LineKind.INCOME) - self.budget_total(LineKind.SPENDING)

    @property
    def projected_result(self) -> Fen:
        return self.projected_total(LineKind.INCOME) - self.projected_total(LineKind.SPENDING)

    @property
    def through(self) -> Period | None:
        """The last month whose actual figures are in the projection (None: none yet)."""
        return self.first.shift(self.elapsed - 1) if self.elapsed else None


def project_line(line: LineDraft, *, elapsed: int, actual: Fen) -> Fen:
    """The line's expected amount for the whole year, after `elapsed` complete months.

    The method, the same for every community:
    - a year that has ended is its actual figures;
    - recurring income (parking rent): the actual so far, plus the remaining months at
      the average of the months elapsed, because income is what owners actually pay and
      a collection rate below the budget's shows at once (no month elapsed: the budget);
    - recurring spending (wages): the actual so far, plus the remaining months at the
      budget's monthly rate, because spending follows the approved budget (DESIGN.md,
      trust rule 3) and the trustee controls it;
    - a once-a-year line (the garbage fee, insurance): the larger of the budget and the
      actual so far, since one payment may fall in any month.
    """
    if elapsed >= YEAR_MONTHS:
        return actual
    if not line.recurring:
        return max(line.amount, actual)
    if line.kind is LineKind.SPENDING:
        return actual + sum(monthly(line.amount)[elapsed:], ZERO)
    if elapsed == 0:
        return line.amount
    return actual.times(Fraction(YEAR_MONTHS, elapsed))


def project(
    lines: Sequence[LineDraft],
    *,
    first: Period,
    elapsed: int,
    actual_to_date: Sequence[AccountActual],
) -> Projection:
    """Every line's projection (`project_line`); accounts outside the budget at their actual.

    Args:
        lines: the budget's lines in force.
        first: the budget's first month.
        elapsed: complete months of the year (`elapsed_months`), 0 to 12.
        actual_to_date: account movements over those months.
    """
    per_line, outside = sums_by_line(lines, actual_to_date)
    rows = [
        Projected(
            number,
            line.name_zh,
            line.name_en,
            line.kind,
            line.amount,
            per_line.get(number, ZERO),
            project_line(line, elapsed=elapsed, actual=per_line.get(number, ZERO)),
            line.accounts,
        )
        for number, line in enumerate(lines, start=1)
    ]
    # Spending or income the budget does not foresee is not assumed to recur.
    rows.extend(
        Projected(
            None,
            f"{a.name_zh}（预算外）",
            f"{a.name_en} (not in the budget)",
            a.kind,
            ZERO,
            a.amount,
            a.amount,
            (code,),
        )
        for code, a in sorted(outside.items())
    )
    return Projection(first, elapsed, tuple(rows))
