"""The reconciliation statement (余额调节表) for a date, as values: pure arithmetic.

From the statement's first day to the date, the bank's balance less the books' is the
opening difference plus the bank lines the books lack, less the entries the bank lacks.
Each item says why: booked, not yet in the bank (in transit); a bank fee not yet booked;
a bank line explained by staff; a bank line not matched. It balances when nothing is left
over once every item is counted (the opening balances agree).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sunshine.kernel.money import ZERO
from sunshine.kernel.money import Fen

_FEE = re.compile(r"手续费|服务费|工本费|年费|管理费|短信|汇划费|账户费|结算费|fee", re.IGNORECASE)


class ItemKind(StrEnum):
    IN_TRANSIT = "in_transit"  # in the books, not yet in the bank
    BANK_FEE = "bank_fee"  # a bank fee the books have not yet booked
    EXPLAINED = "explained"  # a bank line staff explained
    UNMATCHED = "unmatched"  # a bank line with no entry and no explanation


def is_fee(summary: str, amount: Fen) -> bool:
    """A bank's own charge: money out whose summary names a fee."""
    return amount.value < 0 and bool(_FEE.search(summary))


@dataclass(frozen=True, slots=True)
class Item:
    kind: ItemKind
    booked_on: date
    amount: Fen  # as it moves the bank's balance: money in positive
    entry_id: int | None = None
    line_id: int | None = None
    text: str = ""  # the summary, narration or reason: staff-only, never logged


@dataclass(frozen=True, slots=True)
class Reconciliation:
    account_id: int
    account_number: str
    on: date
    first_day: date
    bank_balance: Fen
    book_balance: Fen
    bank_opening: Fen
    book_opening: Fen
    items: tuple[Item, ...]

    def total(self, kind: ItemKind) -> Fen:
        return sum((i.amount for i in self.items if i.kind is kind), ZERO)

    @property
    def difference(self) -> Fen:
        """Bank less books."""
        return self.bank_balance - self.book_balance

    @property
    def unexplained(self) -> Fen:
        """What no item accounts for: bank − books − bank-only lines + book-only entries."""
        bank_only = sum((i.amount for i in self.items if i.kind is not ItemKind.IN_TRANSIT), ZERO)
        return self.difference - bank_only + self.total(ItemKind.IN_TRANSIT)

    @property
    def balanced(self) -> bool:
        return self.unexplained.value == 0

    @property
    def adjusted_bank(self) -> Fen:
        """The bank's balance with the entries in transit added (银行对账单调节后余额)."""
        return self.bank_balance + self.total(ItemKind.IN_TRANSIT)

    @property
    def adjusted_book(self) -> Fen:
        """The books' balance with the bank-only lines added (企业账面调节后余额)."""
        bank_only = sum((i.amount for i in self.items if i.kind is not ItemKind.IN_TRANSIT), ZERO)
        return self.book_balance + bank_only


def masked_account(number: str) -> str:
    """An account number as the public log shows it: the last four digits."""
    return "****" + number[-4:] if len(number) > 4 else "****"


def log_record(rec: Reconciliation) -> dict[str, object]:
    """The public form: figures, dates and entry numbers only, no names, summaries or reasons."""
    return {
        "account": rec.account_id,
        "account_number": masked_account(rec.account_number),
        "on": rec.on.isoformat(),
        "first_day": rec.first_day.isoformat(),
        "bank_balance_fen": rec.bank_balance.value,
        "book_balance_fen": rec.book_balance.value,
        "items": [
            {
                "kind": item.kind.value,
                "date": item.booked_on.isoformat(),
                "amount_fen": item.amount.value,
                "entry": item.entry_id,
            }
            for item in rec.items
        ],
    }
