"""What the ledger says about a bank account: its entries' net movements, read through its service.

An entry may touch the trust bank account in more than one posting; its net movement is
what the bank sees. Entries whose postings cancel out do not touch the bank at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from sunshine.kernel.money import ZERO
from sunshine.kernel.money import Fen
from sunshine.ledger import service as ledger


@dataclass(frozen=True, slots=True)
class BookMove:
    entry_id: int
    booked_on: date
    amount: Fen  # debit of the bank account: money in positive, as the bank sees it
    narration: str
    counterparty: str  # as owners see it (a person masked)


def moves(
    session: Session, community_id: int, *, ledger_code: str, start: date, end: date
) -> list[BookMove]:
    """Each entry's net movement of the account from `start` to `end`, in booking order."""
    return [
        BookMove(m.entry_id, m.booked_on, m.amount, m.narration, m.counterparty)
        for m in ledger.account_moves(
            session, community_id, account_code=ledger_code, start=start, end=end
        )
    ]


def balance(session: Session, community_id: int, *, ledger_code: str, on: date) -> Fen:
    return ledger.account_balance(session, community_id, account_code=ledger_code, on=on)


def move_of(session: Session, community_id: int, *, ledger_code: str, entry_id: int) -> BookMove:
    """One entry's net movement of the account; NotFound if there is no such entry."""
    entry = ledger.get_entry(session, community_id, entry_id)
    account = ledger.get_account(session, community_id, ledger_code)
    amount = sum((p.amount for p in entry.postings if p.account_id == account.id), ZERO)
    return BookMove(entry.id, entry.booked_on, amount, entry.narration, entry.public_counterparty)
