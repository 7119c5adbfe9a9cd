r"""WeChat Pay, API v3, through the maintained SDK `wechatpayv3`.

Native pay: an order gets a `code_url` that the payer's phone scans; inside WeChat, with the
payer's openid, JSAPI: the signed parameters for WeixinJSBridge. A notification is a JSON body with
its `resource` encrypted by AES-256-GCM under the API v3 key, signed by WeChat Pay over
`timestamp\nnonce\nbody\n` (headers Wechatpay-Timestamp, -Nonce, -Signature, -Serial).

Constructed without the network: the SDK fetches platform certificates from WeChat Pay
when it holds none (and again for any serial it does not know), so we give it either
WeChat Pay's public key and its id, or a folder of platform certificates that it loads
itself, and we refuse a notification signed with any other serial before the SDK sees it.
A notification signed more than five minutes ago is refused as a replay (WeChat Pay's
advice); WeChat signs each delivery, retries included, afresh.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from wechatpayv3 import WeChatPay
from wechatpayv3 import WeChatPayType

from sunshine.billing.rules.channels import ChannelAnswer
from sunshine.billing.rules.channels import ChannelName
from sunshine.billing.rules.channels import OrderRequest
from sunshine.billing.rules.channels import PaidNotice
from sunshine.billing.rules.channels import PayInstruction
from sunshine.billing.rules.channels import Refusal
from sunshine.billing.rules.channels import Refused
from sunshine.billing.rules.channels import Verdict
from sunshine.billing.service.channels.base import Reply
from sunshine.infra.clock import SHANGHAI
from sunshine.kernel.errors import Busy
from sunshine.kernel.errors import Invalid
from sunshine.kernel.money import Fen

MAX_AGE = timedelta(minutes=5)
PAID_EVENT = "TRANSACTION.SUCCESS"
TIMEOUT = (5, 10)  # seconds to connect, to read


@dataclass(frozen=True, slots=True)
class WeChatConfig:
    """The merchant's keys; `platform_cert_dir` or (`public_key`, `public_key_id`) verify."""

    mchid: str
    appid: str
    private_key: str  # PEM
    cert_serial_no: str
    apiv3_key: str
    notify_url: str
    platform_cert_dir: Path | None = None
    public_key: str | None = None  # PEM
    public_key_id: str | None = None


