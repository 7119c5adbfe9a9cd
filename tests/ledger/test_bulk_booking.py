"""Writing an import's prepared batches set-wise (`ledger.service.bulk_booking`).

The set-wise path must leave exactly the rows the ordinary path (`post_entries`) leaves,
and the database must stay as strict as before: on SQLite the two insert triggers it
drops for a batch are back before COMMIT, and a batch that breaks their rules is refused
and leaves nothing. Runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Callable
from datetime import date
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from sunshine.infra import clock
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Invalid
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import rules
from sunshine.ledger import service
from sunshine.ledger.models import JournalEntry
from sunshine.ledger.rules import import_batches
from sunshine.ledger.rules import journal_csv
from sunshine.ledger.service import bulk_booking
from sunshine.ledger.service import importing
from sunshine.transparency import service as log
from sunshine.transparency.models import LogRecord
from sunshine.transparency.rules.records import canonical
from tests.factories import make_community
from tests.ledger.builders import assert_sound
from tests.ledger.builders import check_deferred
from tests.ledger.builders import every_row

OPENED = date(2020, 1, 1)
NAMES = (
    "Assets:Bank:Operating",
    "Equity:Opening-Balances",
    "Income:Parking",
    "Income:Advertising:Elevator",
    "Expenses:Wages:Greening",
    "Expenses:Cleaning",
)
NARRATIONS = (
    "opening balances",
    "1-1-0101 parking fee",
    '"ads, elevator" 电梯广告',
    "保洁费 100% \\ 月结",
    "payroll gardener wages",
)

CHART = len(NAMES)  # accounts opened, each logged before any entry


def _journal(count: int, *, start: int = 0) -> str:
    """A CSV journal of `count` transactions, a few days apart, with awkward narrations."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(journal_csv.HEADER)
    for n in range(start, start + count):
        txn_id = f"T{n:07d}"
        day = (OPENED + timedelta(days=4 * n)).isoformat()
        narration = NARRATIONS[n % len(NARRATIONS)]
        fen = 10_000 + 137 * n
        if n == 0:
            legs = [(NAMES[0], 35_000_000), (NAMES[1], -35_000_000)]
        elif n % 4 == 1:
            legs = [(NAMES[0], fen), (NAMES[2], -fen)]
        elif n % 4 == 2:
            legs = [(NAMES[0], fen), (NAMES[3], -fen)]
        else:
            legs = [(NAMES[4], fen), (NAMES[5], 99), (NAMES[0], -fen - 99)]
        for name, value in legs:
            sign = "-" if value < 0 else ""
            yuan = f"{sign}{abs(value) // 100}.{abs(value) % 100:02d}"
            writer.writerow([txn_id, day, name, yuan, "CNY", narration])
    return out.getvalue()


def _txns(text_: str) -> list[journal_csv.Txn]:
    rows = journal_csv.reader(io.StringIO(text_))
    assert journal_csv.read_header(rows) == []
    found = list(journal_csv.transactions(rows))
    assert all(isinstance(t, journal_csv.Txn) for t in found)
    return [t for t in found if isinstance(t, journal_csv.Txn)]


def _community(session: Session) -> tuple[int, dict[str, str]]:
    community = make_community(session)
    codes = importing.open_accounts(session, community.id, list(NAMES), on=OPENED)
    return community.id, codes


def _prepare(
    session: Session, cid: int, codes: dict[str, str], txns: list[journal_csv.Txn]
) -> import_batches.Prepared:
    books = bulk_booking.books_for_import(session, cid, codes)
    first = service.entry_count(session, cid) + 1
    seq = log.tree_size(session, cid)
    frontier = log.frontier(session, cid, seq)
    return import_batches.prepare(txns, books, first=first, seq=seq, frontier=frontier)


def _book(session: Session, cid: int, batch: import_batches.Prepared) -> importing.BatchResult:
    result = bulk_booking.book_prepared(session, cid, batch, actor_id=None)
    check_deferred(session)  # PostgreSQL's deferred checks, which the test's COMMIT skips
    session.commit()
    return result


def _draft(txn: journal_csv.Txn, codes: dict[str, str]) -> rules.EntryDraft:
    return rules.EntryDraft(
        booked_on=txn.booked_on,
        narration=txn.narration,
        postings=tuple(rules.PostingDraft(codes[name], amount) for name, amount in txn.legs),
    )


