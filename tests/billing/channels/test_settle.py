"""Paid orders booked as payments (`online_settle`): the bills chosen, once per transaction,
the day booked, on both databases."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from sunshine.billing import service as billing
from sunshine.billing.models.orders import OnlineOrder
from sunshine.billing.rules.channels import OrderStatus
from sunshine.billing.service import online
from sunshine.billing.service import online_booking
from sunshine.billing.service.online_settle import payment_key
from sunshine.billing.service.online_settle import settle_paid_orders
from sunshine.entrypoints.cli import app
from sunshine.infra import clock
from sunshine.kernel.errors import Invalid
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import service as ledger
from tests.billing.channels import senders
from tests.billing.channels.conftest import Place
from tests.billing.channels.conftest import bill_for
from tests.billing.channels.conftest import open_order
from tests.billing.channels.conftest import paid_with_receipt
from tests.factories import make_community
from tests.factories import make_unit


def _paid(session: Session, place: Place, order_no: str, txn: str, at: dt.datetime) -> OnlineOrder:
    """The order marked paid as a notification marks it (booked later, in a batch)."""
    order = online.find_order(session, place.community_id, order_no)
    order.status, order.transaction_id, order.paid_at = OrderStatus.PAID, txn, at
    session.flush()
    return order


def test_a_bill_paid_at_the_desk_meanwhile_leaves_the_money_as_a_prepayment(
    session: Session, place: Place
) -> None:
    bill = bill_for(session, place, 6000)
    order_no = open_order(session, place, senders.dev_channel(), 6000, bill_ids=[bill])
    billing.take_payment(
        session,
        community_id=place.community_id,
        unit_id=place.unit_id,
        amount=Fen(6000),
        method="cash",
        reference="",
        received_at=clock.now(),
        actor="clerk",
    )
    _paid(session, place, order_no, "T1", clock.now())

    assert online_booking.book_paid_orders(session, place.community_id) == 1

    assert paid_with_receipt(session, place, order_no) == (0, 2)  # the desk had receipt No. 1
    assert billing.prepayment_of(session, place.community_id, place.unit_id) == Fen(6000)
    [row] = billing.unit_bills(session, place.community_id, place.unit_id)
    assert row.paid_fen == row.amount_fen  # paid once, at the desk


def test_an_order_booked_again_finds_its_payment(session: Session, place: Place) -> None:
    bill_for(session, place, 6000)
    order = _paid(
        session, place, open_order(session, place, senders.dev_channel()), "T2", clock.now()
    )
    settle_paid_orders(session, place.community_id, [order])
    first, entries = order.payment_id, ledger.entry_count(session, place.community_id)
    order.payment_id = order.entry_id = None  # as if a second booker had read it unbooked

    settle_paid_orders(session, place.community_id, [order])

    assert order.payment_id == first
    assert ledger.entry_count(session, place.community_id) == entries


def test_a_long_transaction_is_hashed_into_the_payment_key() -> None:
    long = "X" * 64
    key = payment_key("development", long)
    assert len(key) == 64
    assert key.startswith("pay:development:sha256:")
    assert key != payment_key("development", "Y" * 64)
    assert payment_key("wechat", "4200001") == "pay:wechat:4200001"


def test_money_paid_in_a_closed_month_is_booked_today(session: Session, place: Place) -> None:
    order_no = open_order(session, place, senders.dev_channel())
    ledger.close_period(session, place.community_id, period=Period(2024, 9), actor_id=None)
    order = _paid(session, place, order_no, "T3", dt.datetime(2024, 9, 30, 3, tzinfo=dt.UTC))

    settle_paid_orders(session, place.community_id, [order])

    assert order.entry_id is not None
    assert ledger.get_entry(session, place.community_id, order.entry_id).booked_on == clock.today()


def test_an_order_names_only_open_bills_of_its_unit(session: Session, place: Place) -> None:
    bill = bill_for(session, place, 6000)
    with pytest.raises(Invalid):
        open_order(session, place, senders.dev_channel(), bill_ids=[bill + 1])
    with pytest.raises(Invalid):
        open_order(session, place, senders.dev_channel(), bill_ids=[])
    order_no = open_order(session, place, senders.dev_channel(), bill_ids=[bill, bill])
    assert online.find_order(session, place.community_id, order_no).chosen_bills == [bill]


def test_the_cli_opens_an_order_for_the_bills_chosen(cli_database: Engine) -> None:
    with Session(cli_database) as session:
        community = make_community(session)
        ledger.open_chart(session, community.id, on=dt.date(2024, 9, 1))
        place = Place(community.id, make_unit(session, community, number="1-1-101").id)
        bill = bill_for(session, place, 6000)
        code = community.code
        session.commit()
    done = CliRunner().invoke(
        app, ["billing", "orders", "open", code, "1-1-101", "60", "--bill", str(bill)]
    )
    assert done.exit_code == 0, done.output
    with Session(cli_database) as session:
        order = online.find_order(session, place.community_id, done.output.split()[0])
        assert order.chosen_bills == [bill]


def test_two_orders_for_the_same_bill_in_one_batch_pay_it_once(
    session: Session, place: Place
) -> None:
    bill = bill_for(session, place, 6000)
    numbers = [
        open_order(session, place, senders.dev_channel(), 6000, bill_ids=[bill]) for _ in range(2)
    ]
    for n, order_no in enumerate(numbers):
        _paid(session, place, order_no, f"TWICE{n}", clock.now())

    assert online_booking.book_paid_orders(session, place.community_id) == 2

    paid = [paid_with_receipt(session, place, order_no) for order_no in numbers]
    assert paid == [(6000, 1), (0, 2)]  # the second is the unit's prepayment
    assert billing.prepayment_of(session, place.community_id, place.unit_id) == Fen(6000)
