"""A committee member approves a proposed expense in Chromium, on a phone-sized screen.

A community of its own on the live server: a committee of four with logins, spending
limits (above 2,000.00 three approvals), and the trustee's proposed 4,100.00 gate
replacement with its quote. The member opens the community's expenses, then the expense,
writes a comment and approves; the page shows the approval with the comment, and the
expense waits for two more.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import Page

from sunshine.governance.service import spending
from sunshine.identity.models import User
from sunshine.infra.db import open_session
from sunshine.registry.models import Community
from tests.browser.conftest import LiveServer
from tests.factories import PASSWORD
from tests.governance.spending_setup import propose
from tests.governance.spending_setup import shop

pytestmark = pytest.mark.browser


def _log_in(page: Page, url: str, username: str) -> None:
    page.goto(url + "/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def test_a_committee_member_approves_a_proposed_expense(
    live_server: LiveServer, browser: Browser
) -> None:
    with open_session(writes=True) as session:
        s = shop(session)
        number = propose(session, s)
        community = session.get(Community, s.cid)
        member = session.get(User, s.users[0])
        assert community is not None
        assert member is not None
        code, username = community.code, str(member.username)
        session.commit()
    url = live_server.url
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        _log_in(page, url, username)
        page.goto(f"{url}/c/{code}")
        page.get_by_role("link", name="支出审批").click()
        page.get_by_role("link", name="更换道闸系统").click()
        page.wait_for_url(f"{url}/c/{code}/expenses/{number}")
        assert "待审批" in page.locator("#state").inner_text()
        page.get_by_label("意见").fill("报价合理，同意更换。")
        page.get_by_role("button", name="同意", exact=True).click()
        page.wait_for_url(f"{url}/c/{code}/expenses/{number}")
        answers = page.locator("#answers").inner_text()
        assert "报价合理，同意更换。" in answers
        assert page.get_by_role("button", name="同意", exact=True).count() == 0  # answered once
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390  # nothing runs off a phone's screen
    finally:
        context.close()
    with open_session() as session:
        expense = spending.get_expense(session, s.cid, number)
        assert expense.state.value == "proposed"  # one of the three approvals needed
        assert len(spending.approvals_of(session, s.cid, number)) == 1
