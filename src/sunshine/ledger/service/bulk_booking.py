"""Writing an import's prepared batches (`ledger.import_batches`) fast, the database's checks kept.

A batch is one savepoint inside the caller's transaction: its postings, entry headers,
log records and subtree hashes, and the per-account totals, as `posting._write` writes
them for any entry, but from rows prepared in another process and inserted set-wise.
Nothing here commits or rolls back the caller's transaction: a batch that must be undone
(it repeats a booked transaction, or the database refuses it) is rolled back to its
savepoint, alone.

On SQLite a row trigger costs about as much as the insert it guards (its program runs
for every row, even when its WHEN clause is false): the two insert triggers of migration
0003, `ledger_posting_sealed` and `ledger_entry_checked`, would cap an import near
35,000 postings/s. So, inside the batch's savepoint, this drops those two, inserts, runs
their rules once over the batch's rows (`insert_rules`, the one list both come from),
and creates the triggers again from the text the database itself holds. SQLite's DDL is
transactional and its one writer keeps every other writer out until COMMIT; readers see
the schema of their snapshot. A failed check raises, and the rollback to the savepoint
restores the triggers with everything else. A trigger whose text is not the list's (a
database migrated past this code) is left in place to check every row. The UPDATE and
DELETE triggers are never touched. PostgreSQL keeps its triggers (dropping one would
lock readers out); its rows go by COPY.

The rows' layouts come from the tables (`infra.bulk.Layout`): the fields the preparing
process sends per row, and one value per batch for every other column.

A batch that is not plain (some transaction needs the full checks) or names a transaction
booked before goes through `importing.book_drafts`, the ordinary way.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sunshine.infra import bulk
from sunshine.infra import clock
from sunshine.infra.db import Base
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import rules
from sunshine.ledger.models import EntryVoucher
from sunshine.ledger.models import JournalEntry
from sunshine.ledger.models import Posting
from sunshine.ledger.rules.import_batches import ENTRY_FIELDS
from sunshine.ledger.rules.import_batches import POSTING_FIELDS
from sunshine.ledger.rules.import_batches import Books
from sunshine.ledger.rules.import_batches import Prepared
from sunshine.ledger.rules.import_batches import renumbered
from sunshine.ledger.service.chart import accounts_by_code
from sunshine.ledger.service.entries import entry_count
from sunshine.ledger.service.importing import BatchResult
from sunshine.ledger.service.importing import book_drafts
from sunshine.ledger.service.insert_rules import CHECKED
from sunshine.ledger.service.insert_rules import SEALED
from sunshine.ledger.service.insert_rules import TRIGGERS
from sunshine.ledger.service.insert_rules import InsertTrigger
from sunshine.ledger.service.insert_rules import same_statement
from sunshine.ledger.service.periods import closed_through
from sunshine.ledger.service.periods import lock_books
from sunshine.ledger.service.posting import ENTRY_KIND
from sunshine.ledger.service.posting import IDS_PER_QUERY
from sunshine.ledger.service.posting import IMPORT
from sunshine.ledger.service.totals import add_to_totals
from sunshine.transparency import service as transparency

# The per-row insert triggers whose rules a batch checks once over its rows (SQLite).
INSERT_TRIGGERS = tuple(trigger.name for trigger in TRIGGERS)
_CACHE_KB = 256 * 1024
_ENTRIES = Base.metadata.tables[JournalEntry.__tablename__]
_POSTING_ROWS = bulk.Layout(
    Base.metadata.tables[Posting.__tablename__], POSTING_FIELDS, counted="entry_id"
)
_ENTRY_ROWS = bulk.Layout(_ENTRIES, ENTRY_FIELDS, counted="id")
# What an imported posting and entry hold besides what the preparing process sends.
IMPORTED_POSTING = {"memo": ""}
IMPORTED_ENTRY = {
    "counterparty": "",
    "counterparty_is_person": False,
    "budget_line": None,
    "reverses_id": None,
    "reason": "",
    "source": IMPORT,
}


class BatchRefused(Exception):
    """The database's rules refuse a prepared batch: a bug in preparing, never bad input."""


