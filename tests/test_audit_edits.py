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

import re
from collections import Counter
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import BigInteger
from sqlalchemy import Boolean
from sqlalchemy import Column
from sqlalchemy import Date
from sqlalchemy import DateTime
from sqlalchemy import Engine
from sqlalchemy import Enum
from sqlalchemy import Integer
from sqlalchemy import LargeBinary
from sqlalchemy import Table
from sqlalchemy import UniqueConstraint
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

from sunshine.demo import service as demo
from sunshine.infra.db import Base
from sunshine.infra.db import PeriodType
from sunshine.kernel.periods import Period
from sunshine.ledger import service as ledger
from sunshine.ledger.service.audit_totals import TOTALS
from sunshine.transparency import service as log
from sunshine.transparency.service.audit_report import AuditReport
from sunshine.transparency.service.audit_report import FindingKind
from tests.factories import make_user

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
    "ledger_close_decision": {
        "countersigned": "outcome = 'countersigned'",
        "withdrawn": "outcome = 'withdrawn'",
    },
}
_FAR = 1_000_003  # added to keys and counts: clear of every real value
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
def loaded(engine: Engine) -> Iterator[Demo]:
    """The demo, checked clean, then with its guards off, for the module; rolled back after."""
    with engine.connect() as connection:
        outer = connection.begin()
        with Session(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        ) as session:
            community = demo.load_reference_community(session)
            _close_months(session, community.id)
            assert log.audit(session, community.id).clean  # as loaded: nothing to name
            _guards_off(session)
            yield Demo(session, community.id)
        outer.rollback()


def _close_months(session: Session, community_id: int) -> None:
    """What the demo does not hold yet: a month closed, and a request to close one withdrawn."""
    manager, member = make_user(session).id, make_user(session).id
    asked = ledger.request_close(session, community_id, period=Period(2024, 9), actor_id=manager)
    ledger.countersign_close(session, community_id, asked.id, actor_id=member)
    again = ledger.request_close(session, community_id, period=Period(2024, 10), actor_id=manager)
    ledger.withdraw_close(session, community_id, again.id, actor_id=manager)


def _guards_off(session: Session) -> None:
    """As someone holding the database would: no trigger, no foreign key checked."""
    if session.get_bind().dialect.name == "sqlite":
        triggers = session.scalars(text("SELECT name FROM sqlite_master WHERE type='trigger'"))
        for name in list(triggers):
            session.execute(text(f'DROP TRIGGER "{name}"'))
        session.execute(text("PRAGMA defer_foreign_keys = ON"))
    else:  # replica: no trigger fires, foreign keys' included (they are triggers there)
        session.execute(text("SET LOCAL session_replication_role = replica"))


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
    row = _row(unguarded, table, loaded.community_id, PICK.get(case.table, {}).get(case.pick))
    if case.action == "a row removed":
        _run(unguarded, f"DELETE FROM {table.name} WHERE {_where(table)}", _key(table, row))
    elif case.action == "a row added":
        _insert_copy(unguarded, table, row)
    else:
        column = table.c[case.action]
        params = {**_key(table, row), "new": _new_value(column, row[column.name])}
        assert params["new"] != row[column.name]
        _run(
            unguarded,
            f'UPDATE {table.name} SET "{column.name}" = :new WHERE {_where(table)}',
            params,
        )
    report = log.audit(unguarded, loaded.community_id)
    named = _named(report, case, row)
    _count(unguarded, case.table, named=named)
    assert named, f"{case}: {[f.text() for f in report.findings]}"


def _row(session: Session, table: Table, community_id: int, where: str | None) -> dict[str, Any]:
    order = ", ".join(f'"{c.name}"' for c in table.primary_key.columns)
    condition = f" AND ({where})" if where else ""
    found = (
        session.execute(
            text(
                f"SELECT * FROM {table.name} WHERE community_id = :c{condition}"
                f" ORDER BY {order} LIMIT 1"
            ),
            {"c": community_id},
        )
        .mappings()
        .first()
    )
    assert found is not None, f"the demo has no row of {table.name} {where or ''}"
    return dict(found)


def _where(table: Table) -> str:
    return " AND ".join(f'"{c.name}" = :k_{c.name}' for c in table.primary_key.columns)


def _key(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    return {f"k_{c.name}": row[c.name] for c in table.primary_key.columns}


def _run(session: Session, statement: str, params: dict[str, Any]) -> None:
    try:
        session.execute(text(statement), params)
    except DBAPIError as refused:  # nothing here should be refused: say which
        pytest.fail(f"the database refused {statement}: {refused.orig}")


def _insert_copy(session: Session, table: Table, row: dict[str, Any]) -> None:
    """The row again under a new key: its last key column, and any unique column, changed."""
    changed = {list(table.primary_key.columns)[-1].name}
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint):
            changed.update(c.name for c in constraint.columns if c.name != "community_id")
    copy = {
        name: _new_value(table.c[name], value) if name in changed else value
        for name, value in row.items()
    }
    names = ", ".join(f'"{name}"' for name in copy)
    values = ", ".join(f":{name}" for name in copy)
    _run(session, f"INSERT INTO {table.name} ({names}) VALUES ({values})", copy)


