"""POST /api/v1/pay/notify/{channel}, for each channel, on both databases.

The money is booked exactly once (one payment: Dr 1001 / Cr 1122 for the bill the payer
chose, Cr 2203 the rest; one ledger entry, one receipt) however often the notice comes; forged, mismatched and unknown notices are refused, answered in the
channel's format and kept with their reason; an order paid after it expired is booked
once and flagged.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.billing.models.orders import RefusedNotice
from sunshine.billing.rules.channels import OrderStatus
from sunshine.billing.rules.channels import PaidNotice
from sunshine.billing.rules.channels import Refusal
from sunshine.billing.service import online
from sunshine.billing.service import online_booking
from sunshine.infra import clock
from sunshine.kernel.money import Fen
from sunshine.ledger import service as ledger
from tests.billing.channels import senders
from tests.billing.channels.conftest import Channels
from tests.billing.channels.conftest import Place
from tests.billing.channels.conftest import bill_for
from tests.billing.channels.conftest import open_order
from tests.billing.channels.conftest import paid_with_receipt

CHANNELS = ["wechat", "alipay", "development"]


def notification(
    channels: Channels, name: str, order_no: str, txn: str, amount: int, *, forged: bool = False
) -> tuple[dict[str, str], bytes]:
    """A genuine notification from channel `name` (or one signed with a forger's key)."""
    signer = "forger" if forged else None
    if name == "wechat":
        notice = senders.WeChatNotice(order_no, txn, amount)
        return senders.wechat_notification(notice, **({"signer": signer} if signer else {}))
    if name == "alipay":
        form = senders.alipay_form(
            order_no, txn, Fen(amount).plain(), **({"signer": signer} if signer else {})
        )
        return senders.alipay_notification(form)
    now = clock.now()
    dev = senders.DevelopmentChannel(b"forger", base_url="x") if forged else channels.development
    return dev.sign_notice(PaidNotice(order_no, txn, Fen(amount), now), at=now)


def post(client: TestClient, name: str, message: tuple[dict[str, str], bytes]) -> Response:
    headers, body = message
    return client.post(f"/api/v1/pay/notify/{name}", headers=headers, content=body)


def succeeded(name: str, response: Response) -> bool:
    if name == "alipay":
        return response.status_code == 200 and response.text == "success"
    return response.status_code == 200 and response.json() == {"code": "SUCCESS"}


def failed(name: str, response: Response) -> bool:
    if name == "alipay":
        return response.text == "fail"
    return response.status_code == 400 and response.json()["code"] == "FAIL"


def refusals(session: Session) -> list[Refusal]:
    return list(session.scalars(select(RefusedNotice.reason).order_by(RefusedNotice.id)))


def booked(session: Session, place: Place, name: str, txn: str) -> int | None:
    entry = ledger.find_entry_by_external_id(session, place.community_id, f"pay:{name}:{txn}")
    return None if entry is None else entry.id


@pytest.mark.parametrize("name", CHANNELS)
def test_a_notification_twice_books_once(
    client: TestClient, session: Session, place: Place, channels: Channels, name: str
) -> None:
    bill = bill_for(session, place, 6000)
    order_no = open_order(session, place, getattr(channels, name), bill_ids=[bill])
    entries = ledger.entry_count(session, place.community_id)
    message = notification(channels, name, order_no, "T0001", 8850)

    first, second = post(client, name, message), post(client, name, message)

    assert succeeded(name, first), first.text
    assert succeeded(name, second), second.text  # a duplicate is answered as success
    order = online.find_order(session, place.community_id, order_no)
    assert (order.status, order.transaction_id, order.flag) == (OrderStatus.PAID, "T0001", "")
    assert order.entry_id is None  # booked moments later, in a batch
    assert online_booking.book_paid_orders(session, place.community_id) == 1
    assert online_booking.book_paid_orders(session, place.community_id) == 0
    assert ledger.entry_count(session, place.community_id) == entries + 1
    assert booked(session, place, name, "T0001") == order.entry_id
    assert paid_with_receipt(session, place, order_no) == (6000, 1)  # the bill, receipt No. 1
    today = clock.today()
    assert ledger.trust_bank_balance(session, place.community_id, on=today) == Fen(8850)
    prepaid = ledger.account_balance(session, place.community_id, account_code="2203", on=today)
    assert prepaid == Fen(-2850)
    owed = ledger.account_balance(session, place.community_id, account_code="1122", on=today)
    assert owed == Fen(0)
    assert refusals(session)[-1:] == [Refusal.DUPLICATE]


@pytest.mark.parametrize("name", CHANNELS)
def test_a_forged_notification_is_refused_and_kept(
    client: TestClient, session: Session, place: Place, channels: Channels, name: str
) -> None:
    order_no = open_order(session, place, getattr(channels, name))

    response = post(
        client, name, notification(channels, name, order_no, "T0002", 8850, forged=True)
    )

    assert failed(name, response), response.text
    assert online.find_order(session, place.community_id, order_no).status is OrderStatus.CREATED
    assert booked(session, place, name, "T0002") is None
    row = session.scalars(select(RefusedNotice).order_by(RefusedNotice.id.desc())).first()
    assert row is not None
    assert (row.channel, row.reason) == (name, Refusal.BAD_SIGNATURE)
    assert len(row.body_sha256) == 64


@pytest.mark.parametrize("name", CHANNELS)
def test_another_amount_is_refused(
    client: TestClient, session: Session, place: Place, channels: Channels, name: str
) -> None:
    order_no = open_order(session, place, getattr(channels, name), 8850)

    response = post(client, name, notification(channels, name, order_no, "T0003", 1))

    assert failed(name, response)
    assert online.find_order(session, place.community_id, order_no).status is OrderStatus.CREATED
    assert refusals(session)[-1] is Refusal.AMOUNT_MISMATCH
    assert booked(session, place, name, "T0003") is None


@pytest.mark.parametrize("name", CHANNELS)
def test_an_unknown_order_is_refused(
    client: TestClient, session: Session, place: Place, channels: Channels, name: str
) -> None:
    open_order(session, place, getattr(channels, name))
    unknown = f"{place.community_id}P20261203000000deadbeef"

    for order_no in (unknown, "not-ours"):
        response = post(client, name, notification(channels, name, order_no, "T0004", 8850))
        assert failed(name, response)
    assert refusals(session)[-2:] == [Refusal.UNKNOWN_ORDER, Refusal.UNKNOWN_ORDER]


def test_a_replay_after_success_books_nothing_and_another_transaction_is_refused(
    client: TestClient, session: Session, place: Place, channels: Channels
) -> None:
    order_no = open_order(session, place, channels.wechat)
    first = post(client, "wechat", notification(channels, "wechat", order_no, "T1", 8850))
    assert succeeded("wechat", first)
    assert online_booking.book_paid_orders(session, place.community_id) == 1
    entries = ledger.entry_count(session, place.community_id)

    replay = post(client, "wechat", notification(channels, "wechat", order_no, "T1", 8850))
    other = post(client, "wechat", notification(channels, "wechat", order_no, "T2", 8850))
    old = senders.wechat_notification(
        senders.WeChatNotice(order_no, "T1", 8850),
        at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=30),
    )
    stale = post(client, "wechat", old)

    assert succeeded("wechat", replay)
    assert failed("wechat", other)
    assert failed("wechat", stale)
    assert online_booking.book_paid_orders(session, place.community_id) == 0
    assert ledger.entry_count(session, place.community_id) == entries
    assert refusals(session)[-3:] == [Refusal.DUPLICATE, Refusal.OTHER_TRANSACTION, Refusal.STALE]


