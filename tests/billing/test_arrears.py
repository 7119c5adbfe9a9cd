"""Arrears: ageing bands at their boundaries, as of a date, collection rates, late fees."""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from sunshine.billing import service as billing
from sunshine.billing.rules.charges import ChargeKind
from sunshine.billing.rules.collect import CollectionRate
from sunshine.billing.rules.collect import LateFeeClause
from sunshine.billing.rules.collect import band_of
from sunshine.billing.service import arrears
from sunshine.billing.service import terms
from sunshine.kernel.errors import Invalid
from sunshine.kernel.money import Fen
from tests.billing.builders import SEPT
from tests.billing.builders import Place
from tests.billing.builders import bills_of
from tests.billing.builders import community_with_units
from tests.billing.builders import item

DUE = SEPT.last_day  # 2024-09-30: September's bills are due at the month's end


def _billed(session: Session, units: int = 1) -> tuple[Place, int]:
    place = community_with_units(session, ["100.00"] * units)
    fee = item(session, place, ChargeKind.PER_AREA_MONTH, "1.00")  # 100.00 a unit
    billing.post_run(session, place.community_id, fee, SEPT, actor="m", issued_on=date(2024, 9, 1))
    return place, fee


@pytest.mark.parametrize(
    ("days", "band"),
    [(0, 0), (30, 0), (31, 1), (90, 1), (91, 2), (180, 2), (181, 3), (1000, 3)],
)
def test_a_bill_ages_from_band_to_band_at_the_boundaries(
    session: Session, days: int, band: int
) -> None:
    place, _ = _billed(session)
    [row] = arrears.ageing_by_unit(session, place.community_id, DUE + timedelta(days=days))
    assert row.bands[band] == Fen(10000)
    assert row.total == Fen(10000)
    assert band_of(days) == band


def test_nothing_is_in_arrears_before_its_due_date(session: Session) -> None:
    place, _ = _billed(session)
    assert arrears.ageing_by_unit(session, place.community_id, DUE - timedelta(days=1)) == []
    assert arrears.band_totals(session, place.community_id, DUE - timedelta(days=1)) == (
        (Fen(0),) * 4
    )


def test_arrears_as_of_a_date_count_payments_received_by_then(session: Session) -> None:
    place, fee = _billed(session, units=2)
    cid = place.community_id
    billing.take_payment(
        session, community_id=cid, unit_id=place.units[0], amount=Fen(4000), method="cash",
        reference="", received_at=datetime(2024, 11, 5, 2, tzinfo=UTC), actor="c",
    )  # fmt: skip
    before = arrears.ageing_by_unit(session, cid, date(2024, 11, 4))
    after = arrears.ageing_by_unit(session, cid, date(2024, 11, 5))
    assert [row.total for row in before] == [Fen(10000), Fen(10000)]
    assert [row.total for row in after] == [Fen(6000), Fen(10000)]
    assert arrears.band_totals(session, cid, date(2024, 11, 5))[1] == Fen(16000)
    [by_item] = arrears.ageing_by_item(session, cid, date(2024, 11, 5))
    assert by_item.key == fee
    assert by_item.total == Fen(16000)
    filtered = arrears.ageing_by_unit(session, cid, date(2024, 11, 5), unit_ids=[place.units[1]])
    assert [row.key for row in filtered] == [place.units[1]]


def test_a_refunded_payment_no_longer_pays(session: Session) -> None:
    place, _ = _billed(session)
    cid = place.community_id
    paid = billing.take_payment(
        session, community_id=cid, unit_id=place.units[0], amount=Fen(10000), method="cash",
        reference="", received_at=datetime(2024, 10, 2, tzinfo=UTC), actor="c",
    )  # fmt: skip
    assert arrears.ageing_by_unit(session, cid, date(2024, 10, 3)) == []
    billing.refund_payment(session, cid, paid.id, reason="退回", on=date(2024, 10, 3))
    [row] = arrears.ageing_by_unit(session, cid, date(2024, 10, 3))
    assert row.total == Fen(10000)


def test_the_collection_rate_is_kept_exact_and_shown_rounded_half_up(session: Session) -> None:
    place, fee = _billed(session, units=3)
    cid = place.community_id
    for unit in place.units[:2]:
        billing.take_payment(
            session, community_id=cid, unit_id=unit, amount=Fen(10000), method="cash",
            reference="", received_at=datetime(2024, 10, 2, tzinfo=UTC), actor="c",
        )  # fmt: skip
    [row] = arrears.collection_rates(session, cid, periods=[SEPT])
    assert (row.item_id, row.period) == (fee, SEPT)
    assert row.rate == CollectionRate(Fen(20000), Fen(30000))
    assert row.rate.percent == "66.7%"
    [early] = arrears.collection_rates(session, cid, periods=[SEPT], as_of=date(2024, 10, 1))
    assert early.rate.paid == Fen(0)
    assert early.rate.percent == "0.0%"


@pytest.mark.parametrize(
    ("paid", "billed", "shown"),
    [
        (183, 192, "95.3%"),  # 95.3125
        (1, 8, "12.5%"),
        (1, 2000, "0.1%"),  # 0.05: half up
        (1, 2001, "0.0%"),
        (1999, 2000, "100.0%"),  # 99.95: half up
        (0, 0, "—"),
    ],
)
def test_collection_rate_rounding(paid: int, billed: int, shown: str) -> None:
    assert CollectionRate(Fen(paid), Fen(billed)).percent == shown


@pytest.mark.parametrize(
    ("clause", "owed", "days", "fee"),
    [
        (LateFeeClause(0), 10000, 400, 0),  # no clause, no fee
        (LateFeeClause(5), 10000, 31, 155),  # 万分之五 a day for 31 days
        (LateFeeClause(5), 3333, 3, 5),  # 4.9995 fen: half up
        (LateFeeClause(5), 3333, 1, 2),  # 1.6665 fen
        (LateFeeClause(5), 1000, 1, 1),  # 0.5 fen: half up
        (LateFeeClause(5, from_day=16), 10000, 15, 0),
        (LateFeeClause(5, from_day=16), 10000, 16, 5),
        (LateFeeClause(5, cap_bp=1000), 10000, 300, 1000),  # capped at 10% of what is owed
    ],
)
def test_late_fee_as_written(clause: LateFeeClause, owed: int, days: int, fee: int) -> None:
    assert clause.fee(Fen(owed), days) == Fen(fee)


def test_late_fees_are_zero_without_a_clause_and_computed_with_one(session: Session) -> None:
    place, _ = _billed(session)
    cid = place.community_id
    as_of = DUE + timedelta(days=31)
    [line] = arrears.open_lines(session, cid, as_of, place.units)
    assert (line.owed, line.days_late, line.late_fee) == (Fen(10000), 31, Fen(0))
    terms.set_terms(session, cid, late_fee_bp=5, clause_ref="委托合同第十二条")
    [line] = arrears.open_lines(session, cid, as_of, place.units)
    assert line.late_fee == Fen(155)
    assert bills_of(session, place, line.item_id)[0].amount_fen == Fen(10000)  # not booked
    with pytest.raises(Invalid):
        terms.set_terms(session, cid, late_fee_bp=5)  # a clause is quoted
    assert terms.terms_of(session, cid).public_rooms is False
