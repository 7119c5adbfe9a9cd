"""Writing an import's prepared batches (`ledger.import_batches`) fast, the database's checks kept.

A batch is one transaction: its postings, entry headers, log records and subtree hashes,
and the per-account totals, as `posting._write` writes them for any entry, but from rows
prepared in another process and inserted set-wise.

On SQLite a row trigger costs about as much as the insert it guards (its program runs
for every row, even when its WHEN clause is false): the two insert triggers of migration
0003, `ledger_posting_sealed` and `ledger_entry_checked`, would cap an import near
35,000 postings/s. So, inside the batch's own transaction, this drops those two, inserts,
runs the same checks once over the batch's rows (`_check_batch`), and creates the
triggers again from the text the database itself holds, before COMMIT. SQLite's DDL is
transactional and its one writer keeps every other writer out until COMMIT; readers see
the schema of their snapshot. A failed check raises, and the rollback restores the
triggers with everything else. The UPDATE and DELETE triggers are never touched.
PostgreSQL keeps its triggers (dropping one would lock readers out); its rows go by COPY.

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
from sunshine.ledger.rules.import_batches import Books
from sunshine.ledger.rules.import_batches import Prepared
from sunshine.ledger.rules.import_batches import renumbered
from sunshine.ledger.service.chart import accounts_by_code
from sunshine.ledger.service.entries import entry_count
from sunshine.ledger.service.importing import BatchResult
from sunshine.ledger.service.importing import book_drafts
from sunshine.ledger.service.periods import closed_through
from sunshine.ledger.service.periods import lock_books
from sunshine.ledger.service.posting import ENTRY_COLUMNS
from sunshine.ledger.service.posting import ENTRY_KIND
from sunshine.ledger.service.posting import IDS_PER_QUERY
from sunshine.ledger.service.posting import IMPORT
from sunshine.ledger.service.posting import POSTING_COLUMNS
from sunshine.ledger.service.totals import add_to_totals
from sunshine.transparency import service as transparency

# The per-row insert triggers whose checks `_check_batch` makes once per batch (SQLite).
INSERT_TRIGGERS = ("ledger_posting_sealed", "ledger_entry_checked")
_CACHE_KB = 256 * 1024
_ENTRIES = Base.metadata.tables[JournalEntry.__tablename__]
_POSTINGS = Base.metadata.tables[Posting.__tablename__]


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
    )


def book_prepared(
    session: Session, community_id: int, batch: Prepared, *, actor_id: int | None
) -> BatchResult:
    """Book a prepared batch, all or none; nothing commits here.

    The session must hold nothing else uncommitted: a batch that repeats a booked
    transaction is rolled back before it is booked the ordinary way.
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
            return _book_set_wise(session, community_id, batch, actor_id=actor_id)
        except (IntegrityError, driver_error) as error:
            if "external_id" not in str(getattr(error, "orig", error)):
                raise
            # A transaction inside the batch was booked before. Undo the batch, the
            # dropped triggers with it.
            session.rollback()
            lock_books(session, community_id)
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
    if session.get_bind().dialect.name == "sqlite":
        # Room for the whole batch's pages (the default is 2 MB): SQLite then writes them
        # at COMMIT instead of spilling some to the WAL on the way. Per connection.
        session.execute(text(f"PRAGMA cache_size = -{_CACHE_KB}"))
        triggers = _drop_insert_triggers(session)
        rowid = session.scalar(text("SELECT coalesce(max(rowid), 0) FROM ledger_posting"))
        _insert_sqlite(session, community_id, batch, first, now, actor_id)
        _check_batch(session, community_id, first, last, posting_rowid=rowid)
        for statement in triggers:
            session.execute(text(statement))
    else:
        _insert_copy(session, community_id, batch, first, now, actor_id)
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
    add_to_totals(
        session,
        community_id,
        {
            (account_id, Period.parse(period)): (Fen(debit), Fen(credit))
            for (account_id, period), (debit, credit) in batch.totals.items()
        },
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


def _drop_insert_triggers(session: Session) -> list[str]:
    """Drop the per-row insert triggers; returns the statements that create them again."""
    rows = session.execute(
        text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN (:a, :b)"),
        dict(zip("ab", INSERT_TRIGGERS, strict=True)),
    ).all()
    if sorted(name for name, _ in rows) != sorted(INSERT_TRIGGERS):
        raise BatchRefused(f"the ledger's insert triggers are missing: {rows}")
    for name, _ in rows:
        session.execute(text(f'DROP TRIGGER "{name}"'))
    return [sql for _, sql in rows]


def _insert_sqlite(
    session: Session,
    community_id: int,
    batch: Prepared,
    first: int,
    now: object,
    actor_id: int | None,
) -> None:
    # Postings before headers, as everywhere (migration 0003).
    params = {
        "c": community_id,
        "base": first,
        "now": bulk.stored_value(session, _ENTRIES, "posted_at", now),
        "by": actor_id,
        "source": IMPORT,
    }
    session.execute(
        text(
            "INSERT INTO ledger_posting "
            "(community_id, entry_id, line, account_id, booked_on, amount_fen, memo) "
            "SELECT :c, :base + (value ->> 0), value ->> 1, value ->> 2, value ->> 3, "
            "value ->> 4, '' FROM json_each(:rows)"
        ),
        params | {"rows": batch.postings},
    )
    session.execute(
        text(
            "INSERT INTO ledger_entry (community_id, id, booked_on, period, narration, "
            "counterparty, counterparty_is_person, budget_line, reverses_id, reason, source, "
            "external_id, posted_by, posted_at) "
            "SELECT :c, :base + (value ->> 0), value ->> 1, value ->> 2, value ->> 3, '', 0, "
            "NULL, NULL, '', :source, value ->> 4, :by, :now FROM json_each(:rows)"
        ),
        params | {"rows": batch.entries},
    )


def _insert_copy(
    session: Session,
    community_id: int,
    batch: Prepared,
    first: int,
    now: object,
    actor_id: int | None,
) -> None:
    postings = [
        (community_id, first + i, line, account_id, date.fromisoformat(day), value, "")
        for i, line, account_id, day, value in json.loads(batch.postings)
    ]
    bulk.insert_rows(session, _POSTINGS, POSTING_COLUMNS, postings, ready={"amount_fen"})
    entries = [
        (
            *(community_id, first + i, date.fromisoformat(day), period, narration, "", False),
            *(None, None, "", IMPORT, txn_id, actor_id, now),
        )
        for i, day, period, narration, txn_id in json.loads(batch.entries)
    ]
    bulk.insert_rows(session, _ENTRIES, ENTRY_COLUMNS, entries, ready={"period"})


def _check_batch(
    session: Session, community_id: int, first: int, last: int, *, posting_rowid: int
) -> None:
    """The insert triggers' rules, once over the batch (SQLite): raises BatchRefused."""
    span = {"c": community_id, "a": first, "b": last, "rowid": posting_rowid}
    checks = {
        # ledger_entry_checked: two or more postings that sum to zero, all on one date …
        "ledger_entry_balanced": """
            SELECT entry_id FROM ledger_posting
             WHERE community_id = :c AND entry_id BETWEEN :a AND :b GROUP BY entry_id
            HAVING count(*) < 2 OR sum(amount_fen) <> 0 OR min(booked_on) <> max(booked_on)""",
        # … that date the entry's (so every entry has postings), its period that month …
        "ledger_entry_same_day / period": """
            SELECT e.id FROM ledger_entry AS e
             WHERE e.community_id = :c AND e.id BETWEEN :a AND :b
               AND (e.period <> substr(e.booked_on, 1, 7) OR NOT EXISTS (
                    SELECT 1 FROM ledger_posting AS p WHERE p.community_id = e.community_id
                       AND p.entry_id = e.id AND p.booked_on = e.booked_on))""",
        # … no closed period, no reversal of a reversal.
        "ledger_period_closed": """
            SELECT e.id FROM ledger_entry AS e JOIN ledger_period_close AS pc
                ON pc.community_id = e.community_id AND pc.period >= e.period
             WHERE e.community_id = :c AND e.id BETWEEN :a AND :b""",
        "ledger_entry_reverses_reversal": """
            SELECT e.id FROM ledger_entry AS e JOIN ledger_entry AS r
                ON r.community_id = e.community_id AND r.id = e.reverses_id
             WHERE e.community_id = :c AND e.id BETWEEN :a AND :b
               AND r.reverses_id IS NOT NULL""",
        # ledger_posting_sealed: every posting this transaction wrote is one of the
        # batch's new entries, so no entry posted before was extended.
        "ledger_posting_sealed": """
            SELECT entry_id FROM ledger_posting
             WHERE rowid > :rowid
               AND NOT (community_id = :c AND entry_id BETWEEN :a AND :b)""",
    }
    for rule, query in checks.items():
        found = session.execute(text(query + " LIMIT 1"), span).first()
        if found is not None:
            raise BatchRefused(f"{rule}: entry {found[0]}")
    count = session.scalar(
        text("SELECT count(*) FROM ledger_entry WHERE community_id = :c AND id BETWEEN :a AND :b"),
        span,
    )
    if count != last - first + 1:
        raise BatchRefused(f"the batch should have {last - first + 1} entries, not {count}")
