"""Translations: zh-CN first, English second (Babel gettext catalogs under sunshine/locale).

Message ids are English. The zh_CN catalog translates every one of them (a test checks
that none is missing); English needs no catalog. Each part keeps its own catalog file,
`locale/zh_CN/<part>.po`, and they are merged when first used, so no compile step is
needed and two parts never edit the same file.

A short English word can mean two things ("Code": a login code, an account's code), so
such words carry a context (msgctxt): `pgettext("account", "Code")` in Python and
templates alike, and the catalog test refuses the bare word once any context uses it.
"""

from __future__ import annotations

from datetime import date
from datetime import datetime
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel.dates import format_date
from babel.dates import format_datetime
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations
from babel.support import Translations

from sunshine.infra import clock

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
LOCALES = ("zh_CN", "en")
DEFAULT_LOCALE = "zh_CN"
LOCALE_NAMES = {"zh_CN": "中文", "en": "English"}


@lru_cache(maxsize=len(LOCALES))
def translations(locale: str) -> NullTranslations:
    """The gettext translations for `locale` (English and unknown locales: ids as they are)."""
    files = sorted((LOCALE_DIR / locale).glob("*.po")) if locale in LOCALES else []
    if not files:
        return NullTranslations()
    merged: Catalog | None = None
    for po in files:
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        if merged is None:
            merged = catalog
            continue
        for message in catalog:
            if message.id and message.string:
                merged[message.id] = message
    assert merged is not None  # files is not empty
    buffer = BytesIO()
    write_mo(buffer, merged)
    buffer.seek(0)
    return Translations(fp=buffer)


def pick_locale(cookie: str | None, accept_language: str | None) -> str:
    """The locale chosen by cookie, else by the browser's first preference, else zh_CN."""
    if cookie in LOCALES:
        return cookie
    first = (accept_language or "").split(",")[0].strip().lower()
    if first.startswith("en"):
        return "en"
    return DEFAULT_LOCALE


def gettext(locale: str, message: str) -> str:
    """Translate one message id."""
    return translations(locale).gettext(message)


def pgettext(locale: str, context: str, message: str) -> str:
    """Translate a message id in its context (msgctxt): an account's "Code" is no login code."""
    return str(translations(locale).pgettext(context, message))


# How people write a day and a moment: 2024年11月5日 / 5 Nov 2024, in China's time.
_DAY = {"zh_CN": "y年M月d日", "en": "d MMM y"}
_MOMENT = {"zh_CN": "y年M月d日 HH:mm", "en": "d MMM y, HH:mm"}
_MONTH = {"zh_CN": "y年M月", "en": "MMM y"}


def format_day(value: date | datetime | str, locale: str) -> str:
    """A day as people write it; a moment (or an ISO text) is first put in Asia/Shanghai."""
    if isinstance(value, str):
        value = _parse(value)
    if isinstance(value, datetime):
        value = clock.local(value).date()
    return format_date(value, _DAY.get(locale, _DAY[DEFAULT_LOCALE]), locale=_babel(locale))


def format_month(value: object, locale: str) -> str:
    """A month (a Period, or '2024-10') as people write it: 2024年10月 / Oct 2024."""
    year, _, month = str(value).partition("-")
    first = date(int(year), int(month), 1)
    return format_date(first, _MONTH.get(locale, _MONTH[DEFAULT_LOCALE]), locale=_babel(locale))


def format_moment(value: datetime | str, locale: str) -> str:
    """A moment as people write it, to the minute, in Asia/Shanghai (never raw UTC)."""
    instant = _parse(value) if isinstance(value, str) else value
    if not isinstance(instant, datetime):
        return format_day(instant, locale)
    pattern = _MOMENT.get(locale, _MOMENT[DEFAULT_LOCALE])
    return format_datetime(clock.local(instant), pattern, locale=_babel(locale))


def _parse(text: str) -> date | datetime:
    return datetime.fromisoformat(text) if "T" in text or " " in text else date.fromisoformat(text)


def _babel(locale: str) -> str:
    return locale if locale in LOCALES else DEFAULT_LOCALE
