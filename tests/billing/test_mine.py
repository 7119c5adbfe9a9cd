"""The owners' view of their money (service.mine): whose bills, ageing, choosing bills to pay."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from sunshine.billing import service as billing
from sunshine.billing.service import mine
from sunshine.billing.service import online
from sunshine.billing.service.channels.registry import channel_named
from sunshine.billing.service.terms import set_terms
from sunshine.infra import clock
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.kernel.money import Fen
from tests.billing.builders import bills_of
from tests.billing.builders import pay
from tests.billing.owners import Owners
from tests.billing.owners import owners_and_bills

ON = date(2024, 11, 15)  # September's bill is 46 days late, October's 15


@pytest.fixture
def owners(session: Session) -> Owners:
    return owners_and_bills(session)


def _seen(session: Session, owners: Owners, user_id: int) -> dict[str, list[str]]:
    money = mine.my_money(session, owners.place.community_id, user_id, ON)
    return {
        unit.number: [f"{line.item_name} {line.bill.period} {line.owed}" for line in unit.open]
        for unit in money.units
    }


def test_an_owner_sees_the_bills_issued_to_them_and_their_co_owner_those_of_their_unit(
    session: Session, owners: Owners
) -> None:
    seen = _seen(session, owners, owners.owner.id)

    ours = ["垃圾清运费 2024-01 100.00", "物业服务费 2024-09 100.00", "物业服务费 2024-10 100.00"]
    alone = ["垃圾清运费 2024-01 100.00", "物业服务费 2024-09 60.00", "物业服务费 2024-10 60.00"]
    assert seen == {"1-1-101": ours, "1-1-104": alone}
    assert _seen(session, owners, owners.co_owner.id) == {"1-1-101": ours}
    assert "1-1-101" not in _seen(session, owners, owners.neighbour.id)


def test_the_tenant_sees_what_the_resident_pays_and_the_landlord_the_rest(
    session: Session, owners: Owners
) -> None:
    assert _seen(session, owners, owners.tenant.id) == {"1-1-103": ["垃圾清运费 2024-01 100.00"]}
    assert _seen(session, owners, owners.landlord.id) == {
        "1-1-103": ["物业服务费 2024-09 80.00", "物业服务费 2024-10 80.00"]
    }


def test_what_is_due_overdue_by_band_paid_and_prepaid(session: Session, owners: Owners) -> None:
    unit = owners.place.units[0]
    pay(session, owners.place, unit, "250.00")  # January's garbage, September's fee, half Oct

    money = mine.my_money(session, owners.place.community_id, owners.co_owner.id, ON)

    [mine_] = money.units
    assert [line.bill.period.month for line in mine_.paid] == [9, 1]
    [october] = mine_.open
    assert (october.owed, october.days_late, october.band) == (Fen(5000), 15, 0)
    assert money.total_due == Fen(5000)
    assert money.bands == (Fen(5000), Fen(0), Fen(0), Fen(0))
    assert money.prepaid == Fen(0)
    pay(session, owners.place, unit, "80.00")  # the rest of October and 30.00 ahead
    again = mine.my_money(session, owners.place.community_id, owners.co_owner.id, ON)
    assert (again.total_due, again.overdue, again.prepaid) == (Fen(0), Fen(0), Fen(3000))


def test_only_ones_own_open_bills_of_one_unit_can_be_chosen(
    session: Session, owners: Owners
) -> None:
    cid = owners.place.community_id
    mine_ = [
        b.id
        for b in bills_of(session, owners.place, owners.fee)
        if b.unit_id == owners.place.units[0]
    ]
    theirs = [
        b.id
        for b in bills_of(session, owners.place, owners.fee)
        if b.unit_id != owners.place.units[0]
    ]

    chosen = mine.choose_bills(session, cid, owners.owner.id, mine_)

    assert (chosen.unit_id, chosen.amount) == (owners.place.units[0], Fen(20000))
    for wrong in ([], [theirs[0]], [mine_[0], theirs[0]], [999_999]):
        with pytest.raises(Invalid):
            mine.choose_bills(session, cid, owners.owner.id, wrong)
    pay(session, owners.place, owners.place.units[0], "300.00")
    with pytest.raises(Invalid):  # paid now
        mine.choose_bills(session, cid, owners.owner.id, mine_)


def test_paying_online_opens_an_order_for_the_chosen_bills_that_only_its_unit_sees(
    session: Session, owners: Owners
) -> None:
    cid = owners.place.community_id
    [september, _october] = [
        b for b in bills_of(session, owners.place, owners.fee) if b.unit_id == owners.place.units[0]
    ]
    channel = channel_named("development")
    assert channel is not None

    opened = mine.pay_online(
        session, cid, owners.owner.id, [september.id], channel=channel, now=clock.now(), minutes=30
    )

    order = opened.order
    assert (order.unit_id, order.amount) == (owners.place.units[0], Fen(10000))
    assert opened.instruction.url.endswith(f"/pay/dev/{order.order_no}")
    assert mine.my_order(session, cid, owners.co_owner.id, order.order_no) is order
    for stranger in (owners.neighbour, owners.tenant):
        with pytest.raises(NotFound):
            mine.my_order(session, cid, stranger.id, order.order_no)
    assert mine.receipt_of_order(session, order) is None  # not paid yet
    assert mine.order_bills(session, order) == [september]


def test_a_booked_payments_receipt_is_found_from_its_entry(
    session: Session, owners: Owners
) -> None:
    cid = owners.place.community_id
    channel = channel_named("development")
    assert channel is not None
    payment = pay(session, owners.place, owners.place.units[0], "100.00")
    order = online.open_order(
        session, cid, unit_id=owners.place.units[0], amount=Fen(10000), description="x",
        channel=channel, now=clock.now(), minutes=30,
    ).order  # fmt: skip
    order.entry_id, order.payment_id = payment.entry_id, payment.id  # as booking leaves it

    receipt = mine.receipt_of_order(session, order)

    assert receipt is not None
    assert receipt.number == payment.receipt_no
    assert [row.receipt.number for row in mine.my_receipts(session, cid, owners.owner.id)] == [
        receipt.number
    ]
    assert mine.my_receipts(session, cid, owners.neighbour.id) == []
    assert mine.may_see_unit(session, cid, owners.owner.id, owners.place.units[0])
    assert not mine.may_see_unit(session, cid, owners.tenant.id, owners.place.units[0])
    assert billing.prepayment_of(session, cid, owners.place.units[0]) == Fen(0)


def test_late_fees_are_shown_only_with_the_contracts_clause_and_never_added(
    session: Session, owners: Owners
) -> None:
    cid = owners.place.community_id
    before = mine.my_money(session, cid, owners.co_owner.id, ON)
    set_terms(session, cid, late_fee_bp=5, clause_ref="第十二条")  # 0.05% a day

    after = mine.my_money(session, cid, owners.co_owner.id, ON)

    assert before.late_fees == Fen(0)
    fees = [line.late_fee for line in after.units[0].open]
    # January's 100.00 is 289 days late (14.45), September's 46 (2.30), October's 15 (0.75)
    assert fees == [Fen(1445), Fen(230), Fen(75)]
    assert after.total_due == before.total_due  # shown beside, never added to what is owed
    assert after.clause.ref == "第十二条"
