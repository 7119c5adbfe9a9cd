"""Everything user-facing exists in Chinese: every message in the source has a zh_CN translation."""

from __future__ import annotations

from sunshine.infra import catalog_check
from sunshine.infra.i18n import gettext


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
