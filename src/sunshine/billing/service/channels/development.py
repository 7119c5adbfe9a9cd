"""The development channel: the demo's payer "pays" on our page, which notifies like a real one.

An order's pay instruction is the address of our development pay page
(`billing.pages.pay_dev`). When the payer confirms there, the page makes the notification
this channel would send — a JSON body, signed with HMAC-SHA256 over the timestamp and the
body under the development secret (headers `Sunshine-Dev-Timestamp`, `Sunshine-Dev-Signature`)
— and it goes through `online.receive_notice`, the code every channel's notification takes.
A notice signed more than `MAX_AGE` ago is refused as a replay, as WeChat Pay advises.
Answers are JSON, like WeChat Pay's.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import UTC
from datetime import datetime
from datetime import timedelta

from sunshine.billing.rules.channels import ChannelAnswer
from sunshine.billing.rules.channels import ChannelName
from sunshine.billing.rules.channels import OrderRequest
from sunshine.billing.rules.channels import PaidNotice
from sunshine.billing.rules.channels import PayInstruction
from sunshine.billing.rules.channels import Refusal
from sunshine.billing.rules.channels import Refused
from sunshine.billing.rules.channels import Verdict
from sunshine.billing.service.channels.base import Reply
from sunshine.kernel.money import Fen

TIMESTAMP = "sunshine-dev-timestamp"
SIGNATURE = "sunshine-dev-signature"
MAX_AGE = timedelta(minutes=5)
PAY_PAGE = "/pay/dev/"


class DevelopmentChannel:
    """Pays on our own page; the notice is signed with `secret`."""

    name = ChannelName.DEVELOPMENT

    def __init__(self, secret: bytes, *, base_url: str, clock: type[datetime] = datetime) -> None:
        self._secret = secret
        self._base_url = base_url.rstrip("/")
        self._clock = clock

    def create_order(self, order: OrderRequest) -> PayInstruction:
        return PayInstruction(self.name, url=f"{self._base_url}{PAY_PAGE}{order.order_no}")

    def close_order(self, order_no: str) -> None:
        """Nothing to tell: the pay page refuses an order that is not open any more."""

    def sign_notice(self, notice: PaidNotice, *, at: datetime) -> tuple[dict[str, str], bytes]:
        """The headers and body the channel would post for a paid order."""
        body = json.dumps(
            {
                "event": "PAID",
                "order_no": notice.order_no,
                "transaction_id": notice.transaction_id,
                "amount_fen": notice.amount.value,
                "paid_at": notice.paid_at.astimezone(UTC).isoformat(),
            },
            separators=(",", ":"),
        ).encode()
        timestamp = str(int(at.timestamp()))
        return {TIMESTAMP: timestamp, SIGNATURE: self._mac(timestamp, body)}, body

    def read_notice(self, headers: Mapping[str, str], body: bytes) -> Verdict:
        lowered = {key.lower(): value for key, value in headers.items()}
        timestamp, signature = lowered.get(TIMESTAMP, ""), lowered.get(SIGNATURE, "")
        if not timestamp.isdigit() or len(timestamp) > 12 or not signature:
            return Refused(Refusal.MALFORMED)
        if not hmac.compare_digest(self._mac(timestamp, body), signature):
            return Refused(Refusal.BAD_SIGNATURE)
        signed_at = datetime.fromtimestamp(int(timestamp), UTC)
        if abs(self._clock.now(UTC) - signed_at) > MAX_AGE:
            return Refused(Refusal.STALE)
        return _paid(body)

    def answer(self, outcome: ChannelAnswer) -> Reply:
        code = "SUCCESS" if outcome is ChannelAnswer.SUCCESS else "FAIL"
        status = 200 if outcome is ChannelAnswer.SUCCESS else 400
        return Reply(status, "application/json", json.dumps({"code": code}))

    def _mac(self, timestamp: str, body: bytes) -> str:
        message = timestamp.encode() + b"\n" + body
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()


def _paid(body: bytes) -> Verdict:
    try:
        data = json.loads(body)
        paid_at = datetime.fromisoformat(str(data["paid_at"]))
        notice = PaidNotice(
            order_no=str(data["order_no"]),
            transaction_id=str(data["transaction_id"]),
            amount=Fen(int(data["amount_fen"])),
            paid_at=paid_at.astimezone(UTC),
        )
        zoned = paid_at.tzinfo is not None
    except (ValueError, KeyError, TypeError, OverflowError, AttributeError):
        return Refused(Refusal.MALFORMED)
    if not zoned:
        return Refused(Refusal.MALFORMED)
    if data.get("event") != "PAID":
        return Refused(Refusal.NOT_PAID, order_no=notice.order_no)
    return notice