def _triggers(session: Session) -> set[str]:
    names = session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
    return set(names)


def _sqlite_only(session: Session) -> None:
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("the insert triggers are dropped for a batch on SQLite only")


# --- the same rows as the ordinary way -------------------------------------------------


def test_a_set_wise_import_leaves_exactly_the_rows_of_an_ordinary_import(
    session: Session,
) -> None:
    fast, codes = _community(session)
    slow, slow_codes = _community(session)
    assert slow_codes == codes
    assert log.tree_size(session, fast) == log.tree_size(session, slow) == CHART
    session.commit()
    txns = _txns(_journal(40))
    for start in range(0, len(txns), 17):  # 17 + 17 + 6: across the log's 16 and 32 leaves
        chunk = txns[start : start + 17]
        batch = _prepare(session, fast, codes, chunk)
        assert batch.plain
        done = _book(session, fast, batch)
        assert (done.booked, done.already) == (len(chunk), 0)
        assert done.postings == sum(len(t.legs) for t in chunk)
        assert done.last_number == start + len(chunk)
        importing.book_batch(session, slow, chunk, codes, actor_id=None)
        check_deferred(session)
        session.commit()
    books = every_row(session, fast)
    assert books == every_row(session, slow)
    assert len(books["entries"]) == 40
    assert {(level, index) for level, index, _ in books["nodes"]} == {(4, 0), (4, 1), (5, 0)}
    assert log.root(session, fast) == log.root(session, slow)
    assert_sound(session, fast)
    assert_sound(session, slow)


def test_a_set_wise_import_is_numbered_and_logged_after_what_the_books_hold(
    session: Session,
) -> None:
    cid, codes = _community(session)
    first_part, rest = _txns(_journal(40))[:21], _txns(_journal(40))[21:]
    importing.book_batch(session, cid, first_part, codes, actor_id=None)
    session.commit()
    batch = _prepare(session, cid, codes, rest)
    assert (batch.first, batch.seq) == (22, CHART + 21)
    _book(session, cid, batch)
    numbers = session.scalars(
        select(JournalEntry.id).where(JournalEntry.community_id == cid).order_by(JournalEntry.id)
    ).all()
    assert list(numbers) == list(range(1, 41))
    records = session.scalars(
        select(LogRecord.body).where(LogRecord.community_id == cid, LogRecord.seq >= CHART + 21)
    ).all()
    assert list(records) == [
        canonical(rules.as_record(_draft(t, codes), number=n, source="import"))
        for n, t in enumerate(rest, start=22)
    ]
    assert_sound(session, cid)


# --- the database stays as strict ------------------------------------------------------


def test_the_insert_triggers_are_back_after_a_set_wise_batch_on_sqlite(session: Session) -> None:
    _sqlite_only(session)
    before = _triggers(session)
    assert set(bulk_booking.INSERT_TRIGGERS) <= before
    cid, codes = _community(session)
    _book(session, cid, _prepare(session, cid, codes, _txns(_journal(5))))
    assert _triggers(session) == before


def _raw_posting(session: Session, cid: int, entry: int, line: int, account: int, fen: int) -> None:
    session.execute(
        text(
            "INSERT INTO ledger_posting (community_id, entry_id, line, account_id, booked_on,"
            " amount_fen, memo) VALUES (:c, :e, :l, :a, :d, :f, '')"
        ),
        {"c": cid, "e": entry, "l": line, "a": account, "d": date(2020, 3, 2), "f": fen},
    )


def _raw_header(session: Session, cid: int, entry: int) -> None:
    session.execute(
        text(
            "INSERT INTO ledger_entry (community_id, id, booked_on, period, narration, counterparty,"
            " counterparty_is_person, reason, source, posted_at)"
            " VALUES (:c, :e, :d, '2020-03', 'raw', '', false, '', 'manual', :t)"
        ),
        {"c": cid, "e": entry, "d": date(2020, 3, 2), "t": clock.now()},
    )


def _raw_entry(session: Session, cid: int, entry: int, legs: list[tuple[int, int]]) -> None:
    """Postings first, then the header, then whatever a COMMIT would check."""
    for line, (account, fen) in enumerate(legs, start=1):
        _raw_posting(session, cid, entry, line, account, fen)
    _raw_header(session, cid, entry)
    check_deferred(session)


