"""The postings of one kind of account over periods, line by line, with their entries' vouchers.

What the monthly notice lists as "spending line by line": each expense posting with the
entry's number, date, narration, public counterparty and vouchers. Reads the postings of
the months asked for only, through the index (community_id, account_id, booked_on, …).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import rules
from sunshine.ledger.models import Account
from sunshine.ledger.models import JournalEntry
from sunshine.ledger.models import Posting
from sunshine.ledger.service.chart import accounts_by_code
from sunshine.ledger.service.entries import vouchers_by_entry


@dataclass(frozen=True, slots=True)
class PostedLine:
    entry_id: int
    booked_on: date
    narration: str
    counterparty: str  # as owners see it (a person masked)
    account: Account
    amount: Fen  # on the account's normal side: an expense paid is positive, its reversal negative
    vouchers: tuple[str, ...]
    reverses_id: int | None


def lines_in(
    session: Session, community_id: int, *, first: Period, last: Period, kind: rules.AccountKind
) -> list[PostedLine]:
    """Every posting to an account of `kind` booked in periods first..last, in booking order."""
    accounts = {a.id: a for a in accounts_by_code(session, community_id).values() if a.kind is kind}
    if not accounts:
        return []
    rows = session.execute(
        select(Posting.account_id, Posting.amount, JournalEntry)
        .join(
            JournalEntry,
            (JournalEntry.community_id == Posting.community_id)
            & (JournalEntry.id == Posting.entry_id),
        )
        .where(
            Posting.community_id == community_id,
            Posting.account_id.in_(sorted(accounts)),
            Posting.booked_on >= first.first_day,
            Posting.booked_on <= last.last_day,
        )
        .order_by(Posting.booked_on, Posting.entry_id, Posting.line)
    ).all()
    vouchers = vouchers_by_entry(session, community_id, sorted({entry.id for *_, entry in rows}))
    return [
        PostedLine(
            entry_id=entry.id,
            booked_on=entry.booked_on,
            narration=entry.narration,
            counterparty=entry.public_counterparty,
            account=accounts[account_id],
            amount=amount if kind.debit_normal else -amount,
            vouchers=tuple(vouchers.get(entry.id, ())),
            reverses_id=entry.reverses_id,
        )
        for account_id, amount, entry in rows
    ]
