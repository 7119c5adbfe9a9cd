"""Builders for ledger tests: a community with its chart opened, entries in yuan, journals,
and what booking left behind."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Table
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.orm import Session

from sunshine.infra.authority import month_close_matter
from sunshine.infra.db import Base
from sunshine.kernel import merkle
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import rules
from sunshine.ledger import service
from sunshine.ledger.models import AccountTotal
from sunshine.ledger.models import JournalEntry
from sunshine.ledger.models import Posting
from sunshine.ledger.rules import journal_csv
from sunshine.transparency import service as log
from sunshine.transparency.models import LogNode
from sunshine.transparency.models import LogRecord
from tests.factories import make_community
from tests.factories import make_user
from tests.governance.authority_setup import decided

CHART_OPENED = date(2024, 9, 1)


@dataclass(frozen=True)
class Books:
    community_id: int
    actor_id: int


def open_books(session: Session, *, name: str = "荆川东园") -> Books:
    community = make_community(session, name=name)
    user = make_user(session)
    service.open_chart(session, community.id, on=CHART_OPENED)
    return Books(community.id, user.id)


def draft(
    day: date,
    narration: str,
    *legs: tuple[str, str],
    counterparty: str = "",
    person: bool = False,
    vouchers: tuple[str, ...] = (),
) -> rules.EntryDraft:
    """An entry from (account code, yuan) legs, such as ("6601", "5300.00"), ("1001", "-5300.00")."""
    return rules.EntryDraft(
        booked_on=day,
        narration=narration,
        postings=tuple(rules.PostingDraft(code, Fen.parse(yuan)) for code, yuan in legs),
        counterparty=counterparty,
        counterparty_is_person=person,
        vouchers=vouchers,
    )


def post(session: Session, books: Books, entry: rules.EntryDraft) -> JournalEntry:
    return service.post_entry(session, books.community_id, entry, actor_id=books.actor_id)


def pay(
    session: Session,
    books: Books,
    day: date,
    code: str,
    yuan: str,
    narration: str,
    *,
    counterparty: str = "",
    person: bool = False,
) -> JournalEntry:
    """Spend from the trust bank account: debit `code`, credit 1001."""
    entry = draft(
        day,
        narration,
        (code, yuan),
        ("1001", f"-{yuan}"),
        counterparty=counterparty,
        person=person,
    )
    return post(session, books, entry)


def check_deferred(session: Session) -> None:
    """Run the checks a COMMIT would run now, inside the test's rolled-back transaction.

    PostgreSQL: fire the deferred constraint triggers and foreign keys. SQLite: its deferred
    foreign keys are only counted until COMMIT, so ask for any violation explicitly.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))
        session.execute(text("SET CONSTRAINTS ALL DEFERRED"))
        return
    violations = session.execute(text("PRAGMA foreign_key_check")).all()
    if violations:
        raise AssertionError(f"foreign key violations: {violations}")


def long_journal(count: int) -> str:
    """A journal of `count` transactions two days apart on three accounts, awkward narrations."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(journal_csv.HEADER)
    for n in range(count):
        day = date.fromordinal(date(2020, 1, 1).toordinal() + 2 * n).isoformat()
        yuan = f"{100 + n}.{n % 100:02d}"
        if n % 2:
            legs = [("Assets:Bank:Operating", yuan), ("Income:Parking", f"-{yuan}")]
            narration = f'1-1-{n:04d} 停车费 "{day[:7]}"'
        else:
            legs = [("Expenses:Wages:Greening", yuan), ("Assets:Bank:Operating", f"-{yuan}")]
            narration = f"绿化工资, 100% \\ {day[:7]}"
        for name, amount in legs:
            writer.writerow([f"T{n:07d}", day, name, amount, "CNY", narration])
    return out.getvalue()


def _table(model: type[Base]) -> Table:
    return Base.metadata.tables[model.__tablename__]


def _rows(session: Session, cid: int, model: type[Base], *skip: str) -> list[tuple[object, ...]]:
    """Every row of the community in `model`'s table, without community_id and `skip`."""
    table = _table(model)
    columns = [c for c in table.c if c.name not in {"community_id", *skip}]
    query = select(*columns).where(table.c.community_id == cid).order_by(*table.primary_key)
    return [tuple(row) for row in session.execute(query)]


def close_month(
    session: Session, community_id: int, period: Period, people: tuple[int, int] | None = None
) -> None:
    """Close `period` as people do, so that the log holds it: a request by one of `people`
    (two new users if none are given), the other's countersignature."""
    asker, member = people or (make_user(session).id, make_user(session).id)
    request = service.request_close(session, community_id, period=period, actor_id=asker)
    # the committee's decision co-signing the close, which the community requires
    cited = decided(session, community_id, month_close_matter(period), on=period.next().first_day)
    service.countersign_close(session, community_id, request.id, actor_id=member, authority=cited)


def every_row(session: Session, cid: int) -> dict[str, list[tuple[object, ...]]]:
    """What booking left in the community: entries, postings, log records and nodes, totals."""
    return {
        "entries": _rows(session, cid, JournalEntry, "posted_at"),
        "postings": _rows(session, cid, Posting),
        "records": _rows(session, cid, LogRecord, "appended_at"),
        "nodes": _rows(session, cid, LogNode),
        "totals": _rows(session, cid, AccountTotal),
    }


def assert_sound(session: Session, cid: int) -> None:
    """Totals match the postings, the audit finds nothing, the log's root is its leaves'."""
    assert service.mismatches(session, cid) == []
    report = log.audit(session, cid)
    assert report.findings == []
    leaves = session.scalars(
        select(LogRecord.leaf_hash).where(LogRecord.community_id == cid).order_by(LogRecord.seq)
    ).all()
    assert log.root(session, cid) == merkle.root_of(list(leaves))
