"""On the demo's 荆川东园 through the real app: issue 4's "the budget page shows the shortfall",
and issue 13's bank pages, which answer with the demo's account and statements."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from sunshine.disclosure.service import budgets
from sunshine.identity import service as identity
from sunshine.kernel.periods import Period
from tests.demo_copies import DemoCopies
from tests.factories import load_demo
from tests.factories import log_in


@pytest.fixture(scope="module")
def engine(engine: Engine, demo_copies: DemoCopies) -> Iterator[Engine]:
    """This module's tests run on a copy of the worker's loaded demo (tests/demo_copies.py)."""
    with demo_copies.copy(engine) as copy:
        yield copy


def test_the_budget_pages_show_the_shortfall_near_50000_and_the_bank_pages_answer(
    client: TestClient, session: Session
) -> None:
    community = load_demo(session)
    owner = identity.find_user_by_phone(session, "19900000017")
    assert owner is not None
    budget = budgets.find_budget_for(session, community.id, Period(2024, 10))
    assert budget is not None
    log_in(client, session, owner)
    client.cookies.set("sunshine_lang", "zh_CN")

    page = client.get(f"/c/jcdy/budget/{budget.id}")
    assert page.status_code == 200, page.text
    assert "105,600.00" in page.text  # budgeted income: parking 86,400 + garbage 19,200
    assert "155,000.00" in page.text  # budgeted spending, "more than 150,000"
    assert "-49,400.00" in page.text  # the planned shortfall, "close to 50,000"
    gap = client.get(f"/c/jcdy/budget/{budget.id}/gap")
    assert gap.status_code == 200, gap.text
    assert "-45,128.91" in gap.text  # the year's result: 104,700.00 in, 149,828.91 out

    manager = identity.find_user_by_username(session, "manager")
    assert manager is not None
    log_in(client, session, manager)
    for path in ("", "/lines", "/reconciliation"):
        page = client.get(f"/c/jcdy/bank{path}")
        assert page.status_code == 200, (path, page.text)
    october = client.get("/c/jcdy/bank/reconciliation", params={"date": "2024-10-31"})
    assert october.status_code == 200, october.text
    assert "58,062.98" in october.text  # the bank's balance; the books' is 5.00 more (its fee)
