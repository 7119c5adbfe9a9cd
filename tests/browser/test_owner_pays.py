"""The demo owner pays a bill on a phone through the development channel, end to end.

My bills → tick a bill, pay → the channel's page (/pay/dev/{order}) → pay → back to the
merchant → the order's page waits (htmx) until the server's booker has booked the
notification → the receipt, which only its owner can open. Pages are taken at 390×844 into
SUNSHINE_SCREENSHOTS=<folder> when given (else pytest's tmp folder). About 20 s alone (the
server's start and the demo load included).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import Page
from playwright.sync_api import expect

from sunshine.billing import service as billing
from sunshine.billing.jobs import booking
from sunshine.billing.rules.charges import ChargeKind
from sunshine.billing.rules.charges import Liable
from sunshine.billing.service.channels import registry as channels
from sunshine.demo import service as demo
from sunshine.infra import clock
from sunshine.infra.db import open_session
from sunshine.infra.settings import get_settings
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.registry import service as registry
from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
ITEM = "t-ownview"  # this test's own charge item: whatever else the demo bills, ours is open


def _bill_two_months() -> None:
    """Bill the demo for a charge item of the test's own, this month and two months ago (the
    older bills overdue: the arrears and reminder pages have rows to lay out too)."""
    with open_session(writes=True) as session:
        community = registry.community_ref(session, "jcdy")
        assert community is not None
        if billing.find_item(session, community.id, ITEM) is not None:
            return
        item = billing.add_item(
            session, community.id, code=ITEM, name="物业服务费（测试）",
            kind=ChargeKind.PER_AREA_MONTH, account_code="6001", liable=Liable.OWNER,
            first_month=1,
        )  # fmt: skip
        month = Period.of(clock.today())
        earlier = month.shift(-2)
        billing.set_rate(
            session, community.id, item.id, rate=Fen(50), effective_from=earlier.first_day,
            actor="test",
        )  # fmt: skip
        for period in (earlier, month):
            billing.post_run(session, community.id, item.id, period, actor="test")
        session.commit()


@pytest.fixture
def paying(live_server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The development channel sends payers to this server; its booker runs, as `serve`'s."""
    monkeypatch.setattr(get_settings(), "public_url", live_server.url)
    channels.forget_channels()
    _bill_two_months()
    booking.start_booker()
    try:
        yield
    finally:
        booking.stop_booker()
        channels.forget_channels()


def _shot(page: Page, name: str, tmp_path: Path) -> None:
    folder = Path(os.environ.get("SUNSHINE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"owner-{name}-phone.png"), full_page=True)


def _log_in(page: Page, live_server: LiveServer) -> None:
    page.goto("/login/phone")
    page.get_by_label("手机号").fill(demo.OWNER_PHONE)
    page.get_by_role("button", name="获取验证码").click()
    sent = [json.loads(line) for line in live_server.code_log.read_text().splitlines()]
    code = next(str(c["code"]) for c in reversed(sent) if c["phone"] == demo.OWNER_PHONE)
    page.get_by_label("验证码").fill(code)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r".*/c/jcdy$"))


def test_the_owner_pays_a_bill_on_a_phone_and_gets_the_receipt(
    browser: Browser, live_server: LiveServer, paying: None, tmp_path: Path
) -> None:
    context = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server.url)
    try:
        page = context.new_page()
        _log_in(page, live_server)
        page.get_by_role("link", name="我的账单").first.click()
        _shot(page, "bills", tmp_path)
        ours = page.locator("ul.my-bills li", has_text="物业服务费（测试）").first
        amount = ours.locator(".amount").inner_text()
        for box in page.locator("input[name=bill_ids]").all():  # only ours, the rest stay open
            box.set_checked(False)
        ours.locator("input[name=bill_ids]").check()
        ours.locator("xpath=ancestor::form").get_by_role("button").click()

        page.wait_for_url(re.compile(r".*/pay/dev/\w+$"))
        expect(page.locator("main")).to_contain_text(amount)
        _shot(page, "channel", tmp_path)
        page.get_by_role("button", name=re.compile("支付")).click()
        page.get_by_role("link", name="返回商户").click()

        status = page.locator("#order-status[data-status=paid-receipt]")
        expect(status).to_be_visible(timeout=15_000)  # htmx asked until it was booked
        _shot(page, "paid", tmp_path)
        status.get_by_role("link", name="查看收据").click()
        expect(page.locator("main")).to_contain_text(amount.lstrip("¥"))
        receipt = page.url
        _shot(page, "receipt", tmp_path)
        page.goto("/c/jcdy/my/receipts")
        expect(page.locator("main")).to_contain_text(amount)
        _shot(page, "receipts", tmp_path)

        context.clear_cookies()
        assert context.request.get(receipt, max_redirects=0).status in (303, 401)
    finally:
        context.close()
