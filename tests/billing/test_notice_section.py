"""Billing's sections of the monthly notice: income by item with its rate, arrears by band.

Three units billed 100.00 a month for September and October; one pays September in
September, one pays both months in October, one pays only in November. October's notice
reads as of 31 October, whatever came later.
"""

from __future__ import annotations

import json
from datetime import UTC
from datetime import date
from datetime import datetime

from sqlalchemy.orm import Session

from sunshine.billing import service as billing
from sunshine.billing.models import Terms
from sunshine.billing.rules.charges import ChargeKind
from sunshine.billing.service.notice_section import arrears_section
from sunshine.billing.service.notice_section import collection_section
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from tests.billing.builders import SEPT
from tests.billing.builders import Place
from tests.billing.builders import community_with_units
from tests.billing.builders import item

OCT, NOV = Period(2024, 10), Period(2024, 11)


def _pay(session: Session, place: Place, unit: int, yuan: str, on: datetime) -> None:
    billing.take_payment(
        session, community_id=place.community_id, unit_id=place.units[unit],
        amount=Fen.parse(yuan), method="transfer", reference="", received_at=on, actor="c",
    )  # fmt: skip


def _community(session: Session) -> Place:
    place = community_with_units(session, ["100.00"] * 3)
    fee = item(session, place, ChargeKind.PER_AREA_MONTH, "1.00")  # 100.00 a unit a month
    for period in (SEPT, OCT):
        billing.post_run(
            session, place.community_id, fee, period, actor="m", issued_on=period.first_day
        )
    _pay(session, place, 0, "100.00", datetime(2024, 9, 20, 2, tzinfo=UTC))
    _pay(session, place, 1, "200.00", datetime(2024, 10, 15, 2, tzinfo=UTC))
    return place


def test_income_by_item_reads_billed_collected_rate_and_earlier_months(session: Session) -> None:
    place = _community(session)
    section = collection_section(session, place.community_id, OCT, OCT)
    assert section is not None
    # October: 300.00 billed, 100.00 of it collected by 31 October (33.3%); unit 2's
    # October payment also paid its September bill: 100.00 collected for earlier months.
    assert section.rows == (
        ("物业服务费", 30000, 10000, "33.3%", 10000, "Property service fees"),
        ("合计", 30000, 10000, "33.3%", 10000, "Total"),
    )
    assert "本期应收" in section.note_zh
    assert "Earlier months: what payments received in the period" in section.note_en


def test_arrears_are_totals_by_band_at_the_spans_end(session: Session) -> None:
    place = _community(session)
    section = arrears_section(session, place.community_id, OCT, OCT)
    assert section is not None
    # On 31 October: unit 3's September bill is 31 days late; units 1 and 3 owe October's.
    assert [row[:3] for row in section.rows] == [
        ("逾期 0–30 天", 20000, 2),
        ("逾期 31–90 天", 10000, 1),
        ("逾期 91–180 天", 0, 0),
        ("逾期 180 天以上", 0, 0),
        ("合计", 30000, 2),
    ]


def test_later_payments_and_later_bills_do_not_change_a_past_spans_figures(
    session: Session,
) -> None:
    place = _community(session)
    cid = place.community_id
    before = (collection_section(session, cid, OCT, OCT), arrears_section(session, cid, OCT, OCT))
    _pay(session, place, 2, "200.00", datetime(2024, 11, 3, 2, tzinfo=UTC))
    late = item(session, place, ChargeKind.PER_AREA_MONTH, "2.00", code="late", account="6002")
    billing.post_run(session, cid, late, NOV, actor="m", issued_on=date(2024, 11, 2))
    after = (collection_section(session, cid, OCT, OCT), arrears_section(session, cid, OCT, OCT))
    assert after[0] is not None
    assert before[0] is not None
    # The new item (billed from November) shows with nothing for October; all else as before.
    assert after[0].rows[0] == before[0].rows[0]
    assert after[0].rows[1][1:3] == (0, 0)
    assert after[0].rows[1][3] == "—"
    assert after[1] == before[1]
    # November's notice sees the November payment, as collected for earlier months.
    november = collection_section(session, cid, NOV, NOV)
    assert november is not None
    assert november.rows[0][4] == 20000


def test_no_names_and_no_rooms_even_where_the_terms_allow_rooms(session: Session) -> None:
    place = _community(session)
    session.add(
        Terms(
            community_id=place.community_id, late_fee_bp=0, late_fee_from_day=1,
            late_fee_cap_bp=None, clause_ref="", public_rooms=True,
        )
    )  # fmt: skip
    session.flush()
    for section in (
        collection_section(session, place.community_id, OCT, OCT),
        arrears_section(session, place.community_id, OCT, OCT),
    ):
        assert section is not None
        text = json.dumps(section.as_record(), ensure_ascii=False)
        assert "1-1-10" not in text
        assert "业主" not in text


def test_a_community_without_billing_has_neither_section(session: Session) -> None:
    place = community_with_units(session, ["100.00"])
    assert collection_section(session, place.community_id, OCT, OCT) is None
    assert arrears_section(session, place.community_id, OCT, OCT) is None
