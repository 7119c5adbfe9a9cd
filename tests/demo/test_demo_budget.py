"""荆川东园's approved budget for 2024-09..2025-08 (demo/service/budget.py), on the loaded community.

SCENARIO.md: a budget of more than 150,000 CNY against about 104,640 of yearly income
(the demo books 104,700), a shortfall close to 50,000. One test checks the whole story,
per database, on a copy of the worker's load (loading takes seconds).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from sunshine.demo.service import budget as demo_budget
from sunshine.disclosure.rules.budget import BudgetState
from sunshine.disclosure.rules.budget import LineKind
from sunshine.disclosure.service import budget_actuals
from sunshine.disclosure.service import budgets
from sunshine.identity import service as identity
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import service as ledger
from tests.demo_copies import DemoCopies
from tests.factories import load_demo


@pytest.fixture(scope="module")
def engine(engine: Engine, demo_copies: DemoCopies) -> Iterator[Engine]:
    """This module's tests run on a copy of the worker's loaded demo (tests/demo_copies.py)."""
    with demo_copies.copy(engine) as copy:
        yield copy


def test_the_demo_budget_is_approved_above_150000_with_a_shortfall_near_50000(
    session: Session,
) -> None:
    community = load_demo(session)
    committee = identity.find_user_by_username(session, "committee")
    assert committee is not None
    cid = community.id

    budget = demo_budget.load_budget(session, cid, actor_id=committee.id)

    assert (budget.state, budget.first, budget.version) == (
        BudgetState.APPROVED,
        Period(2024, 9),
        1,
    )
    assert demo_budget.load_budget(session, cid, actor_id=committee.id) is budget  # idempotent
    lines = budgets.lines_of(session, cid, budget.id)
    spending = sum((x.amount for x in lines if x.kind is LineKind.SPENDING), Fen(0))
    income = sum((x.amount for x in lines if x.kind is LineKind.INCOME), Fen(0))
    assert spending == Fen.yuan(155_000)
    assert income == Fen.yuan(86_400 + 19_200)
    assert {x.accounts[0]: x.amount for x in lines}["6601"] == Fen.yuan(5_300 * 12)
    [decision] = budgets.decisions_of(session, cid, budget.id)
    assert decision.decided_by == committee.id
    assert decision.decision_sha256 is not None
    voucher = ledger.get_voucher(session, cid, decision.decision_sha256)
    assert voucher.public_sha256 == voucher.sha256  # owners see the decision as it is
    assert demo_budget.decision_png() == demo_budget.decision_png()  # the same bytes each load
    comments = budgets.list_comments(session, cid, budget.id)
    assert [c.line_number for c in comments] == [6, 9]

    year_end = budget_actuals.project_budget(session, budget, today=date(2025, 9, 1))

    assert year_end.elapsed == 12
    assert year_end.projected_total(LineKind.INCOME) == Fen.yuan(104_700)
    assert year_end.budget_total(LineKind.SPENDING) > Fen.yuan(150_000)
    assert year_end.budget_result == Fen.yuan(-49_400)
    assert Fen.yuan(-55_000) < year_end.projected_result < Fen.yuan(-40_000)
    section = budget_actuals.budget_section(session, cid, Period(2024, 10), Period(2024, 10))
    assert section is not None
    spending_row = section.rows[-1]
    assert spending_row[0] == "支出合计"  # one language per column (issue 12)
    assert spending_row[2] == 961_858  # October's paper notice: 9,618.58
