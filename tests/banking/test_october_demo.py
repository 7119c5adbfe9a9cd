"""荆川东园, October 2024: the Bank of Jiangsu statement agrees with the demo's books.

tests/banking/samples/jcdy_2024_10_jsb.csv (GBK, as the bank exports it) was written from
the demo's entries touching 1001 in October 2024: the garbage fees credited a day after
they were booked, the wages paid as a payroll batch (no names), and a 5.00 account fee on
the 31st that the books have not booked. It imports, all six entries match, and the
reconciliation balances with the fee as its one difference, and goes into the log.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from sunshine.banking.rules.reconciliation import ItemKind
from sunshine.banking.service import accounts
from sunshine.banking.service import imports
from sunshine.banking.service import matching
from sunshine.banking.service import reconcile
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.transparency import service as log
from tests.banking.support import SAMPLES
from tests.factories import load_demo

STATEMENT = SAMPLES / "jcdy_2024_10_jsb.csv"


def test_octobers_statement_imports_matches_and_reconciles(session: Session) -> None:
    cid = load_demo(session).id
    account = accounts.set_account(session, cid, number="32040188000012345678", bank="jsb")
    done = imports.import_statement(session, cid, STATEMENT.read_bytes(), bank="jsb")
    assert (done.added, done.first, done.last) == (7, date(2024, 10, 5), date(2024, 10, 31))
    assert matching.auto_match(session, cid, account.id) == 6
    rec = reconcile.month_end(session, cid, Period(2024, 10))
    assert rec is not None
    assert (rec.bank_balance, rec.book_balance) == (Fen.parse("58062.98"), Fen.parse("58067.98"))
    assert [(i.kind, i.amount) for i in rec.items] == [(ItemKind.BANK_FEE, Fen(-500))]
    assert rec.balanced
    size = log.tree_size(session, cid)
    reconcile.record(session, cid, account, rec.on, actor_id=None)
    assert log.tree_size(session, cid) == size + 1
