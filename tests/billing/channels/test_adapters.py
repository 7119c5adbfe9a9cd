"""Each channel reads notifications in its real format: the genuine one is a paid notice in
fen, anything forged, altered, unknown or stale a refusal with its reason. No network: a
test fails if an adapter tries to reach a channel's server.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import socket
from pathlib import Path
from urllib.parse import parse_qsl
from urllib.parse import urlsplit

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from sunshine.billing.rules.channels import ChannelAnswer
from sunshine.billing.rules.channels import OrderRequest
from sunshine.billing.rules.channels import PaidNotice
from sunshine.billing.rules.channels import Refusal
from sunshine.billing.rules.channels import Refused
from sunshine.kernel.money import Fen
from tests.billing.channels import senders

ORDER = "7P20261203201500a1b2c3d4"


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a channel adapter tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_wechat_reads_a_genuine_notification_in_fen(tmp_path: Path) -> None:
    channel = senders.wechat_channel(tmp_path)
    headers, body = senders.wechat_notification(senders.WeChatNotice(ORDER, "4200000001", 8850))

    notice = channel.read_notice(headers, body)

    assert notice == PaidNotice(
        ORDER, "4200000001", Fen(8850), dt.datetime(2026, 12, 3, 12, 15, 6, tzinfo=dt.UTC)
    )
    lower = {k.lower(): v for k, v in headers.items()}  # as Starlette hands them over
    assert channel.read_notice(lower, body) == notice


@pytest.mark.parametrize(
    ("how", "reason"),
    [
        ("signed by another key", Refusal.BAD_SIGNATURE),
        ("body altered", Refusal.BAD_SIGNATURE),
        ("wrong api v3 key", Refusal.BAD_SIGNATURE),
        ("unknown serial", Refusal.UNKNOWN_KEY),
        ("ten minutes old", Refusal.STALE),
        ("no timestamp", Refusal.MALFORMED),
        ("not paid", Refusal.NOT_PAID),
        ("another merchant", Refusal.WRONG_CHANNEL),
    ],
)
def test_wechat_refuses_what_wechat_pay_did_not_send(
    tmp_path: Path, how: str, reason: Refusal
) -> None:
    channel = senders.wechat_channel(tmp_path)
    notice = senders.WeChatNotice(ORDER, "4200000001", 8850)
    options: dict[str, object] = {}
    if how == "signed by another key":
        options["signer"] = "forger"
    elif how == "wrong api v3 key":
        options["apiv3_key"] = "b" * 32
    elif how == "unknown serial":
        options["serial"] = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"
    elif how == "ten minutes old":
        options["at"] = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)
    elif how == "not paid":
        notice = senders.WeChatNotice(ORDER, "4200000001", 8850, trade_state="NOTPAY")
    elif how == "another merchant":
        notice = senders.WeChatNotice(ORDER, "4200000001", 8850, mchid="1900000999")
    headers, body = senders.wechat_notification(notice, **options)  # type: ignore[arg-type]
    if how == "body altered":
        body = body.replace(b"EV-", b"EX-")
    elif how == "no timestamp":
        del headers["Wechatpay-Timestamp"]

    verdict = channel.read_notice(headers, body)

    assert isinstance(verdict, Refused)
    assert verdict.reason is reason


def test_wechat_answers_in_its_json(tmp_path: Path) -> None:
    channel = senders.wechat_channel(tmp_path)
    assert json.loads(channel.answer(ChannelAnswer.SUCCESS).body) == {"code": "SUCCESS"}
    failed = channel.answer(ChannelAnswer.FAIL)
    assert json.loads(failed.body)["code"] == "FAIL"
    assert failed.status >= 400


def test_alipay_reads_a_genuine_notification_and_its_yuan_exactly() -> None:
    channel = senders.alipay_channel()
    _, body = senders.alipay_notification(senders.alipay_form(ORDER, "2026120322001", "88.50"))

    notice = channel.read_notice({}, body)

    assert notice == PaidNotice(
        ORDER, "2026120322001", Fen(8850), dt.datetime(2026, 12, 3, 12, 15, 6, tzinfo=dt.UTC)
    )


@pytest.mark.parametrize(
    ("how", "reason"),
    [
        ("signed by another key", Refusal.BAD_SIGNATURE),
        ("amount altered", Refusal.BAD_SIGNATURE),
        ("sign missing", Refusal.MALFORMED),
        ("sign_type RSA", Refusal.MALFORMED),
        ("not paid", Refusal.NOT_PAID),
        ("another app", Refusal.WRONG_CHANNEL),
        ("not a form", Refusal.MALFORMED),
    ],
)
def test_alipay_refuses_what_alipay_did_not_send(how: str, reason: Refusal) -> None:
    channel = senders.alipay_channel()
    options: dict[str, str] = {}
    if how == "signed by another key":
        options["signer"] = "forger"
    elif how == "not paid":
        options["trade_status"] = "WAIT_BUYER_PAY"
    elif how == "another app":
        options["app_id"] = "2021000000000999"
    form = senders.alipay_form(ORDER, "2026120322001", "88.50", **options)
    if how == "amount altered":
        form["total_amount"] = "0.01"
    elif how == "sign missing":
        del form["sign"]
    elif how == "sign_type RSA":
        form["sign_type"] = "RSA"
    _, body = senders.alipay_notification(form)
    if how == "not a form":
        body = b"\xff\xfe{json}"

    verdict = channel.read_notice({}, body)

    assert isinstance(verdict, Refused)
    assert verdict.reason is reason


def test_alipay_answers_in_plain_text() -> None:
    channel = senders.alipay_channel()
    assert channel.answer(ChannelAnswer.SUCCESS).body == "success"
    assert channel.answer(ChannelAnswer.FAIL).body == "fail"


def test_alipay_page_pay_url_is_signed_with_the_apps_key() -> None:
    channel = senders.alipay_channel()
    expires = dt.datetime(2026, 12, 3, 12, 45, tzinfo=dt.UTC)

    instruction = channel.create_order(OrderRequest(ORDER, Fen(8850), "物业费", expires))

    url = urlsplit(instruction.url)
    assert url.netloc == "openapi.alipay.com"
    query = dict(parse_qsl(url.query))
    biz = json.loads(query["biz_content"])
    assert (biz["out_trade_no"], biz["total_amount"]) == (ORDER, "88.50")
    assert biz["time_expire"] == "2026-12-03 20:45:00"  # China's time
    assert query["method"] == "alipay.trade.page.pay"
    assert query["notify_url"].endswith("/api/v1/pay/notify/alipay")
    signature = query.pop("sign")
    unsigned = "&".join(f"{k}={v}" for k, v in sorted(query.items()))
    senders.rsa_key("alipay-app").public_key().verify(
        base64.b64decode(signature),
        unsigned.encode(),
        padding.PKCS1v15(),
        hashes.SHA256(),
    )


def test_development_channel_round_trip_and_forgery() -> None:
    channel = senders.dev_channel()
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    paid = PaidNotice(ORDER, "DEV1", Fen(100), now)
    headers, body = channel.sign_notice(paid, at=now)

    assert channel.read_notice(headers, body) == paid
    forged = senders.DevelopmentChannel(b"another secret", base_url="http://x")
    assert channel.read_notice(*forged.sign_notice(paid, at=now)) == Refused(Refusal.BAD_SIGNATURE)
    old = now - dt.timedelta(minutes=6)
    assert channel.read_notice(*channel.sign_notice(paid, at=old)) == Refused(Refusal.STALE)
    assert channel.create_order(OrderRequest(ORDER, Fen(100), "x", now)).url == (
        f"http://testserver/pay/dev/{ORDER}"
    )


def test_wechat_jsapi_params_are_signed_with_the_merchants_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = senders.WeChatPayServer()
    monkeypatch.setattr("wechatpayv3.core.requests.post", server.post)
    channel = senders.wechat_channel(tmp_path)
    expires = dt.datetime(2026, 12, 3, 12, 45, tzinfo=dt.UTC)

    order = OrderRequest(ORDER, Fen(8850), "物业费", expires, payer="oUpF8uMuAJO_M2pxb1Q9zNjWeS6o")
    instruction = channel.create_order(order)

    path, sent = server.calls[-1]
    assert path == "/v3/pay/transactions/jsapi"
    assert sent["payer"] == {"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}
    assert sent["time_expire"] == "2026-12-03T20:45:00+08:00"
    params = dict(instruction.jsapi)
    assert params["package"].startswith("prepay_id=wx2617")
    signed = "".join(
        f"{params[k]}\n" for k in ("appId", "timeStamp", "nonceStr", "package")
    ).encode()
    senders.rsa_key("merchant").public_key().verify(
        base64.b64decode(params["paySign"]), signed, padding.PKCS1v15(), hashes.SHA256()
    )
