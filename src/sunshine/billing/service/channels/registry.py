"""Which channel: the one settings name for new orders, and each by name for its notifications.

Channels are built once per process from settings (their keys read from files) the first
time they are asked for; `use_channel` puts one in place instead (tests, the benchmark).
A channel whose keys are not configured cannot be used: asking for it is `Invalid`.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from pathlib import Path

from sunshine.billing.rules.channels import ChannelName
from sunshine.billing.service.channels.alipay import AlipayChannel
from sunshine.billing.service.channels.alipay import AlipayConfig
from sunshine.billing.service.channels.base import Channel
from sunshine.billing.service.channels.development import DevelopmentChannel
from sunshine.billing.service.channels.wechat import WeChatConfig
from sunshine.billing.service.channels.wechat import WeChatPayChannel
from sunshine.infra.secrets import server_secret
from sunshine.infra.settings import Settings
from sunshine.infra.settings import get_settings
from sunshine.kernel.errors import Invalid

NOTIFY_PATH = "/api/v1/pay/notify/"
_channels: dict[ChannelName, Channel] = {}
_lock = threading.Lock()


def channel_named(name: str) -> Channel | None:
    """The channel of this name, or None when there is none by that name."""
    try:
        known = ChannelName(name)
    except ValueError:
        return None
    with _lock:
        if known not in _channels:
            _channels[known] = _build(known, get_settings())
        return _channels[known]


def default_channel() -> Channel:
    """The channel new orders go to (SUNSHINE_PAY_CHANNEL)."""
    name = get_settings().pay_channel
    channel = channel_named(name)
    if channel is None:
        raise Invalid("there is no payment channel called {name}", args={"name": name})
    return channel


def use_channel(channel: Channel) -> None:
    """Use `channel` for its name from now on (tests, the benchmark)."""
    with _lock:
        _channels[channel.name] = channel


def forget_channels() -> None:
    """Build channels from settings again when next asked (tests)."""
    with _lock:
        _channels.clear()


def dev_secret(settings: Settings) -> bytes:
    """The development channel's signing key: configured, or derived from the server's secret."""
    if settings.pay_dev_secret:
        return settings.pay_dev_secret.encode()
    return hmac.new(server_secret(), b"sunshine pay development channel", hashlib.sha256).digest()


def _build(name: ChannelName, settings: Settings) -> Channel:
    notify_url = settings.public_url.rstrip("/") + NOTIFY_PATH + name.value
    if name is ChannelName.DEVELOPMENT:
        return DevelopmentChannel(dev_secret(settings), base_url=settings.public_url)
    if name is ChannelName.WECHAT:
        return WeChatPayChannel(_wechat_config(settings, notify_url))
    return AlipayChannel(
        AlipayConfig(
            appid=_needed(settings.alipay_appid, "SUNSHINE_ALIPAY_APPID"),
            app_private_key=_read(
                settings.alipay_private_key_file, "SUNSHINE_ALIPAY_PRIVATE_KEY_FILE"
            ),
            alipay_public_key=_read(
                settings.alipay_public_key_file, "SUNSHINE_ALIPAY_PUBLIC_KEY_FILE"
            ),
            notify_url=notify_url,
            sandbox=settings.alipay_sandbox,
        )
    )


def _wechat_config(settings: Settings, notify_url: str) -> WeChatConfig:
    public_key = settings.wechat_public_key_file
    if public_key is None and settings.wechat_platform_cert_dir is None:
        raise Invalid(
            "WeChat Pay needs {a} or {b}",
            args={"a": "SUNSHINE_WECHAT_PLATFORM_CERT_DIR", "b": "SUNSHINE_WECHAT_PUBLIC_KEY_FILE"},
        )
    return WeChatConfig(
        mchid=_needed(settings.wechat_mchid, "SUNSHINE_WECHAT_MCHID"),
        appid=_needed(settings.wechat_appid, "SUNSHINE_WECHAT_APPID"),
        private_key=_read(settings.wechat_private_key_file, "SUNSHINE_WECHAT_PRIVATE_KEY_FILE"),
        cert_serial_no=_needed(settings.wechat_cert_serial_no, "SUNSHINE_WECHAT_CERT_SERIAL_NO"),
        apiv3_key=_needed(settings.wechat_apiv3_key, "SUNSHINE_WECHAT_APIV3_KEY"),
        notify_url=notify_url,
        platform_cert_dir=settings.wechat_platform_cert_dir,
        public_key=public_key.read_text() if public_key else None,
        public_key_id=settings.wechat_public_key_id or None,
    )


def _needed(value: str, setting: str) -> str:
    if not value:
        raise Invalid(
            "the payment channel is not set up: {setting} is empty", args={"setting": setting}
        )
    return value


def _read(path: Path | None, setting: str) -> str:
    if path is None or not path.is_file():
        raise Invalid(
            "the payment channel is not set up: {setting} is empty", args={"setting": setting}
        )
    return path.read_text()
