"""The screenshots in docs/screenshots/, taken from the demo as a fresh `./run.sh` shows it.

    SUNSHINE_SCREENSHOTS=docs .venv/bin/pytest tests/browser/test_screenshots.py

regenerates every picture (the README shows them); without the variable the same pages are
taken to a temporary folder, so a test run leaves the working tree as it found it. The owner's
pages (the board, the October 2024 notice, its verify page, passing) at desktop width and at
390×844; the governance pages owners read, at 390×844; the staff workbench at desktop width,
as the trustee's staff.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import BrowserContext
from playwright.sync_api import Page
from playwright.sync_api import ViewportSize

from sunshine.demo import service as demo
from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.browser
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 390, "height": 844}
NOTICE = "/c/jcdy/notices/2024-10"
NOTICE_API = "/api/v1/communities/jcdy/notices/2024-10"


def _log_in_by_phone(page: Page, live_server: LiveServer) -> None:
    """On the login page: the owner's phone and the code the server logged for it."""
    page.get_by_role("link", name="手机验证码登录").click()
    page.get_by_label("手机号").fill(demo.OWNER_PHONE)
    page.get_by_role("button", name="获取验证码").click()
    sent = live_server.code_log.read_text(encoding="utf-8").splitlines()
    codes = [json.loads(line) for line in sent]
    page.get_by_label("验证码").fill(
        next(str(c["code"]) for c in reversed(codes) if c["phone"] == demo.OWNER_PHONE)
    )
    page.get_by_role("button", name="登录").click()


def _owner(browser: Browser, live_server: LiveServer, viewport: ViewportSize) -> BrowserContext:
    """A browser of the given size with the demo owner logged in by phone, in Chinese."""
    context = browser.new_context(viewport=viewport, locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.goto("/login")
    _log_in_by_phone(page, live_server)
    page.wait_for_url(re.compile(r".*/c/jcdy$"))
    page.close()
    return context


def _save(page: Page, name: str, tmp_path: Path) -> None:
    """Take the whole page; into docs/screenshots/ when asked (SUNSHINE_SCREENSHOTS=docs)."""
    page.wait_for_load_state("networkidle")
    images = page.locator("img")
    for index in range(images.count()):  # the charts load lazily: bring each into view
        images.nth(index).scroll_into_view_if_needed()
    # A function, not a bare expression: Playwright polls a bare expression with eval(),
    # which the pages' CSP (script-src 'self') refuses once the first check has failed.
    page.wait_for_function(
        "() => [...document.images].every(i => i.complete && i.naturalWidth > 0)"
    )
    page.evaluate("window.scrollTo(0, 0)")
    shot = tmp_path / name
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    if os.environ.get("SUNSHINE_SCREENSHOTS") == "docs":
        shutil.copyfile(shot, DOCS / name)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_owners_pages(
    size: str, browser: Browser, live_server: LiveServer, tmp_path: Path
) -> None:
    """The board, the October 2024 notice and its verify page, passing: one login for all."""
    context = _owner(browser, live_server, DESKTOP if size == "desktop" else PHONE)
    try:
        page = context.new_page()
        page.goto("/c/jcdy/board")
        assert page.locator("main").get_by_text("最新公示").first.is_visible()
        _save(page, f"board-{size}.png", tmp_path)

        page.goto(NOTICE)
        assert page.locator("main").get_by_text("9,618.58").first.is_visible()
        _save(page, f"notice-{size}.png", tmp_path)

        parts = urlsplit(context.request.get(NOTICE_API).json()["verify_url"])
        page.goto(f"{parts.path}?{parts.query}")
        page.wait_for_selector("#verify[data-result]", timeout=20_000)
        assert page.get_attribute("#verify", "data-result") == "ok"
        _save(page, f"verify-{size}.png", tmp_path)
    finally:
        context.close()


def test_the_staff_workbench(browser: Browser, live_server: LiveServer, tmp_path: Path) -> None:
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", base_url=live_server.url)
    try:
        page = context.new_page()
        page.goto("/login")
        page.locator("input[name=username]").fill("staff")
        page.locator("input[name=password]").fill(demo.DEMO_PASSWORD)
        page.locator("form button[type=submit]").first.click()
        page.wait_for_load_state("networkidle")
        page.goto("/c/jcdy/registry")
        assert page.url.endswith("/c/jcdy/registry")
        _save(page, "workbench-desktop.png", tmp_path)
    finally:
        context.close()


# What owners see of their community's decisions, on a phone: the vote they held, the
# committee's decisions, the gate's approval, the survey and the joint meeting.
GOVERNANCE = (
    ("/c/jcdy/votes/1/result", "通过", "vote-result-phone.png"),
    ("/c/jcdy/decisions", "物管会", "decisions-phone.png"),
    ("/c/jcdy/expenses/1", "4,100.00", "expense-phone.png"),
    ("/c/jcdy/surveys/1", "72.3%", "survey-phone.png"),
    ("/c/jcdy/meetings/1", "四方联席", "meeting-phone.png"),
)


def test_the_owners_governance_pages(
    browser: Browser, live_server: LiveServer, tmp_path: Path
) -> None:
    context = _owner(browser, live_server, PHONE)
    try:
        page = context.new_page()
        for url, seen, name in GOVERNANCE:
            page.goto(url)
            assert page.locator("main").get_by_text(seen).first.is_visible(), url
            _save(page, name, tmp_path)
    finally:
        context.close()
