"""When billed money becomes income: on billing (the default) or on collection (收付实现制).

A community's terms choose (`models.Terms.income_on`). Billed: a run books Dr 1122 / Cr
the item's income account, and a payment only settles the receivable. Collected: a run
books Dr 1122 / Cr 2205 待实现收费收入 (billed, not yet collected), and whatever pays a
bill (a payment at the desk or online, a prepayment a run uses) books Dr 2205 / Cr that
bill's item's income account for what it paid, in the same entry; a refund reverses the
entry and with it the income. Income accounts then hold exactly what was collected, the
receivable still shows what is owed, and 2205 is the part of it not yet income.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from enum import StrEnum

from sunshine.kernel.money import Fen
from sunshine.ledger import rules as ledger_rules


class IncomeBasis(StrEnum):
    BILLED = "billed"
    COLLECTED = "collected"


DEFERRED_INCOME_ACCOUNT = "2205"
DEFERRED_INCOME = ledger_rules.AccountTemplate(
    DEFERRED_INCOME_ACCOUNT,
    "待实现收费收入",
    "Billed, not yet collected",
    ledger_rules.Category.OTHER_LIABILITY,
)


def billed_to(basis: IncomeBasis, income_account: str) -> str:
    """The account a run credits for what it bills."""
    return DEFERRED_INCOME_ACCOUNT if basis is IncomeBasis.COLLECTED else income_account


def recognised(paid: Iterable[tuple[str, Fen]]) -> list[ledger_rules.PostingDraft]:
    """Dr 2205 / Cr each income account for what was collected of its bills, by account.

    `paid` holds (income account, fen) pairs; nothing (no postings) when they come to 0.
    """
    by_account: dict[str, int] = defaultdict(int)
    for account, fen in paid:
        by_account[account] += fen.value
    total = sum(by_account.values())
    if not total:
        return []
    P = ledger_rules.PostingDraft  # noqa: N806 - a constructor, read as one
    return [P(DEFERRED_INCOME_ACCOUNT, Fen(total))] + [
        P(code, Fen(-fen)) for code, fen in sorted(by_account.items()) if fen
    ]
