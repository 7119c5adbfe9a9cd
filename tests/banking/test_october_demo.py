"""荆川东园, October 2024: the Bank of Jiangsu statement agrees with the demo's books.

The demo imports a statement a month itself (demo/service/bank.py), matches it and logs
each month end's reconciliation. tests/banking/samples/jcdy_2024_10_jsb.csv (GBK, as the
bank exports it) is October's statement in the bank's own summary form (the rent as one
credit, the garbage fees credited a day after they were booked, a 5.00 account fee on the
31st that the books book in November): it reads to the same closing balance, and the
reconciliation balances with the fee as its one difference, in the log.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from sunshine.banking.rules.reconciliation import ItemKind
from sunshine.banking.service import imports
from sunshine.banking.service import reconcile
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from tests.banking.support import SAMPLES
from tests.demo_copies import DemoCopies
from tests.factories import load_demo

STATEMENT = SAMPLES / "jcdy_2024_10_jsb.csv"


@pytest.fixture(scope="module")
def engine(engine: Engine, demo_copies: DemoCopies) -> Iterator[Engine]:
    """This module's tests run on a copy of the worker's loaded demo (tests/demo_copies.py)."""
    with demo_copies.copy(engine) as copy:
        yield copy


def test_octobers_statement_imports_matches_and_reconciles(session: Session) -> None:
    cid = load_demo(session).id
    rec = reconcile.month_end(session, cid, Period(2024, 10))
    assert rec is not None
    assert (rec.bank_balance, rec.book_balance) == (Fen.parse("58062.98"), Fen.parse("58067.98"))
    assert [(i.kind, i.amount) for i in rec.items] == [(ItemKind.BANK_FEE, Fen(-500))]
    assert rec.balanced
    assert reconcile.logged_count(session, cid) == 12  # every month end of the first year
    sample = imports.preview(session, cid, STATEMENT.read_bytes(), bank="jsb")
    assert sample.account.number == "32040188000012345678"  # the demo's account
    assert (sample.draft.lines[0].booked_on, sample.draft.lines[-1].booked_on) == (
        date(2024, 10, 5),
        date(2024, 10, 31),
    )
    assert sample.draft.closing == rec.bank_balance
