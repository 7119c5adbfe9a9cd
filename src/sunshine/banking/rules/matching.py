"""Automatic matching of bank lines to ledger entries: pure, set-based, one line to one entry.

Candidates share the amount exactly (money in on the bank is a debit of the trust bank
account in the books) and lie within the date window. Among several, the one whose text
agrees best wins (the bank's reference in the entry's, or a counterparty or narration in
the bank's summary), then the nearest date, then the lower entry number. Entries are
grouped by amount first, so a statement of 10,000 lines against a year of entries is a
dictionary look-up per line, not a product of the two.
"""

from __future__ import annotations

from bisect import bisect_left
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

MIN_TEXT = 2  # shorter texts agree by chance


@dataclass(frozen=True, slots=True)
class BankSide:
    line_id: int
    booked_on: date
    amount: int  # fen, money in positive
    text: str  # reference, counterparty, summary


@dataclass(frozen=True, slots=True)
class BookSide:
    entry_id: int
    booked_on: date
    amount: int  # fen, the entry's net debit of the trust bank account
    text: str  # narration, counterparty, external id


def _agreement(bank: str, book: str) -> int:
    words = [w for w in book.replace("、", " ").replace("，", " ").split() if len(w) >= MIN_TEXT]
    return sum(1 for word in words if word in bank)


def match(bank: list[BankSide], book: list[BookSide], *, window_days: int) -> list[tuple[int, int]]:
    """(line id, entry id) pairs: each line and each entry used at most once."""
    by_amount: dict[int, list[BookSide]] = defaultdict(list)
    for entry in sorted(book, key=lambda e: (e.booked_on, e.entry_id)):
        by_amount[entry.amount].append(entry)
    days = {amount: [e.booked_on.toordinal() for e in group] for amount, group in by_amount.items()}
    taken: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for line in sorted(bank, key=lambda b: (b.booked_on, b.line_id)):
        group = by_amount.get(line.amount)
        if not group:
            continue
        day = line.booked_on.toordinal()
        ordinals = days[line.amount]
        low = bisect_left(ordinals, day - window_days)
        high = bisect_right(ordinals, day + window_days)
        best: tuple[int, int, int] | None = None
        for entry in group[low:high]:
            if entry.entry_id in taken:
                continue
            gap = abs(entry.booked_on.toordinal() - day)
            rank = (-_agreement(line.text, entry.text), gap, entry.entry_id)
            if best is None or rank < best:
                best = rank
        if best is not None:
            taken.add(best[2])
            pairs.append((line.line_id, best[2]))
    return pairs