def books_for_import(session: Session, community_id: int, codes: Mapping[str, str]) -> Books:
    """What `import_batches.prepare` needs to know, for the file's account names → codes."""
    accounts = accounts_by_code(session, community_id)
    return Books(
        accounts={name: (code, accounts[code].id) for name, code in codes.items()},
        open_spans={code: (a.opened_on, a.closed_on) for code, a in accounts.items()},
        closed_through=closed_through(session, community_id),
        remuneration_codes=frozenset(
            code for code, a in accounts.items() if a.category is rules.Category.REMUNERATION
        ),
        source=IMPORT,
        stored_from=transparency.STORED_FROM,
        booking_window=rules.booking_window(clock.today()),
    )


def book_prepared(
    session: Session, community_id: int, batch: Prepared, *, actor_id: int | None
) -> BatchResult:
    """Book a prepared batch, all or none; nothing commits or rolls back the caller's work.

    Raises BatchRefused (after undoing the batch alone) if the database's rules refuse
    rows of it, which is a bug in preparing.
    """
    if not len(batch):
        return BatchResult(0, 0, 0, entry_count(session, community_id))
    lock_books(session, community_id)
    if batch.plain and _books_unchanged(session, community_id, batch.books):
        if _ends_booked(session, community_id, batch):
            # The file imported again, or an import resumed: most likely all of it.
            if (result := _booked_before(session, community_id, batch)) is not None:
                return result
            return _ordinary(session, community_id, batch, actor_id=actor_id)
        # COPY goes through the driver itself, so its errors come unwrapped.
        driver_error = session.get_bind().dialect.dbapi.IntegrityError  # type: ignore[union-attr]
        try:
            with session.begin_nested():
                return _book_set_wise(session, community_id, batch, actor_id=actor_id)
        except (IntegrityError, driver_error) as error:
            if "external_id" not in str(getattr(error, "orig", error)):
                raise
            # A transaction inside the batch was booked before: the savepoint undid the
            # batch, the dropped triggers with it.
            if (result := _booked_before(session, community_id, batch)) is not None:
                return result
    # The ordinary way names every problem of a transaction that needs the full checks,
    # and books once what was booked before, checking that it is the same.
    return _ordinary(session, community_id, batch, actor_id=actor_id)


def _books_unchanged(session: Session, community_id: int, books: Books) -> bool:
    """Whether the chart and the closed periods are as when the batch was checked.

    An import runs for minutes and commits batch by batch: meanwhile an account may be
    closed or a period closed, and then the batch goes the ordinary way, checked anew.
    """
    codes = {name: code for name, (code, _) in books.accounts.items()}
    return books_for_import(session, community_id, codes) == books


def _ends_booked(session: Session, community_id: int, batch: Prepared) -> bool:
    """Whether the batch's first or last transaction is booked already (one quick query)."""
    ids = list(batch.txn_ends)
    return bool(session.scalar(_ANY_BOOKED, {"c": community_id, "ids": ids}))


_ANY_BOOKED = text(
    "SELECT count(*) FROM ledger_entry WHERE community_id = :c AND external_id IN :ids"
).bindparams(bindparam("ids", expanding=True))


def _book_set_wise(
    session: Session, community_id: int, batch: Prepared, *, actor_id: int | None
) -> BatchResult:
    first = entry_count(session, community_id) + 1
    last = first + len(batch) - 1
    now = clock.now()
    # First, as it may refuse the batch (a month's total past its bound) before any row.
    add_to_totals(
        session,
        community_id,
        {
            (account_id, Period.parse(period)): (Fen(debit), Fen(credit))
            for (account_id, period), (debit, credit) in batch.totals.items()
        },
    )
    insert = _insert_sqlite if session.get_bind().dialect.name == "sqlite" else _insert_copy
    insert(session, community_id, batch, first, now=now, actor_id=actor_id)
    if first == batch.first:  # as the preparing process assumed: its records stand
        transparency.append_numbered(
            session,
            community_id,
            ENTRY_KIND,
            first,
            batch.records,
            batch.ends,
            batch.leaf_hashes,
            grown=transparency.Grown(batch.seq, batch.frontier, batch.nodes),
        )
    else:  # another writer booked meanwhile
        bodies, leaves = renumbered(batch, IMPORT, first=first)
        transparency.append_hashed(
            session,
            community_id,
            [ENTRY_KIND] * len(bodies),
            [str(number) for number in range(first, last + 1)],
            bodies,
            leaves,
        )
    return BatchResult(len(batch), batch.postings_count, 0, last)