def test_a_notice_for_another_channels_order_is_refused(
    client: TestClient, session: Session, place: Place, channels: Channels
) -> None:
    order_no = open_order(session, place, channels.alipay)

    response = post(client, "wechat", notification(channels, "wechat", order_no, "T5", 8850))

    assert failed("wechat", response)
    assert refusals(session)[-1] is Refusal.WRONG_CHANNEL


def test_an_expired_order_is_closed_at_its_channel_and_a_late_payment_booked_once_flagged(
    client: TestClient,
    session: Session,
    place: Place,
    channels: Channels,
    wechat_server: senders.WeChatPayServer,
) -> None:
    order_no = open_order(session, place, channels.wechat, minutes=1)
    fresh = open_order(session, place, channels.wechat)
    later = clock.now() + dt.timedelta(minutes=2)

    closed = online.close_expired(session, place.community_id, now=later)

    assert closed == [order_no]
    assert wechat_server.calls[-1][0] == f"/v3/pay/transactions/out-trade-no/{order_no}/close"
    order = online.find_order(session, place.community_id, order_no)
    assert order.status is OrderStatus.EXPIRED
    assert online.find_order(session, place.community_id, fresh).status is OrderStatus.CREATED
    assert online.close_expired(session, place.community_id, now=later) == []

    late = notification(channels, "wechat", order_no, "T6", 8850)
    assert succeeded("wechat", post(client, "wechat", late))
    assert succeeded("wechat", post(client, "wechat", late))
    assert online_booking.book_paid_orders(session, place.community_id) == 1
    order = online.find_order(session, place.community_id, order_no)
    assert (order.status, order.flag) == (OrderStatus.PAID, "paid_after_expired")
    assert booked(session, place, "wechat", "T6") == order.entry_id


