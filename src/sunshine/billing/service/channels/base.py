"""The one interface every online payment channel offers.

A channel turns our order into what the payer's phone needs, closes an order it no longer
should take, and reads one of its notifications: the signature verified with the keys we
hold, the result a `PaidNotice` or a `Refused` with the reason. It never touches the
database; `billing.service.online` checks the notice against our own order and books it.
Each channel answers its notifications in its own format (`answer`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from sunshine.billing.rules.channels import ChannelAnswer
from sunshine.billing.rules.channels import ChannelName
from sunshine.billing.rules.channels import OrderRequest
from sunshine.billing.rules.channels import PayInstruction
from sunshine.billing.rules.channels import Verdict


@dataclass(frozen=True, slots=True)
class Reply:
    """An answer to a channel's notification: the HTTP status, media type and body."""

    status: int
    media_type: str
    body: str


class Channel(Protocol):
    """One online payment channel (WeChat Pay v3, Alipay, development)."""

    name: ChannelName

    def create_order(self, order: OrderRequest) -> PayInstruction:
        """Place the order with the channel; what the payer's phone opens or shows."""
        ...

    def close_order(self, order_no: str) -> None:
        """Tell the channel to take no payment for the order any more."""
        ...

    def read_notice(self, headers: Mapping[str, str], body: bytes) -> Verdict:
        """Verify a notification's signature and read it; never raises for bad input."""
        ...

    def answer(self, outcome: ChannelAnswer) -> Reply:
        """How this channel expects to be answered."""
        ...
