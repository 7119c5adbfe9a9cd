"""Importing statements: each bank's sample, GBK, all or nothing, and importing again adds nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.banking.models import BankLine
from sunshine.banking.service import imports
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from tests.banking.support import FILES
from tests.banking.support import october
from tests.banking.support import sample


def _count(session: Session, cid: int) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(BankLine).where(BankLine.community_id == cid)
        )
        or 0
    )


@pytest.mark.parametrize("bank", sorted(FILES))
def test_each_banks_sample_imports_and_importing_again_adds_nothing(
    session: Session, bank: str
) -> None:
    setup = october(session, bank=bank)
    done = imports.import_statement(session, setup.cid, sample(bank), bank=bank)
    assert (done.added, done.known, done.closing_balance.value) == (4, 0, 5697642)
    again = imports.import_statement(session, setup.cid, sample(bank), bank=bank)
    assert (again.added, again.known) == (0, 4)
    assert _count(session, setup.cid) == 4
    lines = session.scalars(
        select(BankLine).where(BankLine.community_id == setup.cid).order_by(BankLine.booked_on)
    ).all()
    assert [ln.amount.value for ln in lines] == [720000, -2358, -19500, -500]
    assert lines[-1].balance.value == 5697642


def test_a_gbk_statement_keeps_its_chinese(session: Session) -> None:
    setup = october(session, bank="abc")
    assert sample("abc").decode("gbk")  # the sample really is GBK, not UTF-8
    with pytest.raises(UnicodeDecodeError):
        sample("abc").decode("utf-8")
    imports.import_statement(session, setup.cid, sample("abc"), bank="abc")
    names = set(
        session.scalars(select(BankLine.counterparty).where(BankLine.community_id == setup.cid))
    )
    assert "常州通用自来水有限公司" in names


def test_a_statement_that_does_not_add_up_is_refused_and_writes_nothing(session: Session) -> None:
    setup = october(session, bank="jsb")
    broken = sample("jsb").replace(b"56976.42", b"56977.42")
    with pytest.raises(Invalid) as refused:
        imports.import_statement(session, setup.cid, broken, bank="jsb")
    assert refused.value.problems[0].where == "row 8"
    assert refused.value.fields["row"] == 8
    assert _count(session, setup.cid) == 0


def test_a_statement_of_another_account_or_bank_is_refused(session: Session) -> None:
    setup = october(session, bank="icbc")
    with pytest.raises(NotFound):
        imports.import_statement(
            session, setup.cid, sample("icbc"), bank="icbc", account_number="999999"
        )
    with pytest.raises(Invalid):
        imports.import_statement(session, setup.cid, sample("icbc"), bank="nosuchbank")
    with pytest.raises(Invalid):  # an ICBC export read as Bank of China's layout has no header
        imports.import_statement(session, setup.cid, sample("icbc"), bank="boc")
    assert _count(session, setup.cid) == 0
