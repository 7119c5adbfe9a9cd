"""The demo owner reads the joint meeting on a phone: from the home page to the minutes, with the
overdue action in red (Chromium, 390×844, Chinese)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import Page
from playwright.sync_api import ViewportSize

from sunshine.demo import service as demo
from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.browser
PHONE: ViewportSize = {"width": 390, "height": 844}


def _latest_code(code_log: Path, phone: str) -> str:
    lines = [json.loads(line) for line in code_log.read_text(encoding="utf-8").splitlines()]
    return str(next(entry["code"] for entry in reversed(lines) if entry["phone"] == phone))


def _log_in(page: Page, live_server: LiveServer) -> None:
    page.goto("/login")
    page.get_by_role("link", name="手机验证码登录").click()
    page.get_by_label("手机号").fill(demo.OWNER_PHONE)
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_label("验证码").fill(_latest_code(live_server.code_log, demo.OWNER_PHONE))
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r".*/c/jcdy$"))


def test_an_owner_reads_the_joint_meeting_on_a_phone(
    browser: Browser, live_server: LiveServer
) -> None:
    context = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    try:
        _log_in(page, live_server)
        page.get_by_role("link", name="四方联席会议").first.click()
        page.wait_for_url(re.compile(r".*/c/jcdy/meetings$"))
        alert = page.locator("section[role=alert] li.bad")
        assert alert.count() == 1
        assert "开源节流" in alert.inner_text()
        red = alert.evaluate("(el) => getComputedStyle(el).color")
        assert red != page.locator("main p").first.evaluate("(el) => getComputedStyle(el).color")
        page.get_by_role("link", name=re.compile("荆川东园四方联席会议")).click()
        page.wait_for_url(re.compile(r".*/c/jcdy/meetings/1$"))
        assert "四方均已参会" in page.inner_text("main")
        assert page.locator("tr.bad").count() == 1
        assert "陈**" in page.inner_text("main")
        assert "陈立新" not in page.content()
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"]
    finally:
        context.close()
