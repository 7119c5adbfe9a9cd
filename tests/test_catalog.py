"""Everything user-facing exists in Chinese: every message in the source has a zh_CN translation."""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime

from sunshine.infra import catalog_check
from sunshine.infra.i18n import format_day
from sunshine.infra.i18n import format_moment
from sunshine.infra.i18n import gettext
from sunshine.infra.i18n import pgettext


def test_every_user_facing_message_has_a_chinese_translation() -> None:
    gaps = [f"{filename}:{line}: {msgid}" for msgid, filename, line in catalog_check.missing()]
    assert gaps == [], (
        "untranslated (add them to src/sunshine/locale/zh_CN/<part>.po):\n" + "\n".join(gaps)
    )


def test_the_extractor_finds_messages_in_templates_and_in_error_templates() -> None:
    found = {msgid for msgid, _file, _line in catalog_check.messages()}
    assert "Log out" in found  # templates/base.html
    assert "the plate is empty" in found  # a Problem in kernel/plates.py


def test_english_is_the_message_itself_and_chinese_is_translated() -> None:
    assert gettext("en", "Log out") == "Log out"
    assert gettext("zh_CN", "Log out") == "退出登录"


def test_a_word_with_a_context_is_never_used_without_one() -> None:
    """ "Code" (a login code, an account's code) must say which it is wherever it is used."""
    bare = [f"{filename}:{line}: {msgid}" for msgid, filename, line in catalog_check.ambiguous()]
    assert bare == [], "give these a context with pgettext:\n" + "\n".join(bare)


def test_one_english_word_has_a_chinese_word_per_context() -> None:
    assert pgettext("zh_CN", "login", "Code") == "验证码"
    assert pgettext("zh_CN", "account", "Code") == "科目代码"
    assert pgettext("zh_CN", "person", "Name") == "姓名"
    assert pgettext("zh_CN", "building", "Name") == "名称"
    assert pgettext("en", "account", "Code") == "Code"


def test_days_and_moments_are_written_as_people_write_them_in_chinas_time() -> None:
    assert format_day(date(2024, 11, 5), "zh_CN") == "2024年11月5日"
    assert format_day(date(2024, 11, 5), "en") == "5 Nov 2024"
    late_evening_utc = datetime(2024, 11, 4, 17, 30, tzinfo=UTC)  # 01:30 next day in Shanghai
    assert format_day(late_evening_utc, "zh_CN") == "2024年11月5日"
    assert format_moment(late_evening_utc, "zh_CN") == "2024年11月5日 01:30"
    assert format_moment("2024-11-04T17:30:00+00:00", "en") == "5 Nov 2024, 01:30"