def test_a_wechat_order_gets_a_code_url_from_the_channel(
    session: Session, place: Place, channels: Channels, wechat_server: senders.WeChatPayServer
) -> None:
    opened = online.open_order(
        session,
        place.community_id,
        unit_id=place.unit_id,
        amount=Fen(12345),
        description="物业费",
        channel=channels.wechat,
        now=clock.now(),
        minutes=30,
    )

    assert opened.instruction.code_url.startswith("weixin://wxpay/bizpayurl")
    path, sent = wechat_server.calls[-1]
    assert path == "/v3/pay/transactions/native"
    assert sent["out_trade_no"] == opened.order.order_no
    assert sent["amount"] == {"total": 12345, "currency": "CNY"}
    assert str(sent["notify_url"]).endswith("/api/v1/pay/notify/wechat")


def test_the_development_channel_end_to_end_through_the_page_and_the_endpoint(
    client: TestClient, session: Session, place: Place, channels: Channels
) -> None:
    bill = bill_for(session, place, 8850)
    order_no = open_order(session, place, channels.development, bill_ids=[bill])

    page = client.get(f"/pay/dev/{order_no}")
    assert page.status_code == 200
    assert "88.50" in page.text
    paid = client.post(f"/pay/dev/{order_no}", data={"csrf_token": "test-csrf-token"})
    assert paid.status_code == 200  # followed the redirect to the page again
    assert online_booking.book_paid_orders(session, place.community_id) == 1
    order = online.find_order(session, place.community_id, order_no)
    assert order.status is OrderStatus.PAID
    assert order.transaction_id is not None
    assert booked(session, place, "development", order.transaction_id) == order.entry_id
    assert paid_with_receipt(session, place, order_no) == (8850, 1)

    # The same notice sent again, now at the endpoint, books nothing more.
    again = channels.development.sign_notice(
        PaidNotice(order_no, order.transaction_id, Fen(8850), clock.now()), at=clock.now()
    )
    assert succeeded("development", post(client, "development", again))
    assert ledger.entry_count(session, place.community_id) == order.entry_id
    assert client.post(f"/pay/dev/{order_no}").status_code in (303, 200)  # paid: no second pay


def test_an_unknown_channel_is_not_found(client: TestClient, channels: Channels) -> None:
    response = client.post("/api/v1/pay/notify/paypal", content=b"{}")
    assert response.status_code == 404
    assert json.loads(response.text)["error"]["type"] == "NotFound"
