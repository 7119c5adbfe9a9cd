"""The committee co-signs in Chromium with a key made in the browser (static/cosign.js).

A community of its own on the live server (the demo's notices are already co-signed with
its offline key): October 2024's books, a member of staff, a committee member and the
manager. Staff publish through the confirmation step; the member makes a key on this
browser (Web Crypto Ed25519, non-extractable, kept in IndexedDB); the manager confirms
it; the member co-signs the notice; the board says "委员会 1/1 名委员已联署". Debian's
Chromium 156 has Ed25519 in Web Crypto without any flag (since about 137): the test
asserts that first, so a browser without it fails here saying so.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import Page

from sunshine.identity.models import User
from sunshine.identity.rules import Role
from sunshine.infra.authority import MatterKind
from sunshine.infra.db import open_session
from sunshine.transparency import service as transparency
from sunshine.transparency.rules.records import PublicKey
from tests.browser.conftest import LiveServer
from tests.factories import PASSWORD
from tests.factories import make_user
from tests.governance.authority_setup import waive
from tests.ledger.books_support import book_october
from tests.ledger.books_support import community_with_books

pytestmark = pytest.mark.browser
HAS_ED25519 = """async () => {
  try { await crypto.subtle.generateKey({name: "Ed25519"}, false, ["sign", "verify"]); return true; }
  catch (e) { return false; }
}"""


def _log_in(page: Page, url: str, user: User) -> None:
    page.goto(url + "/login")
    page.get_by_label("用户名").fill(str(user.username))
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def test_a_member_co_signs_a_notice_with_a_key_made_in_the_browser(
    live_server: LiveServer, browser: Browser
) -> None:
    with open_session(writes=True) as session:
        setting = community_with_books(session)
        book_october(session, setting.books)
        code, cid = setting.code, setting.community.id
        member = make_user(session, community=setting.community, role=Role.COMMITTEE)
        manager = make_user(session, community=setting.community, role=Role.TRUSTEE_MANAGER)
        # This test is about the browser's key; the decision a key cites is tested elsewhere.
        waive(session, cid, MatterKind.SIGNING_KEY)
        session.commit()
    url = live_server.url
    staff_side, member_side = (
        browser.new_context(locale="zh-CN"),
        browser.new_context(locale="zh-CN"),
    )
    try:
        staff = staff_side.new_page()
        _log_in(staff, url, setting.staff)
        staff.goto(f"{url}/c/{code}/notices/2024-10/publish")
        staff.get_by_role("button", name="发布前核对").click()
        assert "将要发布的内容" in staff.locator("main").inner_text()
        staff.get_by_role("button", name="发布").click()
        staff.wait_for_url(f"{url}/c/{code}/notices/2024-10?v=1")

        page = member_side.new_page()
        _log_in(page, url, member)
        page.goto(f"{url}/c/{code}/cosign")
        assert page.evaluate(HAS_ED25519), "this Chromium has no Ed25519 in Web Crypto"
        page.get_by_label("设备名称").fill("测试浏览器")
        page.get_by_role("button", name="在本设备上生成密钥").click()
        page.get_by_text("等待确认").wait_for()

        staff.context.clear_cookies()
        _log_in(staff, url, manager)
        staff.goto(f"{url}/c/{code}/cosign")
        staff.get_by_role("button", name="确认此密钥").click()
        staff.get_by_text("已确认").wait_for()

        page.goto(f"{url}/c/{code}/board")
        assert "尚未联署" in page.locator("main").inner_text()
        page.goto(f"{url}/c/{code}/notices/2024-10")
        page.get_by_role("button", name="用本设备联署").click()
        page.get_by_text("您已联署本期公示").wait_for()
        page.goto(f"{url}/c/{code}/board")

        assert "委员会 1/1 名委员已联署" in page.locator("main").inner_text()
        with open_session() as session:
            [key] = transparency.committee_keys(session, cid)
            note = transparency.signed_note(
                session, cid, transparency.latest_checkpoint(session, cid)
            )
            assert key.member_id == member.id
            assert key.device == "测试浏览器"
            assert note.signed_by(PublicKey(key.name, key.public_key))
        stored = page.evaluate(
            """() => new Promise((ok) => {
                 const open = indexedDB.open("sunshine-cosign", 1);
                 open.onsuccess = () => {
                   const get = open.result.transaction("keys").objectStore("keys").getAll();
                   get.onsuccess = () => ok(get.result.map((p) => p.privateKey.extractable));
                 };
               })"""
        )
        assert stored == [False]  # the private key cannot be read out of the browser
    finally:
        staff_side.close()
        member_side.close()
