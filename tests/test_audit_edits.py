"""Every kind of row a log record stands for, edited behind the app's back: the audit names it.

The reference community is loaded once per database. Each case then, inside a savepoint
that is rolled back, turns the database's guards off as someone holding the file would
(SQLite: every trigger dropped, foreign keys deferred; PostgreSQL: session_replication_role
= replica, which stops the foreign-key triggers too), makes one edit in SQL and runs the
audit, which must name the edit: a finding about a record kind of the table's checks.

The edits come from the code, not from a list kept here: every column of every table a
registered check re-derives (`infra.db.Audit`), except the columns marked `unlogged`, gets
a plausible new value (an amount one fen more, another category, the next month, a
digit of a published figure); each such table also loses a row and gains a copy under a
new key, unless its declaration says why the audit cannot tell (`rows_unlogged`). Then
the issue's reproductions, and odd storage: a body stored as text, amounts beyond 2^63
whose sum overflows, a REAL amount, a date that is no day, a NULL, totals stored as text.

Edits made and edits named are counted per check and printed at the end (`pytest -s`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy import text
from sqlalchemy.orm import Session

from sunshine.infra.authority import MatterKind
from sunshine.infra.authority import month_close_matter
from sunshine.infra.db import Base
from sunshine.kernel.periods import Period
from sunshine.ledger import service as ledger
from sunshine.ledger.service.audit_totals import TOTALS
from sunshine.transparency import service as log
from sunshine.transparency.service.audit_report import AuditReport
from sunshine.transparency.service.audit_report import FindingKind
from tests.audit_edits import insert_copy
from tests.audit_edits import key_values
from tests.audit_edits import key_where
from tests.audit_edits import new_value
from tests.audit_edits import pick_row
from tests.audit_edits import run
from tests.demo_copies import DemoCopies
from tests.factories import load_demo
from tests.factories import make_user
from tests.governance.authority_setup import decided
from tests.governance.authority_setup import waive
from tests.governance.builders import committee_decision
from tests.governance.votes_setup import closed_vote

MODELS = {mapper.local_table.name: mapper.class_ for mapper in Base.registry.mappers}
CHECKS = {check.name: check for check in log.registered_checks()}
# Which row of a table to edit, when the first one would show less than the table can:
# an entry paid to a person (masked in its record), a voucher a record names, both ways
# a voucher backs an entry, both kinds of key.
PICK: dict[str, dict[str, str]] = {
    "ledger_entry": {"paid to a person": "counterparty_is_person"},
    "ledger_voucher": {
        "with a public copy, backing an entry": "public_sha256 IS NOT NULL AND sha256 IN"
        " (SELECT sha256 FROM ledger_entry_voucher)"
    },
    "ledger_entry_voucher": {
        "posted with its entry": "with_entry",
        "attached later": "NOT with_entry",
    },
    "transparency_key": {"platform": "role = 'platform'", "committee": "role = 'committee'"},
    # A scope that names a building: the demo's own vote asks all owners, which has no
    # figure for an edit to change.
    "governance_vote": {"scoped": """scope <> '{"buildings": [], "units": []}'"""},
    "ledger_close_decision": {
        "countersigned": "outcome = 'countersigned'",
        "withdrawn": "outcome = 'withdrawn'",
    },
}
_edits: dict[tuple[str, str], Counter[str]] = {}  # (database, table) → {"made", "named"}


@dataclass(frozen=True)
class Case:
    table: str
    action: str  # a column's name, "a row removed" or "a row added"
    pick: str = ""  # which row (PICK), if not the first

    def __str__(self) -> str:
        return f"{self.table}.{self.action}" + (f" ({self.pick})" if self.pick else "")

    @property
    def checks(self) -> tuple[str, ...]:
        declared = MODELS[self.table].__audit__
        assert declared is not None
        return declared.checks


def _cases() -> list[Case]:
    """Each column of each audited table; a row removed and added, where the audit can tell."""
    found = []
    for name in sorted({name for check in CHECKS.values() for name in check.tables}):
        table = Base.metadata.tables[name]
        declared = MODELS[name].__audit__
        assert declared is not None
        actions = [c.name for c in table.columns if "unlogged" not in c.info]
        if declared.rows_unlogged:  # a row moved to another community is a row removed
            actions.remove("community_id")
        else:
            actions += ["a row removed", "a row added"]
        found += [
            Case(name, action, pick) for action in actions for pick in PICK.get(name, {"": ""})
        ]
    return found


CASES = _cases()


@dataclass(frozen=True)
class Demo:
    session: Session
    community_id: int


@pytest.fixture(scope="module")
def loaded(engine: Engine, demo_copies: DemoCopies) -> Iterator[Demo]:
    """The demo, checked clean, then with its guards off, for the module; rolled back after.

    The demo holds its bank statements and each month end's reconciliation in the log.
    """
    with demo_copies.copy(engine) as copy, copy.connect() as connection:
        outer = connection.begin()
        with Session(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        ) as session:
            community = load_demo(session)
            _close_months(session, community.id)
            committee_decision(session, community.id, on=date(2024, 10, 31))  # not in the demo yet
            closed_vote(session, community.id)  # nor an owners' vote
            assert log.audit(session, community.id).clean  # as loaded: nothing to name
            _guards_off(session)
            try:
                yield Demo(session, community.id)
            finally:
                if engine.dialect.name == "sqlite":  # a setting of the connection, not undone
                    session.execute(text("PRAGMA ignore_check_constraints = OFF"))
        outer.rollback()


def _close_months(session: Session, community_id: int) -> None:
    """What the demo does not hold yet: a month closed, and a request to close one withdrawn."""
    manager, member = make_user(session).id, make_user(session).id
    asked = ledger.request_close(session, community_id, period=Period(2024, 9), actor_id=manager)
    cited = decided(
        session, community_id, month_close_matter(Period(2024, 9)), on=date(2024, 10, 2)
    )
    ledger.countersign_close(session, community_id, asked.id, actor_id=member, authority=cited)
    again = ledger.request_close(session, community_id, period=Period(2024, 10), actor_id=manager)
    ledger.withdraw_close(session, community_id, again.id, actor_id=manager)
    waive(session, community_id, MatterKind.EXPENSE)  # nor a requirement changed


def _guards_off(session: Session) -> None:
    """As someone holding the database would: no trigger, no foreign key, no CHECK."""
    if session.get_bind().dialect.name == "sqlite":
        triggers = session.scalars(text("SELECT name FROM sqlite_master WHERE type='trigger'"))
        for name in list(triggers):
            session.execute(text(f'DROP TRIGGER "{name}"'))
        session.execute(text("PRAGMA defer_foreign_keys = ON"))
        session.execute(text("PRAGMA ignore_check_constraints = ON"))
        return
    session.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))  # the load's deferred checks, now
    # replica: no trigger fires, foreign keys' included (they are triggers there)
    session.execute(text("SET LOCAL session_replication_role = replica"))
    checks = session.execute(
        text(
            "SELECT conrelid::regclass::text, conname FROM pg_constraint"
            " WHERE contype = 'c' AND connamespace = 'public'::regnamespace"
        )
    )
    for table, name in checks.all():
        session.execute(text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))


@pytest.fixture(scope="module", autouse=True)
def _counts() -> Iterator[None]:
    yield
    for database in sorted({database for database, _ in _edits}):
        lines = [f"{'check':32} {'table':28} {'made':>5} {'named':>6}"]
        counted = {table: seen for (db, table), seen in sorted(_edits.items()) if db == database}
        for table, seen in counted.items():
            checks = " + ".join(MODELS[table].__audit__.checks)  # type: ignore[union-attr]
            lines.append(f"{checks:32} {table:28} {seen['made']:>5} {seen['named']:>6}")
        total = sum(counted.values(), Counter())
        lines.append(f"{'all':61} {total['made']:>5} {total['named']:>6}")
        print(f"\n{database}: edits behind the app's back, and the audit's findings:")  # noqa: T201
        print("\n".join(lines))  # noqa: T201


@pytest.fixture
def unguarded(loaded: Demo) -> Iterator[Session]:
    """The demo in a savepoint of its own, for one edit; rolled back afterwards."""
    nested = loaded.session.begin_nested()
    try:
        yield loaded.session
    finally:
        nested.rollback()


def _named(report: AuditReport, case: Case, row: dict[str, Any]) -> bool:
    """Whether a finding is about a record kind of the table's checks (or the edited record)."""
    about: set[str | None] = {TOTALS} if case.table == "ledger_account_total" else set()
    for name in case.checks:
        about |= {name, *CHECKS[name].kinds}
    seq = row.get("seq") if case.table == "transparency_record" else None
    return any(
        f.record_kind in about or (seq is not None and f.seq == seq) for f in report.findings
    )


