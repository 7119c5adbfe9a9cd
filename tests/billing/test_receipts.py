"""Receipts: numbered without gaps per community, kept by a refund, checked by their code."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from sqlalchemy.orm import Session

from sunshine.billing import service as billing
from sunshine.billing.rules.charges import ChargeKind
from sunshine.billing.service import receipts
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.kernel.money import Fen
from tests.billing.builders import SEPT
from tests.billing.builders import Place
from tests.billing.builders import community_with_units
from tests.billing.builders import item
from tests.billing.builders import pay


def _billed(session: Session, units: int = 2) -> Place:
    place = community_with_units(session, ["100.00"] * units)
    fee = item(session, place, ChargeKind.PER_AREA_MONTH, "1.00")
    billing.post_run(session, place.community_id, fee, SEPT, actor="m")
    return place


def test_payments_get_consecutive_numbers_per_community(session: Session) -> None:
    place = _billed(session)
    other = _billed(session)
    first = pay(session, place, place.units[0], "60.00")
    elsewhere = pay(session, other, other.units[0], "10.00")
    second = pay(session, place, place.units[1], "100.00")
    third = pay(session, place, place.units[0], "40.00")
    assert [first.receipt_no, second.receipt_no, third.receipt_no] == [1, 2, 3]
    assert elsewhere.receipt_no == 1  # each community counts its own
    rows = receipts.list_receipts(session, place.community_id)
    assert [row.receipt.number for row in rows] == [3, 2, 1]
    assert rows[2].receipt.entry_id == first.entry_id


def test_a_payment_rolled_back_or_refused_leaves_no_gap(session: Session) -> None:
    place = _billed(session)
    pay(session, place, place.units[0], "10.00")
    with session.begin_nested() as nested:
        pay(session, place, place.units[0], "10.00")  # numbered 2, then rolled back
        nested.rollback()
    with pytest.raises(Invalid):
        pay(session, place, place.units[0], "0.00")
    assert pay(session, place, place.units[1], "10.00").receipt_no == 2


def test_a_refund_keeps_the_number_and_marks_the_receipt(session: Session) -> None:
    place = _billed(session)
    paid = pay(session, place, place.units[0], "100.00")
    billing.refund_payment(
        session, place.community_id, paid.id, reason="重复缴费", on=date(2024, 10, 9)
    )
    again = pay(session, place, place.units[0], "100.00")
    assert again.receipt_no == 2  # number 1 is not given out again
    kept = receipts.get_receipt(session, place.community_id, 1)
    assert kept.payment_id == paid.id
    rows = {row.receipt.number: row for row in receipts.list_receipts(session, place.community_id)}
    assert rows[1].refunded
    assert not rows[2].refunded
    receipt = receipts.get_receipt(session, place.community_id, 1)
    check = receipts.check_receipt(session, place.community_id, 1, receipt.check_code)
    assert check.refunded


def test_the_check_code_confirms_a_real_receipt_and_names_nobody(session: Session) -> None:
    place = _billed(session)
    paid = pay(session, place, place.units[0], "60.00")
    receipt = receipts.get_receipt(session, place.community_id, paid.receipt_no or 0)
    assert len(receipt.check_code) == 9
    assert receipt.check_code[4] == "-"
    typed = receipt.check_code.replace("-", " ").lower()
    check = receipts.check_receipt(session, place.community_id, receipt.number, typed)
    assert check.amount == Fen.parse("60.00")
    assert check.entry_id == paid.entry_id
    assert check.log_seq is not None  # the payment's entry is in the public log
    shown = " ".join(str(value) for value in dataclasses.asdict(check).values())
    assert "业主" not in shown
    assert "1-1-" not in shown
    wrong = receipt.check_code[:-1] + ("A" if receipt.check_code[-1] != "A" else "B")
    with pytest.raises(NotFound):
        receipts.check_receipt(session, place.community_id, receipt.number, wrong)
    with pytest.raises(NotFound):
        receipts.check_receipt(session, place.community_id, 99, receipt.check_code)


def test_the_check_code_depends_on_what_the_receipt_says() -> None:
    from sunshine.billing.rules.collect import check_code

    base = {"community_id": 1, "number": 7, "entry_id": 12, "amount": Fen(100)}
    code = check_code(b"k" * 32, **base)  # type: ignore[arg-type]
    assert code == check_code(b"k" * 32, **base)  # type: ignore[arg-type]
    for change in ({"number": 8}, {"entry_id": 13}, {"amount": Fen(101)}, {"community_id": 2}):
        assert check_code(b"k" * 32, **{**base, **change}) != code  # type: ignore[arg-type]
    assert check_code(b"j" * 32, **base) != code  # type: ignore[arg-type]