class WeChatPayChannel:
    name = ChannelName.WECHAT

    def __init__(self, config: WeChatConfig, *, clock: type[datetime] = datetime) -> None:
        self._config = config
        self._clock = clock
        self._serials = _known_serials(config)
        self._pay = WeChatPay(
            wechatpay_type=WeChatPayType.NATIVE,
            mchid=config.mchid,
            private_key=config.private_key,
            cert_serial_no=config.cert_serial_no,
            appid=config.appid,
            apiv3_key=config.apiv3_key,
            notify_url=config.notify_url,
            cert_dir=str(config.platform_cert_dir) if config.platform_cert_dir else None,
            public_key=config.public_key,
            public_key_id=config.public_key_id,
            timeout=TIMEOUT,
        )

    def create_order(self, order: OrderRequest) -> PayInstruction:
        """Native (a code_url to show as a QR code), or JSAPI when the payer's openid is known."""
        pay_type = WeChatPayType.JSAPI if order.payer else WeChatPayType.NATIVE
        code, message = self._call(
            self._pay.pay,
            description=order.description,
            out_trade_no=order.order_no,
            amount={"total": order.amount.value, "currency": "CNY"},
            time_expire=order.expires_at.astimezone(SHANGHAI).isoformat(timespec="seconds"),
            payer={"openid": order.payer} if order.payer else None,
            pay_type=pay_type,
        )
        if code != 200:
            raise Invalid("the payment channel refused the order: {why}", args={"why": message})
        answer = json.loads(message)
        if pay_type is WeChatPayType.NATIVE:
            return PayInstruction(self.name, code_url=str(answer["code_url"]))
        return PayInstruction(self.name, jsapi=self._jsapi(str(answer["prepay_id"])))

    def _jsapi(self, prepay_id: str) -> tuple[tuple[str, str], ...]:
        """The parameters of WeixinJSBridge's getBrandWCPayRequest, signed with our key."""
        timestamp = str(int(self._clock.now(UTC).timestamp()))
        nonce = secrets.token_hex(16)
        package = f"prepay_id={prepay_id}"
        signature = self._pay.sign([self._config.appid, timestamp, nonce, package])
        return (
            ("appId", self._config.appid),
            ("timeStamp", timestamp),
            ("nonceStr", nonce),
            ("package", package),
            ("signType", "RSA"),
            ("paySign", signature),
        )

    def close_order(self, order_no: str) -> None:
        code, message = self._call(self._pay.close, out_trade_no=order_no)
        if code not in (200, 204):
            raise Invalid("the payment channel refused to close: {why}", args={"why": message})

    def read_notice(self, headers: Mapping[str, str], body: bytes) -> Verdict:
        lowered = {key.lower(): value for key, value in headers.items()}
        serial, timestamp = lowered.get("wechatpay-serial", ""), lowered.get("wechatpay-timestamp")
        if not timestamp or not timestamp.isdigit() or len(timestamp) > 12:
            return Refused(Refusal.MALFORMED)
        if not _known(serial, self._config.public_key_id, self._serials):
            return Refused(Refusal.UNKNOWN_KEY)  # the SDK would go and fetch certificates
        signed_at = datetime.fromtimestamp(int(timestamp), UTC)
        if abs(self._clock.now(UTC) - signed_at) > MAX_AGE:
            return Refused(Refusal.STALE)
        try:
            data = self._pay.callback(lowered, body)
        except Exception:  # noqa: BLE001 - the SDK raises bare Exception for bad input
            return Refused(Refusal.MALFORMED)
        if not data:  # signature or decryption failed
            return Refused(Refusal.BAD_SIGNATURE)
        return self._paid(data)

    def answer(self, outcome: ChannelAnswer) -> Reply:
        if outcome is ChannelAnswer.SUCCESS:
            return Reply(200, "application/json", json.dumps({"code": "SUCCESS"}))
        failed = {"code": "FAIL", "message": "失败"}
        return Reply(400, "application/json", json.dumps(failed, ensure_ascii=False))

    def _paid(self, data: dict[str, Any]) -> Verdict:
        try:
            resource = data["resource"]
            notice = PaidNotice(
                order_no=str(resource["out_trade_no"]),
                transaction_id=str(resource["transaction_id"]),
                amount=Fen(int(resource["amount"]["total"])),
                paid_at=datetime.fromisoformat(str(resource["success_time"])).astimezone(UTC),
            )
            mine = resource["mchid"] == self._config.mchid
            paid = data["event_type"] == PAID_EVENT and resource["trade_state"] == "SUCCESS"
        except (KeyError, TypeError, ValueError, OverflowError):
            return Refused(Refusal.MALFORMED)
        if not mine:
            return Refused(Refusal.WRONG_CHANNEL, order_no=notice.order_no)
        if not paid:
            return Refused(Refusal.NOT_PAID, order_no=notice.order_no)
        return notice

    def _call(self, method: Any, **params: Any) -> tuple[int, str]:
        try:
            code, message = method(**params)
        except OSError as exc:  # requests' errors are OSErrors: the channel is out of reach
            raise Busy("the payment channel cannot be reached; please try again") from exc
        except Exception as exc:  # the SDK raises bare Exception: an answer it could not verify
            raise Invalid(
                "the payment channel's answer could not be verified: {why}", args={"why": str(exc)}
            ) from exc
        return int(code), message if isinstance(message, str) else message.decode()


def _known_serials(config: WeChatConfig) -> frozenset[int]:
    """The serial numbers of the platform certificates we hold."""
    folder = config.platform_cert_dir
    paths = sorted(folder.glob("*.pem")) if folder else []
    return frozenset(x509.load_pem_x509_certificate(p.read_bytes()).serial_number for p in paths)


def _known(serial: str, public_key_id: str | None, serials: frozenset[int]) -> bool:
    """Whether a notification's Wechatpay-Serial names the public key or a certificate we hold."""
    if public_key_id and serial == public_key_id:
        return True
    try:
        return int(serial, 16) in serials
    except ValueError:
        return False