def _count(session: Session, table: str, *, named: bool) -> None:
    seen = _edits.setdefault((session.get_bind().dialect.name, table), Counter())
    seen["made"] += 1
    seen["named"] += named


# --- the edits derived from the tables ---------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=str)
def test_an_edit_of_a_logged_row_is_named(loaded: Demo, unguarded: Session, case: Case) -> None:
    table = Base.metadata.tables[case.table]
    row = pick_row(unguarded, table, loaded.community_id, PICK.get(case.table, {}).get(case.pick))
    if case.action == "a row removed":
        run(unguarded, f"DELETE FROM {table.name} WHERE {key_where(table)}", key_values(table, row))
    elif case.action == "a row added":
        insert_copy(unguarded, table, row)
    else:
        column = table.c[case.action]
        params = {**key_values(table, row), "new": new_value(column, row[column.name])}
        assert params["new"] != row[column.name]
        run(
            unguarded,
            f'UPDATE {table.name} SET "{column.name}" = :new WHERE {key_where(table)}',
            params,
        )
    report = log.audit(unguarded, loaded.community_id)
    named = _named(report, case, row)
    _count(unguarded, case.table, named=named)
    assert named, f"{case}: {[f.text() for f in report.findings]}"


def _finding(report: AuditReport, kind: str, key: str) -> list[tuple[str | None, str]]:
    return [(f.field, f.text()) for f in report.findings if (f.record_kind, f.key) == (kind, key)]


