"""The one place that reads the time, so tests can pin it. Stored in UTC, shown in Shanghai."""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    """The current instant, timezone-aware UTC."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in Asia/Shanghai, where the books are kept."""
    return local(now()).date()


def local(instant: datetime) -> datetime:
    """`instant` as wall-clock time in Asia/Shanghai (naive UTC from SQLite is read as UTC)."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(SHANGHAI)
