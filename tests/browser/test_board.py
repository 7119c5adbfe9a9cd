"""The owners' board and the verify page in Chromium, on a phone-sized screen (390×844).

The live server holds 荆川东园 as the demo loads it (tests/browser/conftest.py): its books
and a published notice for every month up to last month, October 2024's being SCENARIO.md's paper one. The
verify page's script (static/verify.js) runs for real here: it must accept the true
notice, and refuse it when the root on the paper, the server's record, or the log this
browser saw before does not match.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import BrowserContext
from playwright.sync_api import Page
from playwright.sync_api import Route
from playwright.sync_api import ViewportSize

from sunshine.demo import service as demo
from sunshine.kernel import merkle
from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.browser
PHONE: ViewportSize = {"width": 390, "height": 844}
NOTICE_API = "/api/v1/communities/jcdy/notices/2024-10"


def _latest_code(code_log: Path, phone: str) -> str:
    lines = [json.loads(line) for line in code_log.read_text(encoding="utf-8").splitlines()]
    return str(next(entry["code"] for entry in reversed(lines) if entry["phone"] == phone))


def _log_in_by_phone(page: Page, live_server: LiveServer) -> None:
    """On the login page (wherever it was reached from): the owner's phone and the code sent."""
    page.get_by_role("link", name="手机验证码登录").click()
    page.get_by_label("手机号").fill(demo.OWNER_PHONE)
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_label("验证码").fill(_latest_code(live_server.code_log, demo.OWNER_PHONE))
    page.get_by_role("button", name="登录").click()