def test_a_published_figure_changed_on_the_notice_is_named(
    loaded: Demo, unguarded: Session
) -> None:
    """The issue: 9,618.58 yuan of October's spending became 9,619.58 on the page."""
    run(
        unguarded,
        "UPDATE disclosure_notice SET body = replace(body, '961858', '961958')"
        " WHERE community_id = :c AND period = '2024-10'",
        {"c": loaded.community_id},
    )
    report = log.audit(unguarded, loaded.community_id)
    fields = dict(_finding(report, "disclosure.notice", "2024-10/v1"))
    assert fields["spending.total_fen"].startswith(
        "disclosure.notice 2024-10/v1: spending.total_fen is 961958 in the database; log record"
    )
    assert fields["spending.total_fen"].endswith("says 961858")
    _count(unguarded, "disclosure_notice", named=True)


def test_an_approved_budget_line_changed_is_named(loaded: Demo, unguarded: Session) -> None:
    run(
        unguarded,
        "UPDATE disclosure_budget_line SET amount_fen = amount_fen + 100"
        " WHERE community_id = :c AND number = 2",
        {"c": loaded.community_id},
    )
    report = log.audit(unguarded, loaded.community_id)
    [(field, message)] = _finding(report, "disclosure.budget", "1/v1")
    assert field == "lines[1].amount_fen"
    assert "is 1920100 in the database" in message
    _count(unguarded, "disclosure_budget_line", named=True)


def test_an_accounts_category_changed_is_named(loaded: Demo, unguarded: Session) -> None:
    run(
        unguarded,
        "UPDATE ledger_account SET category = 'other_income' WHERE community_id = :c AND code = '6001'",
        {"c": loaded.community_id},
    )
    report = log.audit(unguarded, loaded.community_id)
    [(field, message)] = _finding(report, "ledger.account", "6001")
    assert field == "category"
    assert message.startswith('ledger.account 6001: category is "other_income" in the database;')
    assert message.endswith('says "property_fee"')
    _count(unguarded, "ledger_account", named=True)


