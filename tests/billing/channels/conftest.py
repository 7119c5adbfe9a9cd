"""A community with its chart and a unit, and the three channels installed with test keys."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from sunshine.billing.service import online
from sunshine.billing.service.channels import registry
from sunshine.billing.service.channels.base import Channel
from sunshine.infra import clock
from sunshine.kernel.money import Fen
from sunshine.ledger import service as ledger
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
    session: Session, place: Place, channel: Channel, amount: int = 8850, *, minutes: int = 30
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
    )
    return opened.order.order_no