def _booked_before(session: Session, community_id: int, batch: Prepared) -> BatchResult | None:
    """The batch's result if every transaction of it is booked already, as the same entry.

    "The same" is what `post_entries` compares (the entry's record but for its number and
    source), here for what an import can hold: date, period, narration, the postings'
    accounts and amounts, and no counterparty, memo, budget line, reason or voucher. Read
    as stored, without the ORM's types: an import run again checks a million entries this
    way. None when any is new or differs; the ordinary way then books the new and names
    the conflicts.
    """
    entries = json.loads(batch.entries)
    booked: dict[str, tuple[Any, ...]] = {}
    for start in range(0, len(entries), IDS_PER_QUERY):
        ids = [row[4] for row in entries[start : start + IDS_PER_QUERY]]
        rows = session.execute(_BOOKED_ENTRIES, {"c": community_id, "ids": ids})
        booked.update((row[0], tuple(row[1:])) for row in rows)
    if len(booked) != len(entries):
        return None
    numbers = [booked[row[4]][0] for row in entries]
    low, high = min(numbers), max(numbers)
    span = {"c": community_id, "low": low, "high": high}
    legs: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for entry_id, account_id, amount, memo in session.execute(_BOOKED_POSTINGS, span):
        legs[entry_id].append((account_id, amount, memo))
    with_vouchers = set(
        session.scalars(
            select(EntryVoucher.entry_id).where(
                EntryVoucher.community_id == community_id,
                EntryVoucher.entry_id.between(low, high),
                EntryVoucher.with_entry.is_(True),
            )
        )
    )
    wanted: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for index, _line, account_id, _day, value in json.loads(batch.postings):
        wanted[index].append((account_id, value, ""))
    for index, (_, day, period, narration, txn_id) in enumerate(entries):
        number, booked_on, booked_period, *rest = booked[txn_id]
        same = (
            str(booked_on) == day  # SQLite holds the ISO text; PostgreSQL gives a date
            and booked_period == period
            and rest == [narration, "", None, "", None]
            and number not in with_vouchers
            and legs[number] == wanted[index]
        )
        if not same:
            return None
    return BatchResult(0, 0, len(entries), entry_count(session, community_id))


_BOOKED_ENTRIES = text(
    "SELECT external_id, id, booked_on, period, narration, counterparty, budget_line, "
    "reason, reverses_id FROM ledger_entry WHERE community_id = :c AND external_id IN :ids"
).bindparams(bindparam("ids", expanding=True))
_BOOKED_POSTINGS = text(
    "SELECT entry_id, account_id, amount_fen, memo FROM ledger_posting "
    "WHERE community_id = :c AND entry_id BETWEEN :low AND :high ORDER BY entry_id, line"
)


def _ordinary(
    session: Session, community_id: int, batch: Prepared, *, actor_id: int | None
) -> BatchResult:
    codes = {a.id: code for code, a in accounts_by_code(session, community_id).items()}
    legs: list[list[rules.PostingDraft]] = [[] for _ in range(len(batch))]
    for index, _line, account_id, _day, value in json.loads(batch.postings):
        legs[index].append(rules.PostingDraft(codes[account_id], Fen(value)))
    entries = json.loads(batch.entries)
    drafts = [
        rules.EntryDraft(
            booked_on=date.fromisoformat(day), narration=narration, postings=tuple(legs[index])
        )
        for index, day, _period, narration, _txn in entries
    ]
    return book_drafts(
        session, community_id, drafts, [row[4] for row in entries], actor_id=actor_id
    )


