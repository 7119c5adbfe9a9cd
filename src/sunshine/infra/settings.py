"""Settings read from the environment (prefix SUNSHINE_) with defaults for a local trial."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field
from pydantic_settings import BaseSettings
from pydantic_settings import SettingsConfigDict

ROOT = Path(__file__).resolve().parents[3]  # the repository (src layout)


class Settings(BaseSettings):
    """Everything configurable. Read once; tests build their own instances."""

    model_config = SettingsConfigDict(env_prefix="SUNSHINE_", extra="ignore")

    database_url: str = f"sqlite:///{ROOT / 'var' / 'sunshine.db'}"
    # SQLite: how long a writer waits for the write lock before giving up (busy timeout).
    db_busy_seconds: float = 10.0
    # A request that failed on a transient database conflict (busy, deadlock, a lost race)
    # before answering is run again, up to this many attempts in all and for at most this
    # many seconds after its first failure; then it gets a 503 or a 409.
    request_attempts: int = 4
    request_retry_seconds: float = 20.0
    var_dir: Path = ROOT / "var"
    # Where the development code sender writes one-time login codes (`sunshine codes` reads it).
    code_log: Path = ROOT / "var" / "login-codes.log"
    code_sender: str = "log"  # "log" for development; a real SMS gateway plugs in by name
    session_days: int = 14
    cookie_secure: bool = (
        False  # force Secure cookies behind a TLS proxy; https requests get it anyway
    )
    # Failed logins (the rules are in identity/service/throttle.py). Per account and client address:
    # the `login_max_failures`-th failure in a row starts a pause of `login_backoff_seconds`,
    # doubled by each further failure up to `login_backoff_max_minutes`; a run of failures
    # is forgotten after `login_failures_forgotten_hours` without one.
    login_max_failures: int = Field(default=5, ge=1)
    login_backoff_seconds: int = Field(default=60, ge=1)
    login_backoff_max_minutes: int = Field(default=60, ge=1)
    login_failures_forgotten_hours: int = Field(default=24, ge=1)
    # Per client address, over every account: failures within the window.
    login_window_minutes: int = Field(default=15, ge=1)
    login_max_failures_per_ip: int = Field(default=30, ge=1)
    # Per account, from everywhere: past this many failures within the window, addresses
    # that have not logged in to it within `login_known_days` share one try per
    # `login_ceiling_seconds`; the addresses its owner uses are not held back.
    login_account_ceiling: int = Field(default=50, ge=1)
    login_ceiling_seconds: int = Field(default=30, ge=1)
    login_known_days: int = Field(default=30, ge=1)
    # One-time login codes sent, per phone number and per client address (sliding windows).
    code_per_phone_minute: int = Field(default=1, ge=1)
    code_per_phone_hour: int = Field(default=10, ge=1)
    code_per_phone_day: int = Field(default=20, ge=1)
    code_per_client_minute: int = Field(default=3, ge=1)
    code_per_client_hour: int = Field(default=20, ge=1)
    code_per_client_day: int = Field(default=50, ge=1)
    # The key login codes are hashed with (HMAC-SHA256), at least 16 characters; when empty,
    # a random one is made once in var/keys/server-secret (infra/secrets.py).
    secret_key: str = ""
    static_node_modules: Path = ROOT / "node_modules"
    # The largest voucher (receipt, invoice, contract, photo) accepted, in bytes: 10 MiB.
    voucher_max_bytes: int = 10 * 2**20
    # The largest request body, in bytes, refused with 413 while it streams in
    # (infra/body_limit.py): 1 MiB for every route but those that take files, which allow
    # their file's limit and a little more; a form with several files (booking with its
    # vouchers) at most `upload_max_bytes` in all.
    request_max_bytes: int = 2**20
    upload_max_bytes: int = 64 * 2**20
    # A roster file (XLSX or CSV): at most this many bytes and data rows.
    roster_max_bytes: int = 5 * 2**20
    roster_max_rows: int = 20_000
    default_locale: str = "zh_CN"
    # The address owners reach the app at (SUNSHINE_PUBLIC_URL): printed notices' QR codes
    # lead there, so it must be one a phone can open; `run.sh` sets it to what it serves.
    public_url: str = "http://127.0.0.1:8000"
    # Online payments (billing/service/channels): the channel new orders go to (development,
    # wechat or alipay), how long an order may be paid, and each channel's keys, read from
    # files. The development channel signs its notices with `pay_dev_secret`, or with a key
    # derived from the server's secret when empty.
    pay_channel: str = "development"
    pay_order_minutes: int = Field(default=30, ge=1, le=24 * 60)
    pay_dev_secret: str = ""
    wechat_mchid: str = ""
    wechat_appid: str = ""
    wechat_private_key_file: Path | None = None  # the merchant's API private key (PEM)
    wechat_cert_serial_no: str = ""  # the merchant's API certificate serial number
    wechat_apiv3_key: str = ""  # 32 bytes: decrypts notifications' resource
    wechat_platform_cert_dir: Path | None = None  # WeChat Pay platform certificates (*.pem)
    wechat_public_key_file: Path | None = None  # or WeChat Pay's public key (PEM) and its id
    wechat_public_key_id: str = ""
    alipay_appid: str = ""
    alipay_private_key_file: Path | None = None  # the app's private key (PEM)
    alipay_public_key_file: Path | None = None  # Alipay's public key (PEM)
    alipay_sandbox: bool = False


def is_loopback(host: str) -> bool:
    """Whether `host` names this machine only (a phone on the network cannot reach it)."""
    host = host.strip("[]").lower()
    return host in {"localhost", "::1"} or host.startswith("127.") or host.endswith(".localhost")


def public_url_problem(settings: Settings, *, serving_host: str | None = None) -> str | None:
    """Why printed QR codes would lead nowhere, or None.

    The public URL naming this machine only (or no machine) is fine in development: the
    log code sender, serving on a loopback address. Anywhere else a phone that scans the
    notice cannot open it.
    """
    host = (urlsplit(settings.public_url).hostname or "").strip("[]")
    if not (is_loopback(host) or host in {"", "0.0.0.0", "::"}):  # noqa: S104 - compared
        return None
    to_network = serving_host is not None and not is_loopback(serving_host)
    if settings.code_sender == "log" and not to_network:
        return None
    return (
        f"SUNSHINE_PUBLIC_URL is {settings.public_url}, which no phone can open: the QR "
        "codes on printed notices lead nowhere; set it to the address owners reach this "
        "server at"
    )


def pay_channel_problem(settings: Settings, *, serving_host: str | None = None) -> str | None:
    """Why online payments would not be real, or None.

    The development channel lets whoever holds an order's link mark it paid, with no money
    moving: right for the demo and a trial on this machine, wrong anywhere owners pay.
    """
    if settings.pay_channel != "development":
        return None
    to_network = serving_host is not None and not is_loopback(serving_host)
    if settings.code_sender == "log" and not to_network:
        return None
    return (
        "SUNSHINE_PAY_CHANNEL is development: anyone holding an order's link can mark it "
        "paid and no money moves; set it to wechat or alipay (docs/operations.md)"
    )


def start_up_problems(settings: Settings, *, serving_host: str | None = None) -> list[str]:
    """Every setting that would mislead owners if the server started with it."""
    found = (
        public_url_problem(settings, serving_host=serving_host),
        pay_channel_problem(settings, serving_host=serving_host),
    )
    return [problem for problem in found if problem]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings."""
    return Settings()
