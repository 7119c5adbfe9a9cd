"""On a phone: staff open a survey, an owner answers it online and changes the answer, staff
close it, and the owner reads the result labelled as a survey, not a vote."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import Page

from sunshine.demo import service as demo
from sunshine.infra import clock
from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def _latest_code(code_log: Path, phone: str) -> str:
    lines = [json.loads(line) for line in code_log.read_text(encoding="utf-8").splitlines()]
    return next(entry["code"] for entry in reversed(lines) if entry["phone"] == phone)


def _fits(page: Page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]


def test_an_owner_answers_a_survey_on_a_phone(live_server: LiveServer, browser: Browser) -> None:
    staff = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server.url)
    owner = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server.url)
    try:
        desk = staff.new_page()
        desk.goto("/login")
        desk.get_by_label("用户名").fill("staff")
        desk.get_by_label("密码").fill(demo.DEMO_PASSWORD)
        desk.get_by_role("button", name="登录").click()
        desk.wait_for_url(re.compile(r".*/c/jcdy$"))
        desk.goto("/c/jcdy/surveys/new")
        desk.locator("input[name=title]").fill("东门空地改作访客车位意见征求")
        desk.locator("input[name=question]").fill("是否同意东门空地改作访客车位？")
        desk.locator("select[name=asked_of]").select_option("households")
        desk.locator("input[name=closes_on]").fill(clock.today().isoformat())
        desk.get_by_role("button", name="发起").click()
        desk.wait_for_url(re.compile(r".*/c/jcdy/surveys/\d+$"))
        survey_url = desk.url

        phone = owner.new_page()
        phone.goto("/login/phone")
        phone.get_by_label("手机号").fill(demo.OWNER_PHONE)
        phone.get_by_role("button", name="获取验证码").click()
        phone.get_by_label("验证码").fill(_latest_code(live_server.code_log, demo.OWNER_PHONE))
        phone.get_by_role("button", name="登录").click()
        phone.wait_for_url(re.compile(r".*/c/jcdy$"))
        phone.get_by_role("link", name="意见征求").first.click()
        phone.wait_for_url(re.compile(r".*/c/jcdy/surveys$"))
        assert "不具表决效力" in phone.locator("main").inner_text()
        phone.goto(survey_url)
        _fits(phone)
        phone.get_by_label("不同意").first.check()
        phone.get_by_role("button", name="提交我的意见").first.click()
        phone.wait_for_url(re.compile(r".*\?saved=1$"))
        phone.get_by_label("同意", exact=True).first.check()  # changed before it closes
        phone.get_by_role("button", name="提交我的意见").first.click()
        phone.wait_for_url(re.compile(r".*\?saved=1$"))
        assert "已作答" in phone.locator("main").inner_text()

        desk.goto(survey_url)
        desk.get_by_role("button", name="结束征求并公布结果").click()
        desk.wait_for_url(survey_url)

        phone.goto(survey_url)
        shown = phone.locator("main").inner_text()
        assert "意见征求，不具表决效力" in shown
        assert "100.0%" in shown  # the one valid response, changed to 同意
        _fits(phone)
    finally:
        staff.close()
        owner.close()
