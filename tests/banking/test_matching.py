"""Matching: automatic by amount, window and text; by hand, undone, explained; the work list."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from sunshine.banking.models import BankLine
from sunshine.banking.service import imports
from sunshine.banking.service import lines
from sunshine.banking.service import matching
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Invalid
from tests.banking.support import Setup
from tests.banking.support import october
from tests.banking.support import sample
from tests.ledger.builders import draft
from tests.ledger.builders import post


def _imported(session: Session, **kwargs: int) -> Setup:
    setup = october(session, **kwargs)
    imports.import_statement(session, setup.cid, sample("icbc"), bank="icbc")
    return setup


def _by_amount(session: Session, setup: Setup) -> dict[int, BankLine]:
    return {ln.amount.value: ln for ln in lines.list_lines(session, setup.cid, setup.account.id)}


def test_auto_match_pairs_each_line_with_its_entry_once(session: Session) -> None:
    setup = _imported(session)
    assert matching.auto_match(session, setup.cid, setup.account.id) == 3
    found = _by_amount(session, setup)
    assert found[720000].entry_id == setup.entries["parking"].id  # booked a day before the bank
    assert found[-2358].entry_id == setup.entries["water"].id
    assert found[-19500].entry_id == setup.entries["power"].id
    assert found[-500].entry_id is None  # the bank fee has no entry
    assert matching.auto_match(session, setup.cid, setup.account.id) == 0  # nothing twice
    assert [ln.amount.value for ln in lines.work_list(session, setup.cid, setup.account.id)] == [
        -500
    ]


def test_the_date_window_is_the_accounts_setting(session: Session) -> None:
    setup = _imported(session, window_days=0)
    assert matching.auto_match(session, setup.cid, setup.account.id) == 2  # parking is a day off


def test_staff_match_and_unmatch_by_hand_and_each_step_is_kept(session: Session) -> None:
    setup = _imported(session)
    parking = _by_amount(session, setup)[720000]
    entry_id = setup.entries["parking"].id
    matching.match_line(
        session, setup.cid, parking.id, entry_id=entry_id, actor_id=setup.books.actor_id
    )
    assert (parking.entry_id, parking.matched) == (entry_id, "manual")
    with pytest.raises(Conflict):  # the line is matched already
        matching.match_line(session, setup.cid, parking.id, entry_id=entry_id, actor_id=None)
    water = _by_amount(session, setup)[-2358]
    with pytest.raises(Invalid):  # amounts differ
        matching.match_line(session, setup.cid, water.id, entry_id=entry_id, actor_id=None)
    matching.unmatch_line(session, setup.cid, parking.id, actor_id=setup.books.actor_id)
    assert parking.entry_id is None
    matching.auto_match(session, setup.cid, setup.account.id)
    assert parking.entry_id is None  # staff unmatched it: automatic matching leaves it to them
    steps = lines.steps(session, setup.cid, parking.id)
    assert [(s.action, s.entry_id, s.actor_id) for s in steps] == [
        ("match", entry_id, setup.books.actor_id),
        ("unmatch", entry_id, setup.books.actor_id),
    ]


def test_an_entry_matched_to_one_line_cannot_be_matched_to_another(session: Session) -> None:
    setup = _imported(session)
    matching.auto_match(session, setup.cid, setup.account.id)
    fee = _by_amount(session, setup)[-500]
    with pytest.raises((Conflict, Invalid)):
        matching.match_line(
            session, setup.cid, fee.id, entry_id=setup.entries["water"].id, actor_id=None
        )


def test_a_line_explained_leaves_the_work_list(session: Session) -> None:
    setup = _imported(session)
    matching.auto_match(session, setup.cid, setup.account.id)
    [fee] = lines.work_list(session, setup.cid, setup.account.id)
    matching.explain_line(
        session, setup.cid, fee.id, reason="银行账户管理费，11月补记", actor_id=None
    )
    assert lines.work_list(session, setup.cid, setup.account.id) == []
    counts = lines.counts(session, setup.cid, setup.account.id)
    assert (counts[lines.State.MATCHED], counts[lines.State.EXPLAINED]) == (3, 1)


def test_an_entry_touching_the_bank_twice_matches_by_its_net_amount(session: Session) -> None:
    setup = october(session)
    # A 5.00 fee booked in two legs on 1001 (3.00 and 2.00): the bank's one line matches it.
    post(session, setup.books, draft(date(2024, 10, 20), "手续费", ("6606", "5.00"),
                                     ("1001", "-3.00"), ("1001", "-2.00")))  # fmt: skip
    imports.import_statement(session, setup.cid, sample("icbc"), bank="icbc")
    matching.auto_match(session, setup.cid, setup.account.id)
    assert lines.work_list(session, setup.cid, setup.account.id) == []


def test_an_overlapping_statement_adds_only_its_new_lines(session: Session) -> None:
    setup = october(session, bank="jsb")
    data = sample("jsb")
    first_two = b"\r\n".join(data.split(b"\r\n")[:6]) + b"\r\n"  # header rows + 2 lines
    assert imports.import_statement(session, setup.cid, first_two, bank="jsb").added == 2
    assert imports.import_statement(session, setup.cid, data, bank="jsb").added == 2
