"""The main pages in chromium under the Content-Security-Policy, as the manager and as an owner.

The policy (infra/headers.py) forbids inline script and style; chromium reports anything it
blocks as a console error ("Refused to …"). Every page below is opened, its scripts
exercised (the units filter, the booking form's totals, the gap calculator's htmx
request, the error page's back link), and the test fails on any console error or uncaught
script error. The owner's session is made directly (the phone login has its own test).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import BrowserContext
from playwright.sync_api import ConsoleMessage
from playwright.sync_api import Page

from sunshine.demo import service as demo
from sunshine.identity import service as identity
from sunshine.infra.db import session_factory
from sunshine.infra.web import SESSION_COOKIE
from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.browser

EVERYONE = [
    "/c/jcdy",
    "/c/jcdy/board",
    "/c/jcdy/books",
    "/c/jcdy/ledger/entries/1",
    "/c/jcdy/notices",
    "/c/jcdy/notices/2024-10",
    "/c/jcdy/verify",
    "/c/jcdy/budget",
    "/c/jcdy/budget/1",
    "/c/jcdy/budget/1/actual",
]
ERROR_PAGE = "/c/jcdy/ledger/entries/999999"
EXPECTED_404 = ("/favicon.ico", ERROR_PAGE)  # there is no icon; the error page is a 404
STAFF = [
    "/c/jcdy/registry",
    "/c/jcdy/registry/buildings",
    "/c/jcdy/registry/people",
    "/c/jcdy/registry/vehicles",
    "/c/jcdy/registry/roster",
    "/c/jcdy/ledger",
    "/c/jcdy/ledger/reports",
    "/c/jcdy/ledger/reports/trial-balance",
]


class Problems:
    """What the browser complained about, page by page."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def watch(self, page: Page) -> Page:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.seen.append(f"{page.url}: {error}"))
        return page

    def _console(self, message: ConsoleMessage) -> None:
        url = message.location.get("url", "")
        if url.endswith(EXPECTED_404):
            return
        if message.type == "error" or "Content Security Policy" in message.text:
            self.seen.append(f"{url}: {message.text}")


@pytest.fixture
def manager(browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def owner(browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    with session_factory()() as session:
        user = identity.find_user_by_phone(session, demo.OWNER_PHONE)
        assert user is not None
        token = identity.start_session(session, user_id=user.id)
        session.commit()
    context = browser.new_context(
        locale="zh-CN", base_url=live_server.url, viewport={"width": 390, "height": 844}
    )
    context.add_cookies([{"name": SESSION_COOKIE, "value": token, "url": live_server.url}])
    try:
        yield context
    finally:
        context.close()


def _visit(page: Page, paths: list[str]) -> None:
    for path in paths:
        reply = page.goto(path)
        assert reply is not None
        assert reply.status == 200, path
        assert "script-src 'self'" in reply.headers["content-security-policy"]
        page.wait_for_load_state("load")


def test_the_managers_pages_run_under_the_policy(manager: BrowserContext) -> None:
    problems = Problems()
    page = problems.watch(manager.new_page())
    page.goto("/login")
    page.get_by_label("用户名").fill("manager")
    page.get_by_label("密码").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r".*/c/jcdy$"))

    _visit(page, EVERYONE + STAFF)
    page.goto("/c/jcdy/registry/units")
    page.locator("select[name=building]").select_option(index=1)  # submits itself
    page.wait_for_url(re.compile(r".*/registry/units\?building=\d+$"))
    page.goto("/c/jcdy/ledger/new")
    page.locator("[data-debit]").first.fill("12.50")
    assert page.locator("[data-debit-total]").inner_text() == "12.50"  # ledger-entry.js ran
    page.goto("/c/jcdy/budget/1/gap")
    with page.expect_response(re.compile(r".*/budget/1/gap\?.*advertising=1000")):
        page.locator("input[name=advertising]").fill("1000")  # htmx asks for the result
    page.goto("/c/jcdy/ledger")
    page.goto(ERROR_PAGE)
    page.get_by_role("link", name="返回").click()  # back, by static/sunshine.js
    page.wait_for_url(re.compile(r".*/c/jcdy/ledger$"))

    assert problems.seen == []


def test_an_owners_pages_run_under_the_policy(owner: BrowserContext) -> None:
    problems = Problems()
    page = problems.watch(owner.new_page())

    _visit(page, EVERYONE)

    assert problems.seen == []