def _insert_sqlite(
    session: Session,
    community_id: int,
    batch: Prepared,
    first: int,
    *,
    now: object,
    actor_id: int | None,
) -> None:
    """Insert the batch with the insert triggers dropped, checking their rules as they would."""
    # Room for the whole batch's pages (the default is 2 MB): SQLite then writes them at
    # COMMIT instead of spilling some to the WAL on the way. Per connection.
    session.execute(text(f"PRAGMA cache_size = -{_CACHE_KB}"))
    dropped = _drop_insert_triggers(session)
    rowid = session.scalar(text("SELECT coalesce(max(rowid), 0) FROM ledger_posting"))
    # INVARIANT: postings before headers, as everywhere (migration 0003).
    _POSTING_ROWS.insert_json(
        session, batch.postings, first=first, community_id=community_id, **IMPORTED_POSTING
    )
    _ENTRY_ROWS.insert_json(
        session,
        batch.entries,
        first=first,
        community_id=community_id,
        posted_by=actor_id,
        posted_at=now,
        **IMPORTED_ENTRY,
    )
    span = {"c": community_id, "a": first, "b": first + len(batch) - 1, "rowid": rowid}
    if SEALED in dropped:
        # No posting of the batch's own entries breaks the seal: had their headers existed
        # before them, the headers' insert would have failed on its key. So the others.
        _refuse(session, SEALED, f"rowid > :rowid AND NOT ({_OWN_POSTINGS})", span)
    if CHECKED in dropped:  # after the headers: no rule reads another header of an import
        _refuse(session, CHECKED, _OWN_ENTRIES, span)
    count = session.scalar(_COUNT_OWN_ENTRIES, span)
    if count != len(batch):
        raise BatchRefused(f"the batch should have {len(batch)} entries, not {count}")
    for statement in dropped.values():
        session.execute(text(statement))


def _insert_copy(
    session: Session,
    community_id: int,
    batch: Prepared,
    first: int,
    *,
    now: object,
    actor_id: int | None,
) -> None:
    """Insert the batch by COPY (PostgreSQL), its triggers checking every row."""
    # ISO dates, 'YYYY-MM' and whole fen are what COPY's text format takes as they are.
    _POSTING_ROWS.insert(
        session,
        json.loads(batch.postings),
        first=first,
        ready={"booked_on", "amount_fen"},
        community_id=community_id,
        **IMPORTED_POSTING,
    )
    _ENTRY_ROWS.insert(
        session,
        json.loads(batch.entries),
        first=first,
        ready={"booked_on", "period"},
        community_id=community_id,
        posted_by=actor_id,
        posted_at=now,
        **IMPORTED_ENTRY,
    )


_OWN_POSTINGS = "community_id = :c AND entry_id BETWEEN :a AND :b"
_OWN_ENTRIES = "community_id = :c AND id BETWEEN :a AND :b"
_COUNT_OWN_ENTRIES = text(
    "SELECT count(*) FROM ledger_entry WHERE community_id = :c AND id BETWEEN :a AND :b"
)


def _drop_insert_triggers(session: Session) -> dict[InsertTrigger, str]:
    """Drop the insert triggers that hold the list's rules; returns the SQL that made them.

    A trigger whose text is not the list's stays, and checks every row as it always does.
    """
    names = {trigger.name: trigger for trigger in TRIGGERS}
    rows = session.execute(_TRIGGER_SQL, {"names": list(names)}).all()
    if sorted(name for name, _ in rows) != sorted(names):
        raise BatchRefused(f"the ledger's insert triggers are missing: {rows}")
    dropped = {}
    for name, sql in rows:
        if same_statement(sql, names[name].create):
            session.execute(text(f'DROP TRIGGER "{name}"'))
            dropped[names[name]] = sql
    return dropped


_TRIGGER_SQL = text(
    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN :names"
).bindparams(bindparam("names", expanding=True))


def _refuse(session: Session, trigger: InsertTrigger, rows: str, params: dict[str, int]) -> None:
    """Raise BatchRefused, naming the entry and the rule, if the trigger refuses any of `rows`."""
    found = session.execute(text(trigger.first_refused(rows)), params).first()
    if found is not None:
        raise BatchRefused(f"{found.rule}: entry {found.entry}")
