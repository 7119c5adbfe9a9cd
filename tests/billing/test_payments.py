"""Desk payments: oldest first, chosen bills, partial, overpayment, prepayment used, refunds."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from sunshine.billing import service as billing
from sunshine.billing.rules.charges import ChargeKind
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Invalid
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import service as ledger
from tests.billing.builders import SEPT
from tests.billing.builders import Place
from tests.billing.builders import balance
from tests.billing.builders import bills_of
from tests.billing.builders import community_with_units
from tests.billing.builders import item
from tests.billing.builders import pay

OCT = Period(2024, 10)


def _two_months(session: Session) -> tuple[Place, int]:
    place = community_with_units(session, ["100.00"])
    fee = item(session, place, ChargeKind.PER_AREA_MONTH, "1.00")  # 100.00 a month
    billing.post_run(session, place.community_id, fee, SEPT, actor="m")
    billing.post_run(session, place.community_id, fee, OCT, actor="m")
    return place, fee


def _paid(session: Session, place: Place, fee: int) -> list[int]:
    return [b.paid_fen.value for b in bills_of(session, place, fee)]


def test_a_payment_pays_the_oldest_bill_first_and_a_partial_one_leaves_the_rest(
    session: Session,
) -> None:
    place, fee = _two_months(session)
    payment = pay(session, place, place.units[0], "150.00")
    assert _paid(session, place, fee) == [10000, 5000]
    assert balance(session, place, "1122") == Fen(5000)
    assert balance(session, place, "1002") == Fen(15000)  # cash
    entry = ledger.get_entry(session, place.community_id, payment.entry_id)
    assert entry.counterparty == "业主1"


def test_chosen_bills_are_paid_alone_and_other_units_bills_are_refused(session: Session) -> None:
    place, fee = _two_months(session)
    oct_bill = bills_of(session, place, fee)[1]
    pay(session, place, place.units[0], "100.00", bill_ids=[oct_bill.id], method="transfer")
    assert _paid(session, place, fee) == [0, 10000]
    assert balance(session, place, "1001") == Fen(10000)
    with pytest.raises(Invalid):
        pay(session, place, place.units[0], "1.00", bill_ids=[oct_bill.id])  # paid already


def test_an_overpayment_is_a_prepayment_that_the_next_run_uses(session: Session) -> None:
    place = community_with_units(session, ["100.00"])
    fee = item(session, place, ChargeKind.PER_AREA_MONTH, "1.00")
    billing.post_run(session, place.community_id, fee, SEPT, actor="m")
    pay(session, place, place.units[0], "250.00", method="card")
    assert billing.prepayment_of(session, place.community_id, place.units[0]) == Fen(15000)
    assert balance(session, place, "2203") == Fen(-15000)
    plan, run = billing.post_run(session, place.community_id, fee, OCT, actor="m")
    assert run is not None
    assert plan.prepaid == Fen(10000)
    assert _paid(session, place, fee) == [10000, 10000]
    assert billing.prepayment_of(session, place.community_id, place.units[0]) == Fen(5000)
    assert balance(session, place, "2203") == Fen(-5000)  # Dr 2203 / Cr 1122 in the run
    assert balance(session, place, "1122") == Fen(0)


def test_a_refund_reverses_the_entry_with_its_reason_and_reopens_the_bills(
    session: Session,
) -> None:
    place, fee = _two_months(session)
    payment = pay(session, place, place.units[0], "250.00")
    refunded = billing.refund_payment(
        session, place.community_id, payment.id, reason="重复缴费", on=date(2024, 10, 9)
    )
    reversal = ledger.get_entry(session, place.community_id, refunded.refund_entry_id or 0)
    assert reversal.reverses_id == payment.entry_id
    assert reversal.reason == "重复缴费"
    assert _paid(session, place, fee) == [0, 0]
    assert balance(session, place, "1122") == Fen(20000)
    assert balance(session, place, "2203") == Fen(0)
    assert billing.prepayment_of(session, place.community_id, place.units[0]) == Fen(0)
    with pytest.raises(Conflict):
        billing.refund_payment(
            session, place.community_id, payment.id, reason="x", on=date(2024, 10, 9)
        )


def test_a_payment_whose_prepayment_paid_later_bills_is_not_refunded_whole(
    session: Session,
) -> None:
    place = community_with_units(session, ["100.00"])
    fee = item(session, place, ChargeKind.PER_AREA_MONTH, "1.00")
    payment = pay(session, place, place.units[0], "100.00")
    billing.post_run(session, place.community_id, fee, SEPT, actor="m")
    with pytest.raises(Conflict):
        billing.refund_payment(
            session, place.community_id, payment.id, reason="x", on=date(2024, 10, 9)
        )


def test_a_payment_of_nothing_or_by_an_unknown_method_is_refused(session: Session) -> None:
    place, _ = _two_months(session)
    with pytest.raises(Invalid):
        pay(session, place, place.units[0], "0.00")
    with pytest.raises(Invalid):
        pay(session, place, place.units[0], "1.00", method="barter")


def test_the_desk_form_sent_twice_books_the_money_once(session: Session) -> None:
    place, fee = _two_months(session)
    first = pay(session, place, place.units[0], "100.00", request_key="form-key-1")
    again = pay(session, place, place.units[0], "100.00", request_key="form-key-1")
    assert again.id == first.id
    assert _paid(session, place, fee) == [10000, 0]
    with pytest.raises(Conflict):
        pay(session, place, place.units[0], "50.00", request_key="form-key-1")
