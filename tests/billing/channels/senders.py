"""The channels' side, for tests: our own keys and certificates, and notifications in each
channel's real format, signed as WeChat Pay and Alipay sign them.

WeChat Pay v3: a JSON body whose `resource` is AES-256-GCM-encrypted under the API v3 key,
with Wechatpay-Timestamp/-Nonce/-Signature/-Serial headers, the signature RSA-SHA256 over
`timestamp\\nnonce\\nbody\\n` by the platform certificate's key. Alipay: a form signed RSA2
(SHA256withRSA) over the sorted `key=value` pairs other than `sign` and `sign_type`.
Keys are made once per test run (RSA 2048, a self-signed X.509 certificate).
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import json
import json as _json
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.x509.oid import NameOID

from sunshine.billing.service.channels.alipay import AlipayChannel
from sunshine.billing.service.channels.alipay import AlipayConfig
from sunshine.billing.service.channels.development import DevelopmentChannel
from sunshine.billing.service.channels.wechat import WeChatConfig
from sunshine.billing.service.channels.wechat import WeChatPayChannel

MCHID = "1900000109"
WX_APPID = "wxd678efh567hg6787"
APIV3_KEY = "a12d3924fd499edac8a5efc0e1d2c3b4"  # 32 bytes
ALI_APPID = "2021000000000000"
DEV_SECRET = b"test development channel secret"


@functools.cache
def rsa_key(name: str) -> rsa.RSAPrivateKey:
    """One 2048-bit key per name, made once per run."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def public_pem(key: rsa.RSAPrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


@functools.cache
def certificate(name: str) -> x509.Certificate:
    """A self-signed certificate for `rsa_key(name)`, valid from yesterday for a year."""
    key = rsa_key(name)
    subject = x509.Name(
        [x509.NameAttribute(NameOID.COMMON_NAME, f"Tenpay.com Root CA test {name}")]
    )
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )


def serial_of(cert: x509.Certificate) -> str:
    return f"{cert.serial_number:X}"


