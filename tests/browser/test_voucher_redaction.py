"""Making a voucher's public copy in Chromium: staff drag a box over the personal data on
the original, save, and the voucher page shows the copy the server blacked out.

Runs static/voucher-redact.js and static/voucher-view.js for real, under the app's
Content-Security-Policy (no inline script), against the live demo server.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
from PIL import Image
from playwright.sync_api import Browser
from playwright.sync_api import BrowserContext
from playwright.sync_api import ConsoleMessage

from sunshine.demo import service as demo
from sunshine.infra.db import session_factory
from sunshine.ledger import service as ledger
from sunshine.registry import service as registry
from tests.browser.conftest import LiveServer
from tests.ledger.redaction_support import picture

pytestmark = pytest.mark.browser


@pytest.fixture
def manager(browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    try:
        yield context
    finally:
        context.close()


def _new_voucher() -> str:
    """A voucher of the demo community with no public copy: a coloured 400 × 200 picture."""
    with session_factory()() as session:
        community = registry.get_community(session, "jcdy")
        data = picture(size=(400, 200))
        voucher = ledger.store_voucher(session, community.id, data, name="收据.png", actor_id=None)
        session.commit()
        return voucher.sha256


def test_staff_draw_a_box_and_the_public_copy_is_blacked_out_there(
    manager: BrowserContext,
) -> None:
    sha = _new_voucher()
    complaints: list[str] = []
    page = manager.new_page()
    page.on("pageerror", lambda error: complaints.append(str(error)))
    page.on(
        "console",
        lambda m: complaints.append(m.text) if _complaint(m) else None,
    )
    page.goto("/login")
    page.get_by_label("用户名").fill("manager")
    page.get_by_label("密码").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r".*/c/jcdy$"))

    page.goto(f"/c/jcdy/vouchers/{sha}")
    assert page.get_by_text("公开副本待制作").first.is_visible()
    page.get_by_role("link", name="在个人信息上画框遮盖").click()
    page.wait_for_url(re.compile(rf".*/vouchers/{sha}/redact$"))
    image = page.locator(".redact-page img").first
    box = image.bounding_box()
    assert box is not None
    # Drag from a quarter of the way in to three quarters, on the picture as shown.
    page.mouse.move(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.25)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5, steps=4)
    page.mouse.move(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.75, steps=4)
    page.mouse.up()
    assert page.get_by_text("已画 1 个框。").is_visible()
    page.get_by_role("button", name="涂黑并保存公开副本").click()
    page.wait_for_url(re.compile(rf".*/vouchers/{sha}$"))

    shown = page.locator("img.voucher-page")
    assert shown.count() == 1
    before = shown.bounding_box()
    page.get_by_role("button", name="放大", exact=True).click()
    after = shown.bounding_box()
    assert before is not None
    assert after is not None
    assert after["width"] > before["width"] * 1.4  # static/voucher-view.js zoomed in
    copy = page.request.get(f"/c/jcdy/vouchers/{sha}/public-copy")
    assert copy.ok
    pixels = Image.open(io.BytesIO(copy.body())).convert("RGB")
    assert pixels.getpixel((200, 100)) == (0, 0, 0)  # the middle: under the box
    assert pixels.getpixel((170, 20)) == (220, 20, 20)  # the red square: above the box
    assert pixels.getpixel((350, 50)) == (30, 60, 200)  # the blue band: right of it
    assert pixels.getpixel((20, 20)) == (250, 240, 200)  # the background: outside it
    assert complaints == []


def _complaint(message: ConsoleMessage) -> bool:
    return message.type == "error" or "Content Security Policy" in message.text
