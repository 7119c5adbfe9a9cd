"""Alipay, through the maintained SDK `python-alipay-sdk` (RSA2 only).

An order is a page-pay URL (alipay.trade.page.pay) signed with the app's private key: the
SDK builds it without the network. A notification is a form (application/x-www-form-
urlencoded) signed RSA2 by Alipay over the sorted `key=value` pairs other than `sign` and
`sign_type`, verified with Alipay's public key, which we are given (the SDK never fetches
one). `total_amount` is in yuan and is read exactly. Alipay expects the plain text
`success`, or anything else to send the notification again later.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from urllib.parse import parse_qsl

from alipay import AliPay
from alipay.exceptions import AliPayException

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

PAID_STATES = frozenset({"TRADE_SUCCESS", "TRADE_FINISHED"})
ALIPAY_TIME = "%Y-%m-%d %H:%M:%S"
GONE = "ACQ.TRADE_NOT_EXIST"  # closing an order nobody opened: nothing to close
TIMEOUT_SECONDS = 10


@dataclass(frozen=True, slots=True)
class AlipayConfig:
    appid: str
    app_private_key: str  # PEM
    alipay_public_key: str  # PEM
    notify_url: str
    return_url: str = ""
    sandbox: bool = False


class AlipayChannel:
    name = ChannelName.ALIPAY

    def __init__(self, config: AlipayConfig) -> None:
        self._config = config
        self._alipay = AliPay(
            appid=config.appid,
            app_notify_url=config.notify_url,
            app_private_key_string=config.app_private_key,
            alipay_public_key_string=config.alipay_public_key,
            sign_type="RSA2",
            debug=config.sandbox,
        )
        self._alipay._config.timeout = TIMEOUT_SECONDS  # noqa: SLF001 - the SDK's only knob

    def create_order(self, order: OrderRequest) -> PayInstruction:
        query = self._alipay.api_alipay_trade_page_pay(
            subject=order.description,
            out_trade_no=order.order_no,
            total_amount=order.amount.plain(),
            return_url=self._config.return_url or None,
            time_expire=order.expires_at.astimezone(SHANGHAI).strftime(ALIPAY_TIME),
        )
        return PayInstruction(self.name, url=f"{self._alipay._gateway}?{query}")  # noqa: SLF001

    def close_order(self, order_no: str) -> None:
        try:
            self._alipay.api_alipay_trade_close(out_trade_no=order_no)
        except AliPayException as exc:
            if GONE not in str(exc.message):
                raise Invalid(
                    "the payment channel refused to close: {why}", args={"why": exc.message}
                ) from exc
        except OSError as exc:  # urllib's errors: the channel is out of reach
            raise Busy("the payment channel cannot be reached; please try again") from exc

    def read_notice(self, headers: Mapping[str, str], body: bytes) -> Verdict:
        try:
            form = dict(
                parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=True)
            )
        except (UnicodeDecodeError, ValueError):
            return Refused(Refusal.MALFORMED)
        signature = form.pop("sign", "")
        if not signature or form.get("sign_type") != "RSA2":
            return Refused(Refusal.MALFORMED)
        if not self._verified(form, signature):
            return Refused(Refusal.BAD_SIGNATURE)
        return self._paid(form)

    def answer(self, outcome: ChannelAnswer) -> Reply:
        text = "success" if outcome is ChannelAnswer.SUCCESS else "fail"
        return Reply(200, "text/plain", text)

    def _verified(self, form: dict[str, str], signature: str) -> bool:
        try:
            return bool(self._alipay.verify(dict(form), signature))  # verify changes its input
        except (ValueError, TypeError, AliPayException):  # bad base64, bad key size
            return False

    def _paid(self, form: dict[str, str]) -> Verdict:
        order_no = form.get("out_trade_no", "")
        if form.get("app_id") != self._config.appid:
            return Refused(Refusal.WRONG_CHANNEL, order_no=order_no)
        if form.get("trade_status") not in PAID_STATES:
            return Refused(Refusal.NOT_PAID, order_no=order_no)
        try:
            stamp = form.get("gmt_payment") or form["notify_time"]
            paid = datetime.strptime(stamp + " +0800", "%Y-%m-%d %H:%M:%S %z")  # China time
            return PaidNotice(
                order_no=order_no,
                transaction_id=form["trade_no"],
                amount=Fen.parse(form["total_amount"]),
                paid_at=paid.astimezone(UTC),
            )
        except (KeyError, ValueError):
            return Refused(Refusal.MALFORMED, order_no=order_no)
