"""A community with its chart and a unit, and the three channels installed with test keys."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from sunshine.billing import service as billing
from sunshine.billing.rules.charges import ChargeKind
from sunshine.billing.rules.charges import Liable
from sunshine.billing.service import online
from sunshine.billing.service import receipts
from sunshine.billing.service.channels import registry
from sunshine.billing.service.channels.base import Channel
from sunshine.infra import clock
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import service as ledger
from sunshine.registry import service as units
from tests.billing.channels import senders
from tests.factories import make_community
from tests.factories import make_unit


@dataclass
class Channels:
    wechat: Channel
    alipay: Channel
    development: senders.DevelopmentChannel


@pytest.fixture
def wechat_server(monkeypatch: pytest.MonkeyPatch) -> senders.WeChatPayServer:
    server = senders.WeChatPayServer()
    monkeypatch.setattr("wechatpayv3.core.requests.post", server.post)
    return server


@pytest.fixture
def channels(tmp_path: Path, wechat_server: senders.WeChatPayServer) -> Iterator[Channels]:
    installed = Channels(
        senders.wechat_channel(tmp_path / "wechat-certs"),
        senders.alipay_channel(),
        senders.dev_channel(),
    )
    for channel in (installed.wechat, installed.alipay, installed.development):
        registry.use_channel(channel)
    yield installed
    registry.forget_channels()


@dataclass
class Place:
    community_id: int
    unit_id: int


@pytest.fixture
def place(session: Session) -> Place:
    community = make_community(session)
    ledger.open_chart(session, community.id, on=dt.date(2024, 9, 1))
    unit = make_unit(session, community)
    return Place(community.id, unit.id)


def open_order(
    session: Session,
    place: Place,
    channel: Channel,
    amount: int = 8850,
    *,
    minutes: int = 30,
    bill_ids: list[int] | None = None,
) -> str:
    opened = online.open_order(
        session,
        place.community_id,
        unit_id=place.unit_id,
        amount=Fen(amount),
        description="物业费",
        channel=channel,
        now=clock.now(),
        minutes=minutes,
        bill_ids=bill_ids,
    )
    return opened.order.order_no


def bill_for(session: Session, place: Place, fen: int) -> int:
    """The unit, owned, billed `fen` once (September 2024, one-off); the bill's id."""
    party = units.add_party(session, place.community_id, name="业主甲")
    units.set_owner(session, place.community_id, unit_id=place.unit_id, party_id=party.id)
    item = billing.add_item(
        session,
        place.community_id,
        code="once",
        name="维修分摊",
        kind=ChargeKind.ONE_OFF,
        account_code="6001",
        liable=Liable.OWNER,
        first_month=1,
    )
    billing.set_rate(
        session,
        place.community_id,
        item.id,
        rate=Fen(fen),
        effective_from=dt.date(2024, 9, 1),
        actor="t",
    )
    billing.post_run(session, place.community_id, item.id, Period(2024, 9), actor="t")
    [bill] = billing.unit_bills(session, place.community_id, place.unit_id)
    return bill.id


def paid_with_receipt(session: Session, place: Place, order_no: str) -> tuple[int, int]:
    """The order's payment's (what it paid of bills, receipt number); its entry is the order's."""
    order = online.find_order(session, place.community_id, order_no)
    assert order.payment_id is not None
    payment = billing.get_payment(session, place.community_id, order.payment_id)
    assert (payment.entry_id, payment.method) == (order.entry_id, "online")
    receipt = receipts.receipt_of_payment(session, place.community_id, payment.id)
    assert receipt is not None
    paid = billing.allocations_of(session, place.community_id, payment.id)
    return sum(row.amount_fen.value for row in paid), receipt.number