def test_after_a_set_wise_batch_the_database_still_refuses_unbalanced_or_extended_entries(
    session: Session,
) -> None:
    cid, codes = _community(session)
    _book(session, cid, _prepare(session, cid, codes, _txns(_journal(5))))
    bank = service.get_account(session, cid, codes[NAMES[0]]).id
    income = service.get_account(session, cid, codes[NAMES[2]]).id
    with pytest.raises(DBAPIError, match="ledger_entry_balanced"), session.begin_nested():
        _raw_entry(session, cid, 6, [(bank, 10_000), (income, -9_999)])
    with pytest.raises(DBAPIError, match="ledger_posting_sealed"), session.begin_nested():
        _raw_posting(session, cid, 3, 9, bank, 100)
    with session.begin_nested():  # the right order still works
        _raw_entry(session, cid, 6, [(bank, 10_000), (income, -10_000)])
    assert service.entry_count(session, cid) == 6


# --- batches prepared on assumptions that no longer hold -------------------------------


def test_a_batch_prepared_before_another_entry_was_booked_takes_the_next_numbers(
    session: Session,
) -> None:
    cid, codes = _community(session)
    txns = _txns(_journal(20))
    batch = _prepare(session, cid, codes, txns)
    assert batch.first == 1
    service.post_entry(
        session,
        cid,
        rules.EntryDraft(
            booked_on=OPENED,
            narration="手工凭证",
            postings=(
                rules.PostingDraft(codes[NAMES[0]], Fen(500)),
                rules.PostingDraft(codes[NAMES[1]], Fen(-500)),
            ),
        ),
        actor_id=None,
    )
    session.commit()
    result = _book(session, cid, batch)
    assert (result.booked, result.last_number) == (20, 21)
    entries = session.execute(
        select(JournalEntry.id, JournalEntry.external_id)
        .where(JournalEntry.community_id == cid)
        .order_by(JournalEntry.id)
    ).all()
    assert [tuple(e) for e in entries] == [(1, None)] + [
        (n, t.txn_id) for n, t in enumerate(txns, start=2)
    ]
    bodies = session.scalars(
        select(LogRecord.body).where(LogRecord.community_id == cid, LogRecord.seq > CHART)
    ).all()
    shape = import_batches.record_shape("import")
    for number, (txn, body) in enumerate(zip(txns, bodies, strict=True), start=2):
        legs = [(codes[name], amount.value) for name, amount in txn.legs]
        assert body == shape.body(number, txn.booked_on.isoformat(), txn.narration, legs)
        assert body == canonical(
            rules.as_record(_draft(txn, codes), number=number, source="import")
        )
    assert_sound(session, cid)


def test_a_batch_prepared_before_the_log_grew_keeps_its_numbers_and_a_right_tree(
    session: Session,
) -> None:
    cid, codes = _community(session)
    txns = _txns(_journal(20))
    batch = _prepare(session, cid, codes, txns)
    importing.open_accounts(session, cid, ["Expenses:Stationery"], on=OPENED)  # logged
    session.commit()
    _book(session, cid, batch)
    bodies = session.scalars(
        select(LogRecord.body).where(LogRecord.community_id == cid, LogRecord.seq > CHART)
    ).all()
    assert list(bodies) == batch.bodies
    assert log.tree_size(session, cid) == CHART + 1 + 20
    assert_sound(session, cid)


# --- booking again ---------------------------------------------------------------------


def test_a_batch_booked_twice_is_booked_once(session: Session) -> None:
    cid, codes = _community(session)
    txns = _txns(_journal(6))
    batch = _prepare(session, cid, codes, txns)
    _book(session, cid, batch)
    books = every_row(session, cid)
    again = _book(session, cid, batch)
    assert (again.booked, again.already, again.postings) == (0, len(batch), 0)
    assert again.last_number == 6
    assert every_row(session, cid) == books
    assert_sound(session, cid)


def test_a_batch_half_booked_before_books_the_other_half(session: Session) -> None:
    cid, codes = _community(session)
    txns = _txns(_journal(10))
    importing.book_batch(session, cid, txns[:4], codes, actor_id=None)
    session.commit()
    result = _book(session, cid, _prepare(session, cid, codes, txns))
    assert (result.booked, result.already, result.last_number) == (6, 4, 10)
    assert_sound(session, cid)


