"""The demo goes on after its first year: every month that has ended by today is booked, and
its notice published on schedule and co-signed, so a fresh demo's board shows nothing overdue.

Loaded here as on 3 March 2026 (six months after the first year); the pure checks run the
generated months far ahead.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from sunshine.demo.service import fees
from sunshine.demo.service import later
from sunshine.demo.service import notices as demo_notices
from sunshine.demo.service import year
from sunshine.disclosure.rules import schedule as schedule_rules
from sunshine.disclosure.rules.budget import BudgetState
from sunshine.disclosure.service import budget_actuals
from sunshine.disclosure.service import budgets
from sunshine.disclosure.service import notices
from sunshine.disclosure.service import schedule
from sunshine.disclosure.service.sections import registered
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import service as ledger
from sunshine.transparency import service as log
from tests.demo.conftest import OCTOBER_CHECKPOINT
from tests.demo.conftest import TRUST_MODEL
from tests.demo.conftest import ids_start_afresh
from tests.demo_copies import DemoCopies
from tests.factories import load_demo

TODAY = date(2026, 3, 3)
LAST = Period(2026, 2)
AHEAD = Period(2035, 12)


@dataclass(frozen=True)
class Later:
    session: Session
    community_id: int


@pytest.fixture(scope="module")
def loaded_later(engine: Engine, demo_copies: DemoCopies) -> Iterator[Later]:
    with demo_copies.copy(engine, today=TODAY) as copy, copy.connect() as connection:
        outer = connection.begin()
        with Session(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        ) as session:
            yield Later(session, load_demo(session, today=TODAY).id)
        outer.rollback()


def _balance_after(period: Period, start: Fen) -> Fen:
    """The trust account after `period`'s movements and remuneration, from `start`."""
    for line in later.movements(period):
        start = start + line.amount if line.money_in else start - line.amount
    start += sum(fees.collected_in(period).values(), Fen(0))
    return start - year.REMUNERATION


def test_the_books_run_to_the_last_month_that_has_ended() -> None:
    assert later.last_complete_month(date(2026, 12, 3)) == Period(2026, 11)
    assert later.last_complete_month(date(2026, 12, 1)) == Period(2026, 11)
    assert later.last_complete_month(date(2025, 6, 1)) == Period(2025, 8)  # never less than a year
    assert later.months_through(LAST)[0] == Period(2024, 9)
    assert later.months_through(LAST)[-1] == LAST


def test_a_generated_month_is_the_same_on_every_call_and_within_its_month() -> None:
    for period in later.months_through(AHEAD)[12:]:
        month = later.movements(period)
        assert month == later.movements(period)
        assert all(line.day in period for line in month)
        assert [line.day for line in month] == sorted(line.day for line in month)
        receipts = [line.receipt.number for line in month]
        assert len(set(receipts)) == len(receipts)
    first_year = [later.movements(p) for p in year.MONTHS]
    assert first_year == [year.movements(p) for p in year.MONTHS]


def test_later_months_repeat_the_first_years_patterns() -> None:
    months = later.months_through(Period(2026, 8))[12:]  # the second year
    booked = [line for period in months for line in later.movements(period)]
    by_account: dict[str, Fen] = {}
    for line in booked:
        by_account[line.account] = by_account.get(line.account, Fen(0)) + line.amount
    for period in months:  # the income billing collects
        for code, amount in fees.collected_in(period).items():
            by_account[code] = by_account.get(code, Fen(0)) + amount
    assert str(by_account["6002"]) == "86,400.00"  # parking rent, every month
    assert str(by_account["6601"]) == "63,600.00"  # wages, every month
    assert str(by_account["6004"]) == "18,300.00"  # 183 households' garbage fees
    assert str(by_account["6605"]) == "28,800.00"  # the night patrol, quarterly
    assert str(by_account["6607"]) == "2,680.00"  # insurance, once a year
    assert {"6003", "6051", "6602", "660801", "660802"} <= by_account.keys()
    assert all(
        sum(line.account == code for line in later.movements(p)) == 1
        for p in months
        for code in ("6601", "660801", "660802", "6003")
    )


