"""An owner logs in by phone in Chromium on a phone-sized screen and sees the community home page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from sunshine.demo import service as demo
from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def _latest_code(code_log: Path, phone: str) -> str:
    lines = [json.loads(line) for line in code_log.read_text(encoding="utf-8").splitlines()]
    return next(entry["code"] for entry in reversed(lines) if entry["phone"] == phone)


def test_an_owner_logs_in_by_phone_and_sees_the_community_home_page(
    live_server: LiveServer, browser: Browser
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")  # the public front page: phone login comes first
        page.get_by_role("link", name="手机验证码登录").first.click()
        page.get_by_label("手机号").fill(demo.OWNER_PHONE)
        page.get_by_role("button", name="获取验证码").click()
        page.get_by_label("验证码").fill(_latest_code(live_server.code_log, demo.OWNER_PHONE))
        page.get_by_role("button", name="登录").click()

        page.wait_for_url(live_server.url + "/c/jcdy")
        body = page.locator("main").inner_text()
        assert "荆川东园" in body
        assert "常州鼎盛物业服务有限责任公司" in body
        assert "192" in body  # households
        assert "69" in body or ("60" in body and "9" in body)  # parking spaces
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "owner-home.png"), full_page=True)
    finally:
        context.close()