def test_a_batch_booked_before_only_in_its_middle_books_the_rest(session: Session) -> None:
    # Its first and last transactions are new, so it is tried set-wise, which the
    # database refuses on the booked ones; it is then booked the ordinary way.
    cid, codes = _community(session)
    txns = _txns(_journal(10))
    importing.book_batch(session, cid, txns[3:6], codes, actor_id=None)
    session.commit()
    result = _book(session, cid, _prepare(session, cid, codes, txns))
    assert (result.booked, result.already, result.last_number) == (7, 3, 10)
    assert_sound(session, cid)


@pytest.mark.parametrize("what", ["amounts", "narration", "date"])
def test_a_transaction_booked_before_with_other_content_is_a_conflict(
    session: Session, what: str
) -> None:
    cid, codes = _community(session)
    txns = _txns(_journal(6))
    _book(session, cid, _prepare(session, cid, codes, txns))
    books = every_row(session, cid)
    changed = txns[3]
    (name, amount), *others, (last, balance) = changed.legs
    legs = ((name, amount + Fen(1)), *others, (last, balance - Fen(1)))
    txns[3] = {
        "amounts": dataclasses.replace(changed, legs=legs),
        "narration": dataclasses.replace(changed, narration=changed.narration + "!"),
        "date": dataclasses.replace(changed, booked_on=changed.booked_on + timedelta(days=1)),
    }[what]
    batch = _prepare(session, cid, codes, txns)
    assert batch.plain
    with pytest.raises(Conflict) as refused:
        bulk_booking.book_prepared(session, cid, batch, actor_id=None)
    assert dict(refused.value.fields) == {"key": changed.txn_id}
    session.rollback()
    assert every_row(session, cid) == books


# --- batches that need the full checks ------------------------------------------------


def _refusals(call: Callable[[], object]) -> list[tuple[str, str]]:
    """(code, where) of every problem the Invalid that `call` raises names."""
    with pytest.raises(Invalid) as refused:
        call()
    return [(p.code, p.where) for p in refused.value.problems]


def test_a_batch_touching_a_closed_account_is_refused_as_post_entries_refuses_it(
    session: Session,
) -> None:
    cid, codes = _community(session)
    service.close_account(session, cid, codes["Income:Parking"], on=date(2020, 1, 20))
    session.commit()
    txns = _txns(_journal(12))
    batch = _prepare(session, cid, codes, txns)
    assert not batch.plain
    fast = _refusals(lambda: bulk_booking.book_prepared(session, cid, batch, actor_id=None))
    session.rollback()
    slow = _refusals(lambda: importing.book_batch(session, cid, txns, codes, actor_id=None))
    session.rollback()
    assert fast == slow
    parking = codes["Income:Parking"]
    # T1 (January 5) is before the account closed; T5 and T9 are after.
    assert fast == [
        ("account_not_open", f"T0000005: {parking}"),
        ("account_not_open", f"T0000009: {parking}"),
    ]
    assert service.entry_count(session, cid) == 0
    assert log.tree_size(session, cid) == CHART + 1  # the chart, and the account closed


def test_a_batch_in_a_closed_period_is_refused_and_books_nothing(session: Session) -> None:
    cid, codes = _community(session)
    service.close_period(session, cid, period=Period(2020, 1), actor_id=None)
    session.commit()
    txns = _txns(_journal(12))[8:]  # February
    early = _txns(_journal(12))[7]  # January 29
    batch = _prepare(session, cid, codes, [*txns, early])
    assert not batch.plain
    refused = _refusals(lambda: bulk_booking.book_prepared(session, cid, batch, actor_id=None))
    session.rollback()
    assert refused == [("period_closed", early.txn_id)]
    assert service.entry_count(session, cid) == 0
    assert log.tree_size(session, cid) == CHART


# --- a broken batch is refused whole ---------------------------------------------------
# Preparing is trusted to give rows the database's rules accept; these break that trust on
# purpose. SQLite: the checks that stand in for the dropped triggers refuse the batch.
# PostgreSQL: the triggers it keeps do (the balance check at COMMIT).