def _sign(key: rsa.RSAPrivateKey, message: bytes) -> str:
    return base64.b64encode(key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()


# WeChat Pay


def wechat_channel(cert_dir: Path) -> WeChatPayChannel:
    """Our adapter, holding the platform certificate `certificate("platform")` in `cert_dir`."""
    cert_dir.mkdir(parents=True, exist_ok=True)
    pem = certificate("platform").public_bytes(serialization.Encoding.PEM)
    (cert_dir / f"{serial_of(certificate('platform'))}.pem").write_bytes(pem)
    config = WeChatConfig(
        mchid=MCHID,
        appid=WX_APPID,
        private_key=private_pem(rsa_key("merchant")),
        cert_serial_no="444F4864EA9B34415",
        apiv3_key=APIV3_KEY,
        notify_url="https://pay.example.org/api/v1/pay/notify/wechat",
        platform_cert_dir=cert_dir,
    )
    return WeChatPayChannel(config)


@dataclass(frozen=True)
class WeChatNotice:
    order_no: str
    transaction_id: str
    total: int  # fen
    trade_state: str = "SUCCESS"
    mchid: str = MCHID


def wechat_notification(
    notice: WeChatNotice,
    *,
    signer: str = "platform",
    serial: str | None = None,
    at: dt.datetime | None = None,
    apiv3_key: str = APIV3_KEY,
) -> tuple[dict[str, str], bytes]:
    """The headers and body WeChat Pay posts when `notice`'s order is paid."""
    resource = {
        "mchid": notice.mchid,
        "appid": WX_APPID,
        "out_trade_no": notice.order_no,
        "transaction_id": notice.transaction_id,
        "trade_type": "NATIVE",
        "trade_state": notice.trade_state,
        "trade_state_desc": "支付成功",
        "bank_type": "OTHERS",
        "success_time": "2026-12-03T20:15:06+08:00",
        "payer": {"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
        "amount": {"total": notice.total, "payer_total": notice.total, "currency": "CNY"},
    }
    nonce = secrets.token_hex(6)  # 12 characters
    ciphertext = AESGCM(apiv3_key.encode()).encrypt(
        nonce.encode(), json.dumps(resource).encode(), b"transaction"
    )
    body = json.dumps(
        {
            "id": "EV-2018022511223320873",
            "create_time": "2026-12-03T20:15:07+08:00",
            "resource_type": "encrypt-resource",
            "event_type": "TRANSACTION.SUCCESS",
            "summary": "支付成功",
            "resource": {
                "original_type": "transaction",
                "algorithm": "AEAD_AES_256_GCM",
                "ciphertext": base64.b64encode(ciphertext).decode(),
                "associated_data": "transaction",
                "nonce": nonce,
            },
        },
        ensure_ascii=False,
    )
    timestamp = str(int((at or dt.datetime.now(dt.UTC)).timestamp()))
    header_nonce = secrets.token_hex(16)
    message = f"{timestamp}\n{header_nonce}\n{body}\n".encode()
    headers = {
        "Wechatpay-Timestamp": timestamp,
        "Wechatpay-Nonce": header_nonce,
        "Wechatpay-Signature": _sign(rsa_key(signer), message),
        "Wechatpay-Serial": serial or serial_of(certificate("platform")),
        "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
        "Content-Type": "application/json",
    }
    return headers, body.encode()


# Alipay


def alipay_channel() -> AlipayChannel:
    return AlipayChannel(
        AlipayConfig(
            appid=ALI_APPID,
            app_private_key=private_pem(rsa_key("alipay-app")),
            alipay_public_key=public_pem(rsa_key("alipay")),
            notify_url="https://pay.example.org/api/v1/pay/notify/alipay",
        )
    )


def alipay_form(
    order_no: str,
    trade_no: str,
    total_amount: str,
    *,
    trade_status: str = "TRADE_SUCCESS",
    signer: str = "alipay",
    app_id: str = ALI_APPID,
) -> dict[str, str]:
    """Alipay's asynchronous notification for a paid order, signed RSA2."""
    form = {
        "gmt_create": "2026-12-03 20:14:58",
        "charset": "utf-8",
        "gmt_payment": "2026-12-03 20:15:06",
        "notify_time": "2026-12-03 20:15:07",
        "subject": "物业费",
        "buyer_id": "2088102177846875",
        "invoice_amount": total_amount,
        "version": "1.0",
        "notify_id": "2026120300222201507000000000000001",
        "fund_bill_list": '[{"amount":"' + total_amount + '","fundChannel":"ALIPAYACCOUNT"}]',
        "notify_type": "trade_status_sync",
        "out_trade_no": order_no,
        "total_amount": total_amount,
        "trade_status": trade_status,
        "trade_no": trade_no,
        "auth_app_id": app_id,
        "receipt_amount": total_amount,
        "point_amount": "0.00",
        "app_id": app_id,
        "buyer_pay_amount": total_amount,
        "seller_id": "2088102177649450",
    }
    unsigned = "&".join(f"{k}={v}" for k, v in sorted(form.items()))
    return {**form, "sign_type": "RSA2", "sign": _sign(rsa_key(signer), unsigned.encode())}


def alipay_notification(form: dict[str, str]) -> tuple[dict[str, str], bytes]:
    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    return headers, urlencode(form).encode()


# The development channel


def dev_channel() -> DevelopmentChannel:
    return DevelopmentChannel(DEV_SECRET, base_url="http://testserver")


@dataclass
class _Response:
    status_code: int
    headers: dict[str, str]
    text: str

    @property
    def content(self) -> bytes:
        return self.text.encode()


class WeChatPayServer:
    """Stands in for api.mch.weixin.qq.com inside `wechatpayv3` (its `requests.post`).

    Answers a Native order with a code_url and a close with 204, each signed with the
    platform certificate's key as WeChat Pay signs its answers; keeps what was asked.
    """

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, object]]] = []

    def post(self, url: str, json: dict[str, object] | None = None, **_: object) -> _Response:
        path = urlsplit(url).path
        self.calls.append((path, json or {}))
        if path.endswith("/close"):
            return self._signed(204, "")
        if path.endswith("/jsapi"):
            return self._signed(200, _json.dumps({"prepay_id": "wx2617" + secrets.token_hex(8)}))
        return self._signed(
            200, _json.dumps({"code_url": "weixin://wxpay/bizpayurl?pr=" + secrets.token_hex(4)})
        )

    def _signed(self, status: int, body: str) -> _Response:
        timestamp, nonce = str(int(dt.datetime.now(dt.UTC).timestamp())), secrets.token_hex(16)
        message = f"{timestamp}\n{nonce}\n{body}\n".encode()
        headers = {
            "Content-Type": "application/json",
            "Wechatpay-Timestamp": timestamp,
            "Wechatpay-Nonce": nonce,
            "Wechatpay-Signature": _sign(rsa_key("platform"), message),
            "Wechatpay-Serial": serial_of(certificate("platform")),
            "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
        }
        return _Response(status, headers, body)