# --- odd storage: named, never crashed on --------------------------------------------------


def _sqlite_only(session: Session) -> None:
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("PostgreSQL's column types hold no value of another type")


# name: (table, SET, WHERE, the record kind and field the finding names)
ODD: dict[str, tuple[str, str, str, str, str | None]] = {
    "body as text": (
        "transparency_record", "body = CAST(body AS TEXT)", "seq = 0", "transparency.log", "body"
    ),
    "leaf hash as text": (
        "transparency_record", "leaf_hash = hex(leaf_hash)", "seq = 1", "transparency.log",
        "leaf_hash",
    ),
    "REAL amount": (
        "ledger_posting", "amount_fen = 1e19", "entry_id = 7 AND line = 1", "ledger.entry",
        "postings[0][1]",
    ),
    "memo as bytes": (
        "ledger_posting", "memo = x'00ff'", "entry_id = 7 AND line = 1", "ledger.entry",
        "postings[0][2]",
    ),
    "no such day": ("ledger_entry", "booked_on = '2024-13-45'", "id = 7", "ledger.entry", "booked_on"),
    "notice as bytes": (
        "disclosure_notice", "body = CAST(body AS BLOB)", "period = '2024-10'",
        "disclosure.notice", "body",
    ),
    "date as a number": (
        "ledger_account", "opened_on = 20240901", "code = '1001'", "ledger.account", "opened_on"
    ),
    "totals as text": ("ledger_account_total", "debit_fen = 'abc'", "rowid = 1", TOTALS, None),
}  # fmt: skip


@pytest.mark.parametrize("name", ODD)
def test_a_value_stored_as_another_type_is_named(
    loaded: Demo, unguarded: Session, name: str
) -> None:
    _sqlite_only(unguarded)
    table, assignment, where, kind, field = ODD[name]
    edit = f"UPDATE {table} SET {assignment} WHERE community_id = :c AND {where}"
    run(unguarded, edit, {"c": loaded.community_id})
    report = log.audit(unguarded, loaded.community_id)
    about = [(f.record_kind, f.field) for f in report.findings]
    assert (kind, field) in about, [f.text() for f in report.findings]
    _count(unguarded, table, named=True)


def test_amounts_whose_sum_passes_2_to_the_63_are_named(loaded: Demo, unguarded: Session) -> None:
    """Two postings of one account and day at the largest BIGINT: SQLite's SUM overflows."""
    cid = loaded.community_id
    run(
        unguarded,
        "UPDATE ledger_posting SET amount_fen = 9223372036854775807,"
        " account_id = (SELECT account_id FROM ledger_posting WHERE community_id = :c"
        " AND entry_id = 7 AND line = 1) WHERE community_id = :c AND entry_id = 7",
        {"c": cid},
    )
    report = log.audit(unguarded, cid)
    kinds = {(f.record_kind, f.kind) for f in report.findings}
    assert ("ledger.entry", FindingKind.CHANGED) in kinds
    assert (TOTALS, FindingKind.TOTALS) in kinds
    _count(unguarded, "ledger_posting", named=True)


def test_a_null_where_a_record_holds_a_value_is_named(loaded: Demo, unguarded: Session) -> None:
    run(
        unguarded,
        "UPDATE ledger_voucher SET public_sha256 = NULL WHERE community_id = :c AND sha256 ="
        " (SELECT min(sha256) FROM ledger_voucher WHERE community_id = :c"
        " AND public_sha256 IS NOT NULL)",
        {"c": loaded.community_id},
    )
    report = log.audit(unguarded, loaded.community_id)
    assert [(f.kind, f.record_kind) for f in report.findings] == [
        (FindingKind.NOT_IN_LEDGER, "ledger.voucher_public_copy")
    ]
    _count(unguarded, "ledger_voucher", named=True)