def test_the_trust_account_stays_positive_for_years() -> None:
    balance = Fen.parse("4871.09")  # where the first year ends
    for period in later.months_through(AHEAD)[12:]:
        balance = _balance_after(period, balance)
        assert balance > Fen(0), period


def test_each_notice_is_published_after_its_month_before_it_is_due_and_never_after_today() -> None:
    plan = schedule_rules.Schedule(demo_notices.FIRST)
    for today in (date(2026, 12, 1), date(2026, 12, 3), date(2026, 12, 20)):
        for period in later.months_through(later.last_complete_month(today)):
            published = demo_notices.published_on(period, today)
            assert period.last_day < published <= today
            assert published <= schedule_rules.due_on(plan, period)


def test_every_month_is_booked_and_none_of_its_notices_is_overdue(loaded_later: Later) -> None:
    session, cid = loaded_later.session, loaded_later.community_id
    assert schedule.overdue(session, cid, today=TODAY) == []
    published = notices.list_notices(session, cid)
    assert [n.period for n in published] == later.months_through(LAST)[::-1]
    latest = published[0]
    assert (latest.period, latest.published_on) == (LAST, TODAY)  # the 5th has not come yet
    assert published[1].published_on == date(2026, 2, 5)
    balance = Fen.parse("4871.09")
    for period in later.months_through(LAST)[12:]:
        balance = _balance_after(period, balance)
    assert ledger.trust_bank_balance(session, cid, on=LAST.last_day) == balance


def test_every_notice_is_co_signed_by_the_committee(loaded_later: Later) -> None:
    session, cid = loaded_later.session, loaded_later.community_id
    for notice in notices.list_notices(session, cid):
        printed = notices.printed_checkpoint(session, cid, notice)
        assert printed.signers == ("sunshine/jcdy", "jcdy-committee-demo"), notice.period


def test_the_october_notice_is_still_the_paper_one(loaded_later: Later) -> None:
    found = notices.get_notice(loaded_later.session, loaded_later.community_id, year.OCTOBER)
    record = notices.record_of(found)
    spending = record["spending"]
    assert isinstance(spending, dict)
    assert spending["total_fen"] == 961858
    assert (found.version, found.published_on) == (1, date(2024, 11, 5))
    assert log.public_keys(loaded_later.session, loaded_later.community_id)


def test_the_second_year_has_its_approved_budget_in_its_notices(loaded_later: Later) -> None:
    session, cid = loaded_later.session, loaded_later.community_id
    budget = budgets.find_budget_for(session, cid, LAST)
    assert budget is not None
    assert (budget.first, budget.state) == (Period(2025, 9), BudgetState.APPROVED)
    record = notices.record_of(notices.get_notice(session, cid, LAST))
    sections = record["sections"]
    assert isinstance(sections, list)
    keys = [section["key"] for section in sections]
    assert keys[0] == budget_actuals.SECTION_KEY  # then the other parts', as registered
    assert keys == [key for key in registered() if key in keys]
    assert "bank_reconciliation" in keys  # always there: a missing one says why


def test_the_october_notice_s_fingerprint_does_not_depend_on_when_the_demo_was_loaded(
    loaded_later: Later,
) -> None:
    """The first year is published before later months are booked: the paper stays right."""
    session, cid = loaded_later.session, loaded_later.community_id
    october = notices.get_notice(session, cid, Period(2024, 10))
    printed = notices.printed_checkpoint(session, cid, october)
    state = f"docs/trust-model.md: `{printed.fingerprint}`, log size {printed.tree_size}"
    assert printed.tree_size == OCTOBER_CHECKPOINT[1], state  # as a first-year load: nothing later
    if ids_start_afresh(session):
        assert printed.fingerprint == OCTOBER_CHECKPOINT[0], state
        assert f"`{printed.fingerprint}`" in TRUST_MODEL.read_text(encoding="utf-8")