def _break(
    session: Session, cid: int, codes: dict[str, str], broken: str
) -> import_batches.Prepared:
    """A batch of entries 4-8 (T3 and T4 have three legs, T5 two), broken one way."""
    batch = _prepare(session, cid, codes, _txns(_journal(5, start=3)))
    entries, postings = json.loads(batch.entries), json.loads(batch.postings)
    if broken == "unbalanced":
        postings[6][4] += 1  # the first posting of T5, entry 6
    elif broken == "one posting":
        del postings[7]  # T5's second posting
    elif broken == "a posting on another day":
        postings[6][3] = postings[7][3] = "2020-01-22"  # T5's postings; the entry is on the 21st
    elif broken == "another period":
        entries[2][2] = "2020-02"  # T5 is booked in January
    elif broken == "a booked entry extended":
        bank, income = (service.get_account(session, cid, codes[n]).id for n in NAMES[0:3:2])
        back = 1 - batch.first  # entry 1, counted from the batch's first entry
        postings += [[back, 98, bank, "2020-01-01", 100], [back, 99, income, "2020-01-01", -100]]
    return dataclasses.replace(batch, entries=json.dumps(entries), postings=json.dumps(postings))


@pytest.mark.parametrize(
    ("broken", "rule"),
    [
        ("unbalanced", "ledger_entry_balanced"),
        ("one posting", "ledger_entry_balanced"),
        ("a posting on another day", "ledger_entry_same_day"),
        ("another period", "ledger_entry_period"),
        ("a booked entry extended", "ledger_posting_sealed"),
    ],
)
def test_a_broken_batch_is_refused_by_the_databases_rules_and_leaves_nothing(
    session: Session, broken: str, rule: str
) -> None:
    cid, codes = _community(session)
    _book(session, cid, _prepare(session, cid, codes, _txns(_journal(3))))
    before = every_row(session, cid)
    triggers = _triggers(session) if session.get_bind().dialect.name == "sqlite" else set()
    batch = _break(session, cid, codes, broken)
    if session.get_bind().dialect.name == "sqlite":
        with pytest.raises(bulk_booking.BatchRefused, match=rule):
            bulk_booking.book_prepared(session, cid, batch, actor_id=None)
    else:
        driver = session.get_bind().dialect.dbapi
        assert driver is not None
        with pytest.raises((DBAPIError, driver.Error), match=rule):
            _book(session, cid, batch)  # at once, or at the COMMIT `_book` stands in for
    session.rollback()
    assert every_row(session, cid) == before
    if triggers:
        assert _triggers(session) == triggers
    _book(session, cid, _prepare(session, cid, codes, _txns(_journal(5, start=3))))
    assert service.entry_count(session, cid) == 8  # the right batch is booked after all
    assert_sound(session, cid)


def test_a_broken_batch_names_the_first_entry_it_breaks_on_sqlite(session: Session) -> None:
    _sqlite_only(session)
    cid, codes = _community(session)
    _book(session, cid, _prepare(session, cid, codes, _txns(_journal(3))))
    with pytest.raises(bulk_booking.BatchRefused, match=r"ledger_entry_balanced: entry 6$"):
        bulk_booking.book_prepared(
            session, cid, _break(session, cid, codes, "unbalanced"), actor_id=None
        )
    session.rollback()
    with pytest.raises(bulk_booking.BatchRefused, match=r"ledger_posting_sealed: entry 1$"):
        bulk_booking.book_prepared(
            session, cid, _break(session, cid, codes, "a booked entry extended"), actor_id=None
        )
    session.rollback()


# --- the books changing between preparing and booking -----------------------------------
# `sunshine ledger import` reads the books (`books_for_import`) once, before its first
# batch, and books batches for minutes after; staff may close an account or a period
# meanwhile. The ordinary way would refuse the entries then, naming the problem.


def test_an_account_closed_after_the_batch_was_prepared_is_still_refused(
    session: Session,
) -> None:
    cid, codes = _community(session)
    txns = _txns(_journal(12))
    batch = _prepare(session, cid, codes, txns)
    assert batch.plain
    service.close_account(session, cid, codes["Income:Parking"], on=date(2020, 1, 20))
    session.commit()
    refused = _refusals(lambda: _book(session, cid, batch))
    parking = codes["Income:Parking"]
    assert refused == [
        ("account_not_open", f"T0000005: {parking}"),
        ("account_not_open", f"T0000009: {parking}"),
    ]


def test_a_period_closed_after_the_batch_was_prepared_is_refused_as_post_entries_refuses_it(
    session: Session,
) -> None:
    cid, codes = _community(session)
    txns = _txns(_journal(12))
    batch = _prepare(session, cid, codes, txns)
    assert batch.plain
    service.close_period(session, cid, period=Period(2020, 1), actor_id=None)
    session.commit()
    refused = _refusals(lambda: _book(session, cid, batch))
    assert {code for code, _ in refused} == {"period_closed"}
