"""Money as a whole number of fen (1 yuan = 100 fen).

Floats never enter this module. Yuan strings appear only in `parse` and
`__str__`; everything else adds, compares and splits whole fen.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

_YUAN = re.compile(r"([-+])?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?")
# The most yuan any text may say: 16 digits, so a parsed amount is under 10**18 fen and
# fits a BIGINT column with room to add; each use then has its own, smaller limit.
MAX_YUAN_DIGITS = 16


@dataclass(frozen=True, slots=True, order=True)
class Fen:
    """An amount of money in fen. Immutable; arithmetic returns new values."""

    value: int

    def __post_init__(self) -> None:
        if type(self.value) is not int:  # rejects float, Decimal and bool
            raise TypeError(f"Fen needs an int, got {type(self.value).__name__}")

    @classmethod
    def parse(cls, text: str) -> Fen:
        """Read a yuan string such as '1234.5', '9,618.58' or '-0.05' exactly."""
        cleaned = text.strip().removeprefix("¥").removeprefix("￥").strip()
        match = _YUAN.fullmatch(cleaned)
        if match is None:
            raise ValueError(f"not a yuan amount: {text!r}")
        sign, yuan, fen = match.groups()
        digits = yuan.replace(",", "").lstrip("0")
        if len(digits) > MAX_YUAN_DIGITS:
            raise ValueError(f"more than {MAX_YUAN_DIGITS} digits of yuan: {text[:40]!r}")
        value = int(digits or "0") * 100 + int((fen or "0").ljust(2, "0"))
        return cls(-value if sign == "-" else value)

    @classmethod
    def yuan(cls, whole: int) -> Fen:
        """A whole number of yuan."""
        return cls(whole * 100)

    def __add__(self, other: Fen) -> Fen:
        return Fen(self.value + other.value)

    def __sub__(self, other: Fen) -> Fen:
        return Fen(self.value - other.value)

    def __neg__(self) -> Fen:
        return Fen(-self.value)

    def __abs__(self) -> Fen:
        return Fen(abs(self.value))

    def __bool__(self) -> bool:
        return self.value != 0

    def times(self, factor: int | Fraction) -> Fen:
        """Multiply by an exact factor, rounding half away from zero (四舍五入) to the fen."""
        if type(factor) is not int and not isinstance(factor, Fraction):  # float, Decimal, bool
            raise TypeError(f"times needs an exact factor (int or Fraction), got {factor!r}")
        exact = Fraction(self.value) * Fraction(factor)
        whole, rest = divmod(abs(exact.numerator), exact.denominator)
        if 2 * rest >= exact.denominator:
            whole += 1
        return Fen(whole if exact >= 0 else -whole)

    def __str__(self) -> str:
        yuan, fen = divmod(abs(self.value), 100)
        return f"{'-' if self.value < 0 else ''}{yuan:,}.{fen:02d}"

    def plain(self) -> str:
        """The amount without thousands separators, as CSV files want it: '-9618.58'."""
        yuan, fen = divmod(abs(self.value), 100)
        return f"{'-' if self.value < 0 else ''}{yuan}.{fen:02d}"

    def allocate(self, weights: Sequence[int]) -> list[Fen]:
        """Split in proportion to integer weights without losing a fen.

        Largest remainder method (LAW.md 2): every part gets its whole share,
        and the leftover fen go one each to the largest remainders; ties go to
        the earlier part, so the result is deterministic and sums to `self`.
        """
        if self.value < 0:
            return [-part for part in (-self).allocate(weights)]
        total = sum(weights)
        if not weights or total <= 0 or min(weights) < 0:
            raise ValueError("weights must be non-negative and not all zero")
        shares = [divmod(self.value * w, total) for w in weights]
        leftover = self.value - sum(whole for whole, _ in shares)
        by_remainder = sorted(range(len(shares)), key=lambda i: (-shares[i][1], i))
        lucky = set(by_remainder[:leftover])
        return [Fen(whole + 1 if i in lucky else whole) for i, (whole, _) in enumerate(shares)]


ZERO = Fen(0)
