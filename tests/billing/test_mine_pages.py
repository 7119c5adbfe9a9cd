"""The owners' pages through the real app: my bills, paying online through the development
channel, the order's page until the receipt, my receipts; and nobody else sees any of it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from sunshine.billing.rules.channels import OrderStatus
from sunshine.billing.service import mine
from sunshine.billing.service import online
from sunshine.billing.service import online_booking
from sunshine.billing.service.channels.registry import channel_named
from sunshine.billing.service.terms import set_terms
from sunshine.identity.rules import Role
from sunshine.infra import clock
from tests.billing.builders import bills_of
from tests.billing.builders import pay
from tests.billing.owners import Owners
from tests.billing.owners import owners_and_bills
from tests.factories import log_in
from tests.factories import make_community
from tests.factories import make_user

ZH = {"Accept-Language": "zh-CN"}


@pytest.fixture
def owners(session: Session) -> Owners:
    return owners_and_bills(session)


def _my_bill_ids(session: Session, owners: Owners) -> list[str]:
    unit = owners.place.units[0]
    return [str(b.id) for b in bills_of(session, owners.place, owners.fee) if b.unit_id == unit]


def test_an_owner_sees_their_bills_in_chinese_and_nobody_else_does(
    client: TestClient, session: Session, owners: Owners
) -> None:
    code = owners.place.community.code
    log_in(client, session, owners.owner)

    page = client.get(f"/c/{code}/my/bills", headers=ZH)

    assert page.status_code == 200
    assert "我的账单" in page.text
    assert "1-1-101" in page.text
    assert "¥300.00" in page.text  # garbage 100 + September 100 + October 100
    assert "1-1-102" not in page.text
    assert "开发渠道" in page.text
    home = client.get(f"/c/{code}", headers=ZH)
    assert f'href="/c/{code}/my/bills"' in home.text

    client.cookies.clear()
    assert client.get(f"/c/{code}/my/bills", follow_redirects=False).status_code in (303, 401)
    elsewhere = make_community(session)
    stranger = make_user(session, community=elsewhere, role=Role.TRUSTEE_STAFF)
    log_in(client, session, stranger)
    assert client.get(f"/c/{code}/my/bills").status_code == 404
    assert client.get(f"/c/{code}/my/receipts").status_code == 404
    log_in(client, session, owners.neighbour)
    theirs = client.get(f"/c/{code}/my/bills")
    assert "1-1-102" in theirs.text
    assert "1-1-101" not in theirs.text


def test_paying_online_through_the_development_channel_to_the_receipt(
    client: TestClient, session: Session, owners: Owners
) -> None:
    code, cid = owners.place.community.code, owners.place.community_id
    unit = owners.place.units[0]
    log_in(client, session, owners.owner)
    chosen = _my_bill_ids(session, owners)

    opened = client.post(
        f"/c/{code}/my/pay",
        data={"bill_ids": chosen, "channel": "development"},
        follow_redirects=False,
    )

    assert opened.status_code == 303
    cashier = opened.headers["location"]
    assert "/pay/dev/" in cashier
    order_no = cashier.rsplit("/", 1)[-1]
    order_page = f"/c/{code}/my/orders/{order_no}"
    waiting = client.get(order_page, headers=ZH)
    assert 'hx-trigger="every 2s"' in waiting.text
    assert "200.00" in waiting.text
    assert "2024年9月" in waiting.text  # the bills it pays, by month as owners write one
    assert "2024年10月" in waiting.text
    assert client.post(f"/pay/dev/{order_no}").status_code == 200  # the payer pays
    assert order_page in client.get(f"/pay/dev/{order_no}").text  # back to the merchant
    booking = client.get(f"{order_page}/status")
    assert 'data-status="paid"' in booking.text
    assert "hx-trigger" in booking.text  # still asking

    assert online_booking.book_paid_orders(session, cid) == 1
    booked = client.get(f"{order_page}/status")
    assert "hx-trigger" not in booked.text  # done: it stops asking
    order = online.find_order(session, cid, order_no)
    assert order.status is OrderStatus.PAID
    receipt = mine.receipt_of_order(session, order)
    assert receipt is not None
    assert f"/c/{code}/billing/receipts/{receipt.number}" in booked.text
    chosen_bills = [b for b in bills_of(session, owners.place, owners.fee) if str(b.id) in chosen]
    assert [b.paid_fen for b in chosen_bills] == [b.amount_fen for b in chosen_bills]
    [garbage] = [b for b in bills_of(session, owners.place, owners.garbage) if b.unit_id == unit]
    assert garbage.paid_fen.value == 0  # older, but not chosen: still open

    history = client.get(f"/c/{code}/my/receipts")
    assert order_page in history.text  # among my online payments
    log_in(client, session, owners.neighbour)
    assert order_page not in client.get(f"/c/{code}/my/receipts").text
    assert client.get(order_page).status_code == 404
    assert client.get(f"{order_page}/status").status_code == 404


def test_bills_that_are_not_ones_own_are_refused_and_no_order_is_opened(
    client: TestClient, session: Session, owners: Owners
) -> None:
    code, cid = owners.place.community.code, owners.place.community_id
    log_in(client, session, owners.neighbour)

    refused = client.post(
        f"/c/{code}/my/pay",
        data={"bill_ids": _my_bill_ids(session, owners), "channel": "development"},
    )

    assert refused.status_code == 422
    assert 'role="alert"' in refused.text
    assert online.expired_orders(session, cid, now=clock.now() + timedelta(days=1)) == []
    log_in(client, session, owners.owner)
    unknown = {"bill_ids": _my_bill_ids(session, owners), "channel": "paypal"}
    assert client.post(f"/c/{code}/my/pay", data=unknown).status_code == 422


def test_an_expired_or_closed_order_says_so(
    client: TestClient, session: Session, owners: Owners
) -> None:
    code, cid = owners.place.community.code, owners.place.community_id
    log_in(client, session, owners.owner)
    orders = []
    for _ in range(2):
        reply = client.post(
            f"/c/{code}/my/pay",
            data={"bill_ids": _my_bill_ids(session, owners), "channel": "development"},
            follow_redirects=False,
        )
        orders.append(reply.headers["location"].rsplit("/", 1)[-1])
    channel = channel_named("development")
    assert channel is not None
    online.close_order(session, cid, orders[0], channel=channel, now=clock.now())
    online.find_order(session, cid, orders[1]).expires_at = clock.now() - timedelta(minutes=1)

    closed = client.get(f"/c/{code}/my/orders/{orders[0]}", headers=ZH)
    expired = client.get(f"/c/{code}/my/orders/{orders[1]}/status", headers=ZH)

    assert "该订单已关闭" in closed.text
    assert "hx-trigger" not in closed.text
    assert "该订单已过期" in expired.text
    assert "hx-trigger" not in expired.text


def test_my_receipts_list_each_receipt_with_its_check_code_and_only_mine(
    client: TestClient, session: Session, owners: Owners
) -> None:
    code = owners.place.community.code
    payment = pay(session, owners.place, owners.place.units[0], "120.00")
    log_in(client, session, owners.owner)

    page = client.get(f"/c/{code}/my/receipts")

    assert payment.receipt_no is not None
    receipt = f"/c/{code}/billing/receipts/{payment.receipt_no}"
    assert receipt in page.text
    shown = client.get(receipt)
    assert shown.status_code == 200
    assert f"/c/{code}/my/receipts" in shown.text  # the owner's way around, not the desk's
    assert f"/c/{code}/billing/units" not in shown.text
    assert client.get(f"{receipt}/receipt.pdf").content.startswith(b"%PDF")
    for stranger in (owners.neighbour, owners.tenant):
        log_in(client, session, stranger)
        assert receipt not in client.get(f"/c/{code}/my/receipts").text
        assert client.get(receipt).status_code == 404
        assert client.get(f"{receipt}/receipt.pdf").status_code == 404


def test_a_late_fee_is_shown_flagged_as_a_court_may_reduce_it(
    client: TestClient, session: Session, owners: Owners
) -> None:
    set_terms(session, owners.place.community_id, late_fee_bp=5, clause_ref="第十二条")
    log_in(client, session, owners.owner)

    page = client.get(f"/c/{owners.place.community.code}/my/bills", headers=ZH)

    assert "第十二条" in page.text
    assert "可由法院酌减" in page.text
