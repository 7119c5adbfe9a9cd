"""Pure rules of collecting: ageing bands, the collection rate, late fees, check codes.

All arithmetic is on integers (fen, days, basis points); nothing here reads a database.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import date
from datetime import timedelta

from sunshine.kernel.money import Fen


@dataclass(frozen=True, slots=True)
class Band:
    """Days past the due date, first to last (None: no end)."""

    key: str
    first: int
    last: int | None


# A bill is in arrears from its due date (day 0) until it is paid.
BANDS = (
    Band("0-30", 0, 30),
    Band("31-90", 31, 90),
    Band("91-180", 91, 180),
    Band("over-180", 181, None),
)
BAND_KEYS = tuple(band.key for band in BANDS)
COURT_MAY_REDUCE = "可由法院酌减 / a court may reduce it (Civil Code art. 585)"
RATE_ROUNDING = "四舍五入至0.1% / rounded half up to 0.1%"
REMINDER_GAP = timedelta(days=7)  # one text message per unit a week, at most
CHANNELS = ("sms", "letter")


def band_of(days_past_due: int) -> int:
    """The index in BANDS of a bill this many days past its due date (0 or more)."""
    if days_past_due < 0:
        raise ValueError("a bill not yet due is not in arrears")
    return next(
        i for i, band in enumerate(BANDS) if band.last is None or days_past_due <= band.last
    )


def band_starts(as_of: date) -> list[date]:
    """For each band but the last, the earliest due date it holds on `as_of`, newest first."""
    return [as_of - timedelta(days=band.last) for band in BANDS if band.last is not None]


@dataclass(frozen=True, slots=True)
class CollectionRate:
    """What was paid of what was billed, kept as the two integers (fen)."""

    paid: Fen
    billed: Fen

    @property
    def tenths_of_percent(self) -> int | None:
        """Paid / billed in tenths of a percent, rounded half up; None when nothing was billed."""
        if not self.billed.value:
            return None
        return (self.paid.value * 2000 + self.billed.value) // (2 * self.billed.value)

    @property
    def percent(self) -> str:
        """'95.3%', or '—' when nothing was billed (the rule: RATE_ROUNDING)."""
        tenths = self.tenths_of_percent
        return "—" if tenths is None else f"{tenths // 10}.{tenths % 10}%"


@dataclass(frozen=True, slots=True)
class LateFeeClause:
    """The trust contract's late-fee clause as written (see models.Terms)."""

    bp_per_day: int
    from_day: int = 1
    cap_bp: int | None = None
    ref: str = ""

    def days_charged(self, days_past_due: int) -> int:
        return max(0, days_past_due - self.from_day + 1)

    def fee(self, owed: Fen, days_past_due: int) -> Fen:
        """The fee on one line: owed × rate × days, rounded half up to the fen, then capped."""
        if self.bp_per_day <= 0 or owed.value <= 0:
            return Fen(0)
        fee = _half_up(owed.value * self.bp_per_day * self.days_charged(days_past_due), 10_000)
        if self.cap_bp is not None:
            fee = min(fee, _half_up(owed.value * self.cap_bp, 10_000))
        return Fen(fee)


NO_CLAUSE = LateFeeClause(0)


def _half_up(numerator: int, denominator: int) -> int:
    """The quotient rounded half up (both non-negative)."""
    return (2 * numerator + denominator) // (2 * denominator)


def check_code(key: bytes, *, community_id: int, number: int, entry_id: int, amount: Fen) -> str:
    """A short keyed digest of what the receipt says: 'ABCD-EFGH' (base32, 40 bits).

    Keyed with the server's secret, so it cannot be made up from a receipt's figures;
    it names no person, so it may sit beside the log's entry.
    """
    message = f"receipt/1|{community_id}|{number}|{entry_id}|{amount.value}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    text = base64.b32encode(digest[:5]).decode()
    return f"{text[:4]}-{text[4:]}"


def normal_code(typed: str) -> str:
    """A check code as typed ('abcd efgh', 'ABCDEFGH') in its printed form."""
    text = "".join(ch for ch in typed.upper() if ch.isalnum())[:8]
    return f"{text[:4]}-{text[4:]}" if len(text) == 8 else text
