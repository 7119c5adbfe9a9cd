"""Online payment channels as pure values: what an order asks, what a notice says, and why not.

A channel (WeChat Pay, Alipay, the development channel) is reached through one interface
(`billing.service.channels.base.Channel`); these are the values that cross it. Money is
integer fen everywhere; Alipay's yuan strings are read exactly with `Fen.parse`.

Order numbers carry their community: `<community id>P<14 digits of time><8 hex>`, at most
32 characters of [0-9A-Za-z], which both channels accept as the merchant's order number.
A notification names only that number, so the community is read from it and every lookup
stays keyed on community_id first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sunshine.kernel.money import Fen

ORDER_NO = re.compile(r"(?P<community>[1-9][0-9]{0,8})P[0-9]{14}[0-9a-f]{8}")
ORDER_NO_MAX = 32
TXN_ID_MAX = 64
# The most one online order may take: 1,000,000.00 yuan (well inside both channels' limits).
MAX_ORDER = Fen(100_000_000)


class ChannelName(StrEnum):
    WECHAT = "wechat"
    ALIPAY = "alipay"
    DEVELOPMENT = "development"


class OrderStatus(StrEnum):
    CREATED = "created"  # sent to the channel, waiting for the payer
    PAID = "paid"  # the channel said it was paid; the money is booked
    CLOSED = "closed"  # closed by staff or the payer before it was paid
    EXPIRED = "expired"  # its time ran out and it was closed at the channel


class Refusal(StrEnum):
    """Why a notification was not booked (stored, so the values are stable)."""

    MALFORMED = "malformed"  # not in the channel's format
    BAD_SIGNATURE = "bad_signature"  # the signature does not verify: forged or altered
    UNKNOWN_KEY = "unknown_key"  # signed with a certificate or key we do not hold
    STALE = "stale"  # signed too long ago: a replay of an old request
    NOT_PAID = "not_paid"  # a genuine notice of something other than success
    UNKNOWN_ORDER = "unknown_order"  # no such order of ours
    WRONG_CHANNEL = "wrong_channel"  # the order was sent to another channel
    AMOUNT_MISMATCH = "amount_mismatch"  # the channel says another amount than we asked
    OTHER_TRANSACTION = "other_transaction"  # the order is paid already, by another txn
    DUPLICATE = "duplicate"  # the same transaction again: booked once, answered as success


@dataclass(frozen=True, slots=True)
class OrderRequest:
    """What we ask a channel for: our order number, the amount, a description, until when."""

    order_no: str
    amount: Fen
    description: str
    expires_at: datetime  # timezone-aware
    payer: str = ""  # WeChat's openid of the payer, inside WeChat (JSAPI); else Native


@dataclass(frozen=True, slots=True)
class PayInstruction:
    """What the payer's phone needs: a URL to open or to show as a QR code, or JSAPI params."""

    channel: ChannelName
    url: str = ""  # Alipay's page-pay URL; the development pay page
    code_url: str = ""  # WeChat Native: shown as a QR code
    jsapi: tuple[tuple[str, str], ...] = ()  # WeChat JSAPI: the params for wx.chooseWXPay


@dataclass(frozen=True, slots=True)
class PaidNotice:
    """A verified notification that an order was paid."""

    order_no: str
    transaction_id: str
    amount: Fen
    paid_at: datetime  # timezone-aware


@dataclass(frozen=True, slots=True)
class Refused:
    """A notification not taken: why, and what of it could be read (never personal data)."""

    reason: Refusal
    order_no: str = ""
    transaction_id: str = ""


Verdict = PaidNotice | Refused


class ChannelAnswer(StrEnum):
    """How we answered a notification; each channel writes it in its own format."""

    SUCCESS = "success"
    FAIL = "fail"


def community_of(order_no: str) -> int | None:
    """The community an order number belongs to, or None if it is not one of ours."""
    match = ORDER_NO.fullmatch(order_no)
    return int(match["community"]) if match else None


def order_number(community_id: int, at: datetime, token: str) -> str:
    """Our order number for a community at a moment (UTC), with 8 random hex digits."""
    number = f"{community_id}P{at:%Y%m%d%H%M%S}{token}"
    if ORDER_NO.fullmatch(number) is None or len(number) > ORDER_NO_MAX:
        raise ValueError(f"not an order number: {number!r}")
    return number


def check_notice(
    notice: PaidNotice, *, amount: Fen, status: OrderStatus, paid_by: str | None
) -> Refusal | None:
    """Why a verified notice does not fit our order, or None when it may be booked.

    `paid_by` is the transaction that already paid the order, if any: the same one again
    is a duplicate (answered as success, booked nothing), another one is refused.
    """
    if notice.amount != amount:
        return Refusal.AMOUNT_MISMATCH
    if status is OrderStatus.PAID:
        return Refusal.DUPLICATE if paid_by == notice.transaction_id else Refusal.OTHER_TRANSACTION
    return None


def flag_for(status: OrderStatus) -> str:
    """What staff should look at when an order is paid in this state ("" when nothing)."""
    if status in (OrderStatus.CLOSED, OrderStatus.EXPIRED):
        return f"paid_after_{status.value}"
    return ""
