"""How a payment is spread over a unit's open bills: oldest first, unless the payer chose.

A payment pays each open bill up to what is still owed on it, oldest first (by period,
then due date, then bill id, which is the order bills were issued in); a partial payment
leaves the rest of the last bill open; whatever is left over is a prepayment (预收), which
the next bills issued to the unit use. When the payer chose bills, only those are paid,
in the same order, and the rest is a prepayment too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sunshine.kernel.errors import Problem
from sunshine.kernel.money import ZERO
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period

METHOD_NAMES = {"cash": "现金", "card": "刷卡", "transfer": "银行转账", "online": "线上支付"}
METHODS = tuple(METHOD_NAMES)
CASH_ACCOUNT = "1002"  # 库存现金: a desk payment in cash
BANK_ACCOUNT = "1001"  # 信托资金银行存款: card, transfer and online payments settle here
RECEIVABLE_ACCOUNT = "1122"
PREPAYMENT_ACCOUNT = "2203"


@dataclass(frozen=True, slots=True)
class OpenBill:
    bill_id: int
    period: Period
    due_on: date
    owed: Fen  # amount less what is paid already


@dataclass(frozen=True, slots=True)
class Split:
    """A payment spread: (bill id, amount) pairs in paying order, and the prepayment left."""

    paid: tuple[tuple[int, Fen], ...]
    prepaid: Fen

    @property
    def to_bills(self) -> Fen:
        return sum((amount for _, amount in self.paid), ZERO)


def oldest_first(bills: Sequence[OpenBill]) -> list[OpenBill]:
    return sorted(bills, key=lambda bill: (bill.period, bill.due_on, bill.bill_id))


def allocate(amount: Fen, bills: Sequence[OpenBill], chosen: Sequence[int] | None = None) -> Split:
    """Spread `amount` over `bills` (a unit's open bills), oldest first or only `chosen` ones."""
    wanted = None if chosen is None else set(chosen)
    left = amount
    paid: list[tuple[int, Fen]] = []
    for bill in oldest_first(bills):
        if left <= ZERO:
            break
        if (wanted is not None and bill.bill_id not in wanted) or bill.owed <= ZERO:
            continue
        part = min(left, bill.owed)
        paid.append((bill.bill_id, part))
        left -= part
    return Split(tuple(paid), left)


def payment_problems(amount: Fen, method: str, reference: str) -> list[Problem]:
    problems = []
    if amount <= ZERO:
        problems.append(Problem("amount", "a payment is more than 0", where="amount"))
    if method not in METHODS:
        problems.append(
            Problem(
                "method",
                "a method is one of {methods}",
                {"methods": ", ".join(METHODS)},
                where="method",
            )
        )
    if len(reference) > 64:
        problems.append(Problem("reference", "a reference of at most 64 characters"))
    return problems


def debit_account(method: str) -> str:
    """Cash goes to the till (1002); everything else arrives in the trust bank account (1001)."""
    return CASH_ACCOUNT if method == "cash" else BANK_ACCOUNT
