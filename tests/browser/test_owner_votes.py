"""The demo owner votes on a phone, keeps the receipt code and finds the ballot with it.

The demo's own vote is closed, so the test drafts and opens one of its own in the live
server's database first (all owners, open from an hour ago until tomorrow). Community home
→ owners' votes → the vote → agree to matter 1, leave matter 2 blank → the receipt code,
shown once → find my ballot by that code: the latest ballot, not yet counted.
"""

from __future__ import annotations

import json
import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import Page
from playwright.sync_api import expect

from sunshine.demo import service as demo
from sunshine.governance.rules.roll import Scope
from sunshine.governance.rules.thresholds import Item
from sunshine.governance.service import counting
from sunshine.governance.service import votes
from sunshine.governance.service.votes import MatterDraft
from sunshine.infra import clock
from sunshine.infra.db import open_session
from sunshine.registry import service as registry
from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
TITLE = "小区南门增设非机动车充电棚（测试）"


def _open_a_vote() -> int:
    with open_session(writes=True) as session:
        community = registry.community_ref(session, "jcdy")
        assert community is not None
        now = clock.now()
        vote = votes.create_vote(
            session, community.id, title=TITLE, scope=Scope(),
            matters=[MatterDraft(Item.CHANGE_USE_OF_COMMON_PARTS, "南门空地增设非机动车充电棚"),
                     MatterDraft(Item.OTHER_MAJOR_MATTER, "充电收益归业主信托资金")],
            opens_at=now - timedelta(hours=1), closes_at=now + timedelta(days=1),
            notice_text="物管会公告：即日起至明日表决。", notice_on=clock.today() - timedelta(days=2),
            actor_id=None,
        )  # fmt: skip
        counting.open_vote(session, community.id, vote.id, at=now - timedelta(minutes=30))
        session.commit()
        return vote.id


def _shot(page: Page, name: str, tmp_path: Path) -> None:
    folder = Path(os.environ.get("SUNSHINE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"vote-{name}-phone.png"), full_page=True)


def _log_in(page: Page, live_server: LiveServer) -> None:
    page.goto("/login/phone")
    page.get_by_label("手机号").fill(demo.OWNER_PHONE)
    page.get_by_role("button", name="获取验证码").click()
    sent = [json.loads(line) for line in live_server.code_log.read_text().splitlines()]
    code = next(str(c["code"]) for c in reversed(sent) if c["phone"] == demo.OWNER_PHONE)
    page.get_by_label("验证码").fill(code)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r".*/c/jcdy$"))


def test_the_owner_votes_on_a_phone_and_finds_the_ballot_by_its_receipt(
    browser: Browser, live_server: LiveServer, tmp_path: Path
) -> None:
    vote_id = _open_a_vote()
    context = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server.url)
    try:
        page = context.new_page()
        _log_in(page, live_server)
        page.get_by_role("link", name="业主表决").first.click()
        page.wait_for_url(re.compile(r".*/c/jcdy/votes$"))
        _shot(page, "list", tmp_path)
        page.get_by_role("link", name=re.compile(TITLE)).click()
        page.wait_for_url(re.compile(rf".*/votes/{vote_id}$"))
        ballot = page.locator("form.ballot").first
        ballot.locator("fieldset").first.get_by_label("同意").check()
        _shot(page, "ballot", tmp_path)
        ballot.get_by_role("button", name="提交我的选票").click()
        code = page.locator("#receipt-code")
        expect(code).to_have_text(re.compile(r"^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$"))
        receipt = code.inner_text()
        _shot(page, "receipt", tmp_path)
        wide = page.evaluate("() => document.documentElement.scrollWidth")
        assert wide <= PHONE["width"]  # the code and the page fit the phone

        page.get_by_role("link", name="凭回执码查询我的选票").first.click()
        page.get_by_label("回执码").fill(receipt)
        page.get_by_role("button", name="查询我的选票").click()
        found = page.locator("#receipt-found")
        expect(found).to_contain_text("这是该业主最新的一张选票")
        expect(found).to_contain_text("同意")
        expect(found).to_contain_text("不作答")  # matter 2, left blank
        expect(found).to_contain_text("表决尚未截止")
        _shot(page, "found", tmp_path)

        page.goto("/c/jcdy/votes")  # the demo's held vote: its published result fits too
        page.get_by_role("link", name="表决结果").first.click()
        expect(page.locator("main")).to_contain_text("通过")
        expect(page.locator("main")).to_contain_text("民法典第二百七十八条第二款")
        _shot(page, "result", tmp_path)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()
