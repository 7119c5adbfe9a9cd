"""The reconciliation statement: balanced and not, appended to the log without names, audited."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from sunshine.banking.models import Reconciliation
from sunshine.banking.rules.reconciliation import ItemKind
from sunshine.banking.service import imports
from sunshine.banking.service import matching
from sunshine.banking.service import reconcile
from sunshine.kernel.errors import Invalid
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.transparency import service as log
from tests.banking.support import Setup
from tests.banking.support import october
from tests.banking.support import sample
from tests.ledger.builders import draft
from tests.ledger.builders import post

OCTOBER_END = date(2024, 10, 31)


def _matched(session: Session) -> Setup:
    setup = october(session)
    imports.import_statement(session, setup.cid, sample("icbc"), bank="icbc")
    matching.auto_match(session, setup.cid, setup.account.id)
    return setup


def test_a_balanced_reconciliation_explains_each_difference(session: Session) -> None:
    setup = _matched(session)
    rec = reconcile.reconcile(session, setup.cid, setup.account, OCTOBER_END)
    assert rec.bank_balance == Fen(5697642)  # the statement's closing balance
    assert rec.book_balance == Fen(5697642 + 500 - 530000)  # no fee booked, wages not yet paid
    kinds = {(item.kind, item.amount.value) for item in rec.items}
    assert kinds == {(ItemKind.BANK_FEE, -500), (ItemKind.IN_TRANSIT, -530000)}
    assert rec.balanced
    assert rec.unexplained == Fen(0)
    assert rec.adjusted_bank == rec.adjusted_book


def test_an_explained_line_is_listed_as_explained(session: Session) -> None:
    setup = _matched(session)
    [fee] = [ln for ln in matching_lines(session, setup) if ln.entry_id is None]
    matching.explain_line(session, setup.cid, fee.id, reason="账户管理费", actor_id=None)
    rec = reconcile.reconcile(session, setup.cid, setup.account, OCTOBER_END)
    assert ItemKind.EXPLAINED in {item.kind for item in rec.items}
    assert rec.balanced


def matching_lines(session: Session, setup: Setup) -> list:  # type: ignore[type-arg]
    from sunshine.banking.service import lines

    return lines.list_lines(session, setup.cid, setup.account.id)


def test_a_reconciliation_that_does_not_balance_is_refused_and_not_logged(session: Session) -> None:
    setup = october(session)
    # Money the books say came in before the statement began, which the bank never had.
    post(
        session,
        setup.books,
        draft(date(2024, 10, 1), "误记", ("1001", "100.00"), ("6052", "-100.00")),
    )
    imports.import_statement(session, setup.cid, sample("icbc"), bank="icbc")
    matching.auto_match(session, setup.cid, setup.account.id)
    rec = reconcile.reconcile(session, setup.cid, setup.account, OCTOBER_END)
    assert not rec.balanced
    assert rec.unexplained == Fen(-10000)
    size = log.tree_size(session, setup.cid)
    with pytest.raises(Invalid):
        reconcile.record(session, setup.cid, setup.account, OCTOBER_END, actor_id=None)
    assert log.tree_size(session, setup.cid) == size


def test_a_balanced_reconciliation_is_appended_to_the_log_without_names(session: Session) -> None:
    setup = _matched(session)
    size = log.tree_size(session, setup.cid)
    _, row = reconcile.record(
        session, setup.cid, setup.account, OCTOBER_END, actor_id=setup.books.actor_id
    )
    assert log.tree_size(session, setup.cid) == size + 1
    logged = log.get_record(session, setup.cid, row.log_seq)
    assert logged.kind == "banking.reconciliation"
    body = logged.body.decode() if isinstance(logged.body, bytes) else str(logged.body)
    record = json.loads(body)
    assert record["bank_balance_fen"] == 5697642
    assert record["account_number"] == "****0001"
    for secret in ("王建国", "自来水", "32050161360009000001", "手续费"):
        assert secret not in body
    assert log.audit(session, setup.cid).clean


def test_the_audit_names_a_changed_reconciliation(session: Session) -> None:
    setup = _matched(session)
    _, row = reconcile.record(session, setup.cid, setup.account, OCTOBER_END, actor_id=None)
    changed = row.body.replace('"bank_balance_fen":5697642', '"bank_balance_fen":5697643')
    assert changed != row.body
    session.execute(
        update(Reconciliation).where(Reconciliation.community_id == setup.cid).values(body=changed)
    )
    session.expire_all()
    report = log.audit(session, setup.cid)
    assert any(f.record_kind == "banking.reconciliation" for f in report.findings)


def test_month_end_gives_the_notice_its_figures(session: Session) -> None:
    setup = _matched(session)
    rec = reconcile.month_end(session, setup.cid, Period(2024, 10))
    assert rec is not None
    assert rec.on == OCTOBER_END
    assert rec.balanced
    assert reconcile.month_end(session, setup.cid, Period(2024, 9)) is None  # no line by then