@pytest.fixture
def owner(browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    """A phone-sized browser with the demo owner logged in, in Chinese."""
    context = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    try:
        page.goto("/login")
        _log_in_by_phone(page, live_server)
        page.wait_for_url(re.compile(r".*/c/jcdy$"))
        page.close()
        yield context
    finally:
        context.close()


def _fits_the_screen(page: Page) -> bool:
    return bool(page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"))


def _qr_path(context: BrowserContext) -> str:
    """Where October's printed QR code leads, as a path on the test server."""
    notice = context.request.get(NOTICE_API).json()
    parts = urlsplit(notice["verify_url"])
    return f"{parts.path}?{parts.query}"


def _check(page: Page, path: str) -> str:
    """Open the verify page and wait for the script's verdict: 'ok' or 'failed'."""
    page.goto(path)
    page.wait_for_selector("#verify[data-result]", timeout=20_000)
    return str(page.get_attribute("#verify", "data-result"))


def _results(page: Page) -> str:
    return page.locator("#verify-results").inner_text()


def test_the_board_renders_on_a_phone_and_fits_the_screen(
    owner: BrowserContext, tmp_path: Path
) -> None:
    page = owner.new_page()
    page.goto("/c/jcdy")
    page.get_by_role("link", name="业主公示栏").first.click()
    page.wait_for_url(re.compile(r".*/c/jcdy/board$"))
    page.wait_for_load_state("networkidle")

    main = page.locator("main")
    for text in (
        "业主公示栏", "最新公示", "期末余额", "往期公示", "签署日志的公钥", "2024-10", "预算执行情况"
    ):  # fmt: skip
        assert main.get_by_text(text).first.is_visible(), text
    charts = page.locator("figure.chart img")
    assert charts.count() == 4  # flows, balance, categories, and the budget vs actual
    for index in range(4):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        assert chart.evaluate("img => img.complete && img.naturalWidth > 0"), index
        assert chart.bounding_box()["width"] <= PHONE["width"]  # type: ignore[index]
    assert _fits_the_screen(page)

    shot = tmp_path / "board-phone.png"  # docs/screenshots: tests/browser/test_screenshots.py
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000


def test_the_october_notice_reads_on_a_phone(owner: BrowserContext, tmp_path: Path) -> None:
    page = owner.new_page()
    page.goto("/c/jcdy/notices/2024-10")

    spending = page.locator("table#spending")
    for text in ("水费", "电费", "人员工资", "更换道闸", "9,618.58"):
        assert spending.get_by_text(text).first.is_visible(), text
    assert spending.locator("a.voucher").count() >= 4
    assert "王小明" not in page.content()
    assert _fits_the_screen(page)
    page.screenshot(path=str(tmp_path / "notice-phone.png"), full_page=True)


def test_the_verify_script_accepts_the_true_notice_and_remembers_the_log(
    owner: BrowserContext, tmp_path: Path
) -> None:
    page = owner.new_page()
    qr = _qr_path(owner)

    assert _check(page, qr) == "ok", _results(page)
    first = _results(page)
    assert "这份公示与公示栏上的纸面一字不差" in first
    assert "服务器签署的日志状态与纸面上的相同" in first
    assert "签名有效：sunshine/jcdy" in first
    assert "签名有效：jcdy-committee-demo" in first
    assert "此后没有被改动或删除" in first
    assert "已记下今天的日志" in first
    assert page.locator("#verify-summary").is_visible()
    assert _fits_the_screen(page)
    page.screenshot(path=str(tmp_path / "verify-phone.png"), full_page=True)

    assert _check(page, qr) == "ok", _results(page)
    assert "没有被改写" in _results(page)  # the second visit compares with the saved checkpoint


def test_the_verify_script_refuses_a_root_that_is_not_the_logs(owner: BrowserContext) -> None:
    page = owner.new_page()
    qr = _qr_path(owner)
    root = re.search(r"root=([0-9a-f]{64})", qr).group(1)  # type: ignore[union-attr]
    forged = qr.replace(root, ("0" if root[0] != "0" else "1") + root[1:])

    assert _check(page, forged) == "failed"
    assert "这份公示与纸面不一致" in _results(page)
    first_failure = page.locator("#verify-results li.bad").first
    assert first_failure.evaluate("li => getComputedStyle(li).color") == "rgb(180, 35, 24)"  # red
    assert "核验失败" in page.locator("#verify-summary").inner_text()


def test_the_verify_script_refuses_a_record_the_server_changed(owner: BrowserContext) -> None:
    page = owner.new_page()
    qr = _qr_path(owner)

    def tamper(route: Route) -> None:
        notice = route.fetch().json()
        notice["record_text"] = notice["record_text"].replace("961858", "861858")
        route.fulfill(json=notice)

    page.route(re.compile(r".*/api/v1/communities/jcdy/notices/2024-10\?version=1$"), tamper)

    assert _check(page, qr) == "failed"
    assert "这份公示与纸面不一致" in _results(page)


def test_the_verify_script_notices_a_log_rewritten_since_the_last_visit(
    owner: BrowserContext,
) -> None:
    page = owner.new_page()
    qr = _qr_path(owner)
    assert _check(page, qr) == "ok", _results(page)
    saved = json.loads(page.evaluate("localStorage.getItem('sunshine.checkpoint.jcdy')"))
    saved["root"] = "ab" * 32  # what this browser saw before is not what the log says now
    page.evaluate(
        "saved => localStorage.setItem('sunshine.checkpoint.jcdy', saved)", json.dumps(saved)
    )

    assert _check(page, qr) == "failed"
    assert "日志被改写了" in _results(page)


def test_a_qr_code_scanned_logged_out_on_a_phone_shows_the_notice_and_its_check(
    browser: Browser, live_server: LiveServer, owner: BrowserContext
) -> None:
    """Issue 12's done: a passer-by scans October 2024's paper notice, with no login."""
    qr = _qr_path(owner)
    context = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server.url)
    try:
        page = context.new_page()
        assert _check(page, qr) == "ok", _results(page)
        assert page.url.endswith(qr)  # no detour through a login
        page.goto("/c/jcdy/notices/2024-10")
        assert "/login" not in page.url
        assert "2024" in page.locator("main").inner_text()
    finally:
        context.close()


def test_the_scripts_merkle_proofs_agree_with_the_kernels(owner: BrowserContext) -> None:
    """RFC 9162 proofs made by kernel.merkle check out in the browser; the plain SHA-256 too."""
    leaves = [merkle.leaf_hash(f"record {i}".encode()) for i in range(13)]
    tree = merkle.MemoryTree(leaves)
    inclusion = [
        [i, n, leaves[i].hex(), [p.hex() for p in merkle.inclusion_path(i, n, tree)]]
        for n in range(1, 14)
        for i in range(n)
    ]
    consistency = [
        [a, b, [p.hex() for p in merkle.consistency_path(a, b, tree)]]
        for b in range(1, 14)
        for a in range(1, b + 1)
    ]
    roots = [tree.root(n).hex() for n in range(14)]
    page = owner.new_page()
    page.goto("/c/jcdy/verify")
    failures = page.evaluate(
        """async ([inclusion, consistency, roots]) => {
          const V = window.SunshineVerify, h = V.fromHex, bad = [];
          for (const [i, n, leaf, proof] of inclusion) {
            const root = await V.rootFromInclusion(i, n, h(leaf), proof.map(h));
            if (V.hex(root) !== roots[n]) bad.push(`inclusion ${i}/${n}`);
          }
          for (const [a, b, proof] of consistency) {
            try { await V.checkConsistency(a, b, proof.map(h), h(roots[a]), h(roots[b])); }
            catch (e) { bad.push(`consistency ${a}->${b}: ${e.message}`); }
            if (a < b) {
              try { await V.checkConsistency(a, b, proof.map(h), h(roots[b]), h(roots[b]));
                    bad.push(`forged ${a}->${b} accepted`); } catch (e) { /* refused: right */ }
            }
          }
          for (const text of ["", "abc", "a".repeat(55), "a".repeat(64), "公示".repeat(99)]) {
            const data = new TextEncoder().encode(text);
            if (V.hex(V.sha256Plain(data)) !== V.hex(await V.sha256(data))) bad.push(`sha ${text}`);
          }
          return bad;
        }""",
        [inclusion, consistency, roots],
    )
    assert failures == []


def test_the_verify_page_speaks_the_pages_language_with_details_behind_a_toggle(
    owner: BrowserContext,
) -> None:
    """One plain line per check in the page's language; the hashes and sizes in <details>."""
    page = owner.new_page()
    qr = _qr_path(owner)
    assert _check(page, qr) == "ok", _results(page)
    lines = page.locator("#verify-results li > span.line").all_inner_texts()
    assert lines
    assert all(re.search(r"[\u4e00-\u9fff]", line) for line in lines), lines
    assert page.locator("#verify-results details summary").first.inner_text() == "详情"

    page.goto("/lang/en")
    assert _check(page, qr) == "ok", _results(page)
    lines = page.locator("#verify-results li > span.line").all_inner_texts()
    assert lines
    assert not any(re.search(r"[\u4e00-\u9fff]", line) for line in lines), lines
    assert any("word for word the one on the paper" in line for line in lines), lines
    detail = page.locator("#verify-results details").first
    assert not detail.locator("p.detail").is_visible()  # closed until asked for
    detail.locator("summary").click()
    assert "inclusion proof" in detail.locator("p.detail").inner_text()
    summary = page.locator("#verify-summary").inner_text()
    assert summary.startswith("Verified")
    assert not re.search(r"[\u4e00-\u9fff]", summary)
    page.goto("/lang/zh_CN")
