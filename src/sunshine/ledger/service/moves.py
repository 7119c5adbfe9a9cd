"""Each entry's net movement of one account over a span of days, in one grouped query.

What bank reconciliation matches statement lines against: an entry that touches the
trust bank account in two postings moves the bank once, by their sum, and an entry
whose postings there cancel out does not move it at all. Reads through the index
(community_id, account_id, booked_on, …), so a year of a busy account takes one query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.kernel.money import Fen
from sunshine.ledger.models import JournalEntry
from sunshine.ledger.models import Posting
from sunshine.ledger.rules import public_counterparty
from sunshine.ledger.service.chart import get_account
from sunshine.ledger.service.totals import as_fen


@dataclass(frozen=True, slots=True)
class AccountMove:
    entry_id: int
    booked_on: date
    amount: Fen  # debit positive: money into a bank account
    narration: str
    counterparty: str  # as owners see it (a person masked)


def account_moves(
    session: Session, community_id: int, *, account_code: str, start: date, end: date
) -> list[AccountMove]:
    """Entries booked from `start` to `end` that move the account, with their net amounts."""
    account = get_account(session, community_id, account_code)
    total = func.sum(Posting.amount)
    rows = session.execute(
        select(
            JournalEntry.id,
            JournalEntry.booked_on,
            total,
            JournalEntry.narration,
            JournalEntry.counterparty,
            JournalEntry.counterparty_is_person,
        )
        .join(
            Posting,
            (Posting.community_id == JournalEntry.community_id)
            & (Posting.entry_id == JournalEntry.id),
        )
        .where(
            Posting.community_id == community_id,
            Posting.account_id == account.id,
            Posting.booked_on >= start,
            Posting.booked_on <= end,
        )
        .group_by(JournalEntry.id, JournalEntry.booked_on, JournalEntry.narration,
                  JournalEntry.counterparty, JournalEntry.counterparty_is_person)
        .having(total != Fen(0))
        .order_by(JournalEntry.booked_on, JournalEntry.id)
    )  # fmt: skip
    return [
        AccountMove(
            entry_id,
            booked_on,
            as_fen(amount),
            narration,
            public_counterparty(counterparty, is_person=person),
        )
        for entry_id, booked_on, amount, narration, counterparty, person in rows
    ]
