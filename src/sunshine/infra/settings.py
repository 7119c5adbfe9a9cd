"""Settings read from the environment (prefix SUNSHINE_) with defaults for a local trial."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

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
    login_window_minutes: int = 15
    login_max_failures: int = 5  # per account or phone within the window
    login_max_failures_per_ip: int = 30
    static_node_modules: Path = ROOT / "node_modules"
    # The largest voucher (receipt, invoice, contract, photo) accepted, in bytes: 10 MiB.
    voucher_max_bytes: int = 10 * 2**20
    default_locale: str = "zh_CN"
    # The address owners reach the app at: printed notices' QR codes lead there.
    public_url: str = "http://127.0.0.1:8000"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings."""
    return Settings()