def _new_value(column: Column[Any], value: Any) -> Any:  # noqa: PLR0911 - a value of any column
    """A plausible other value for the column, of the type it holds."""
    kind = column.type
    if isinstance(kind, PeriodType):  # the next month; a key clear of every other
        return str(Period.parse(value).shift(600 if column.primary_key else 1))
    if isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    if isinstance(kind, Boolean):
        return not value
    if isinstance(kind, Enum):
        return next(member for member in kind.enums if member != value)
    if isinstance(kind, Integer | BigInteger):
        return _new_number(column.name, value)
    if isinstance(kind, DateTime):
        return _instant(value) + timedelta(days=1)
    if isinstance(kind, Date):
        if value is None:
            return date(2025, 1, 1)
        return (date.fromisoformat(value) if isinstance(value, str) else value) + timedelta(days=1)
    if isinstance(kind, LargeBinary):
        return bytes([value[0] ^ 0xFF]) + bytes(value[1:])
    return _new_text(value)


def _new_number(name: str, value: int | None) -> int:
    if value is None:
        return 1
    if name.endswith("_fen") or name == "rate_basis_points":
        return value + 1 if value != -1 else value + 2  # one fen: the subtlest edit
    return value + _FAR


def _new_text(value: str | None) -> str:
    if not value:
        return "X"
    if value.startswith("{"):  # a published record: one figure one higher, as 9618 → 9619
        return re.sub(
            r'(_fen":-?\d*)(\d)', lambda m: m[1] + str((int(m[2]) + 1) % 10), value, count=1
        )
    return ("Y" if value[0] == "X" else "X") + value[1:]


def _instant(value: Any) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


# --- the reproductions -------------------------------------------------------------


def _finding(report: AuditReport, kind: str, key: str) -> list[tuple[str | None, str]]:
    return [(f.field, f.text()) for f in report.findings if (f.record_kind, f.key) == (kind, key)]


def test_a_published_figure_changed_on_the_notice_is_named(
    loaded: Demo, unguarded: Session
) -> None:
    """The issue: 9,618.58 yuan of October's spending became 9,619.58 on the page."""
    _run(
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
    _run(
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
    _run(
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


def _storage(edit: str) -> Callable[[Session, int], None]:
    def run(session: Session, community_id: int) -> None:
        _run(session, edit, {"c": community_id})

    return run


@pytest.mark.parametrize(
    ("edit", "kind", "field", "table"),
    [
        (
            "UPDATE transparency_record SET body = CAST(body AS TEXT) WHERE community_id = :c AND seq = 0",
            "transparency.log",
            "body",
            "transparency_record",
        ),
        (
            "UPDATE transparency_record SET leaf_hash = hex(leaf_hash) WHERE community_id = :c AND seq = 1",
            "transparency.log",
            "leaf_hash",
            "transparency_record",
        ),
        (
            "UPDATE ledger_posting SET amount_fen = 1e19 WHERE community_id = :c AND entry_id = 7 AND line = 1",
            "ledger.entry",
            "postings[0][1]",
            "ledger_posting",
        ),
        (
            "UPDATE ledger_posting SET memo = x'00ff' WHERE community_id = :c AND entry_id = 7 AND line = 1",
            "ledger.entry",
            "postings[0][2]",
            "ledger_posting",
        ),
        (
            "UPDATE ledger_entry SET booked_on = '2024-13-45' WHERE community_id = :c AND id = 7",
            "ledger.entry",
            "booked_on",
            "ledger_entry",
        ),
        (
            "UPDATE disclosure_notice SET body = CAST(body AS BLOB) WHERE community_id = :c AND period = '2024-10'",
            "disclosure.notice",
            "body",
            "disclosure_notice",
        ),
        (
            "UPDATE ledger_account SET opened_on = 20240901 WHERE community_id = :c AND code = '1001'",
            "ledger.account",
            "opened_on",
            "ledger_account",
        ),
        (
            "UPDATE ledger_account_total SET debit_fen = 'abc' WHERE community_id = :c AND rowid = 1",
            TOTALS,
            None,
            "ledger_account_total",
        ),
    ],
    ids=[
        "body as text",
        "leaf hash as text",
        "REAL amount",
        "memo as bytes",
        "no such day",
        "notice as bytes",
        "date as a number",
        "totals as text",
    ],
)
def test_a_value_stored_as_another_type_is_named(
    loaded: Demo, unguarded: Session, edit: str, kind: str, field: str | None, table: str
) -> None:
    _sqlite_only(unguarded)
    _run(unguarded, edit, {"c": loaded.community_id})
    report = log.audit(unguarded, loaded.community_id)
    about = [(f.record_kind, f.field) for f in report.findings]
    assert (kind, field) in about, [f.text() for f in report.findings]
    _count(unguarded, table, named=True)


def test_amounts_whose_sum_passes_2_to_the_63_are_named(loaded: Demo, unguarded: Session) -> None:
    """Two postings of one account and day at the largest BIGINT: SQLite's SUM overflows."""
    cid = loaded.community_id
    _run(
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
    _run(
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
