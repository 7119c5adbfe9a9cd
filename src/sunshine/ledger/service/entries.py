"""Reading journal entries: find and list them, and turn a stored entry back into a draft.

`record_of` recomputes an entry's transparency-log record from the tables, which is
what the audit compares with the log.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.kernel.errors import NotFound
from sunshine.kernel.periods import Period
from sunshine.ledger import rules
from sunshine.ledger.models import EntryVoucher
from sunshine.ledger.models import JournalEntry
from sunshine.ledger.service.chart import accounts_by_code


def find_entry(session: Session, community_id: int, entry_id: int) -> JournalEntry | None:
    return session.get(JournalEntry, (community_id, entry_id))


def get_entry(session: Session, community_id: int, entry_id: int) -> JournalEntry:
    """The entry with this number. Raises NotFound."""
    entry = find_entry(session, community_id, entry_id)
    if entry is None:
        raise NotFound("entry {number} does not exist", args={"number": entry_id})
    return entry


def find_entry_by_external_id(
    session: Session, community_id: int, external_id: str
) -> JournalEntry | None:
    return session.scalar(
        select(JournalEntry).where(
            JournalEntry.community_id == community_id, JournalEntry.external_id == external_id
        )
    )


def find_reversal(session: Session, community_id: int, entry_id: int) -> JournalEntry | None:
    """The entry that reverses `entry_id`, if any."""
    return session.scalar(
        select(JournalEntry).where(
            JournalEntry.community_id == community_id, JournalEntry.reverses_id == entry_id
        )
    )


def list_entries(
    session: Session,
    community_id: int,
    *,
    first: date | None = None,
    last: date | None = None,
    before_id: int | None = None,
    limit: int = 100,
) -> list[JournalEntry]:
    """Entries newest first, optionally within [first, last]; page with `before_id`."""
    query = select(JournalEntry).where(JournalEntry.community_id == community_id)
    if first is not None:
        query = query.where(JournalEntry.booked_on >= first)
    if last is not None:
        query = query.where(JournalEntry.booked_on <= last)
    if before_id is not None:
        query = query.where(JournalEntry.id < before_id)
    return list(session.scalars(query.order_by(JournalEntry.id.desc()).limit(limit)))


def first_period(session: Session, community_id: int) -> Period | None:
    """The month of the community's earliest booking, if it has any."""
    return session.scalar(
        select(func.min(JournalEntry.period)).where(JournalEntry.community_id == community_id)
    )


def latest_period(session: Session, community_id: int) -> Period | None:
    """The month of the community's latest booking, if it has any: where the books open."""
    return session.scalar(
        select(func.max(JournalEntry.period)).where(JournalEntry.community_id == community_id)
    )


def entry_count(session: Session, community_id: int) -> int:
    last = session.scalar(
        select(func.max(JournalEntry.id)).where(JournalEntry.community_id == community_id)
    )
    return last or 0


def voucher_hashes(session: Session, community_id: int, entry_id: int) -> list[str]:
    """Every voucher backing the entry, whenever attached."""
    return vouchers_by_entry(session, community_id, [entry_id]).get(entry_id, [])


def vouchers_by_entry(
    session: Session, community_id: int, entry_ids: list[int], *, with_entry_only: bool = False
) -> dict[int, list[str]]:
    """The vouchers of several entries in one query (only those posted with them, if asked)."""
    query = select(EntryVoucher.entry_id, EntryVoucher.sha256).where(
        EntryVoucher.community_id == community_id, EntryVoucher.entry_id.in_(entry_ids)
    )
    if with_entry_only:
        query = query.where(EntryVoucher.with_entry.is_(True))
    found: dict[int, list[str]] = defaultdict(list)
    for entry_id, sha in session.execute(
        query.order_by(EntryVoucher.entry_id, EntryVoucher.sha256)
    ):
        found[entry_id].append(sha)
    return found


def reversals_by_entry(session: Session, community_id: int, entry_ids: list[int]) -> dict[int, int]:
    """For those of `entry_ids` that are reversed, the number of the reversing entry."""
    rows = session.execute(
        select(JournalEntry.reverses_id, JournalEntry.id).where(
            JournalEntry.community_id == community_id, JournalEntry.reverses_id.in_(entry_ids)
        )
    )
    return {reversed_id: number for reversed_id, number in rows if reversed_id is not None}


def draft_of(session: Session, entry: JournalEntry) -> rules.EntryDraft:
    """The stored entry as a draft again, with the vouchers it was posted with."""
    codes = {a.id: a.code for a in accounts_by_code(session, entry.community_id).values()}
    return draft_from(entry, codes, posted_with(session, entry.community_id, [entry.id]))


def posted_with(session: Session, community_id: int, entry_ids: list[int]) -> dict[int, list[str]]:
    """The vouchers named in the entries' own log records (not those attached later)."""
    return vouchers_by_entry(session, community_id, entry_ids, with_entry_only=True)


def draft_from(
    entry: JournalEntry, codes: dict[int, str], vouchers: dict[int, list[str]]
) -> rules.EntryDraft:
    return rules.EntryDraft(
        booked_on=entry.booked_on,
        narration=entry.narration,
        postings=tuple(
            rules.PostingDraft(codes[p.account_id], p.amount, p.memo) for p in entry.postings
        ),
        period=entry.period,
        counterparty=entry.counterparty,
        counterparty_is_person=entry.counterparty_is_person,
        budget_line=entry.budget_line,
        reason=entry.reason,
        vouchers=tuple(vouchers.get(entry.id, ())),
    )


def record_of(session: Session, community_id: int, entry_id: int) -> dict[str, object]:
    """The log record the entry should have, recomputed from the tables (for the audit)."""
    entry = get_entry(session, community_id, entry_id)
    return rules.as_record(
        draft_of(session, entry), number=entry.id, source=entry.source, reverses=entry.reverses_id
    )
