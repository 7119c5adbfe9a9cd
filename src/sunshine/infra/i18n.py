"""Translations: zh-CN first, English second (Babel gettext catalogs under sunshine/locale).

Message ids are English. The zh_CN catalog translates every one of them (a test checks
that none is missing); English needs no catalog. Each part keeps its own catalog file,
`locale/zh_CN/<part>.po`, and they are merged when first used, so no compile step is
needed and two parts never edit the same file.
"""

from __future__ import annotations

from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations
from babel.support import Translations

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
