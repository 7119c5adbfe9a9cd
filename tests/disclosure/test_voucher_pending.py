"""Publishing a notice whose vouchers have no public copy: the publisher is warned and
told which, and owners see "public copy pending" instead of a link until it is made."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from sunshine.disclosure.service import notices
from sunshine.ledger import service as ledger
from tests.disclosure.test_board_pages import NOVEMBER_5
from tests.disclosure.test_board_pages import OCTOBER
from tests.disclosure.test_board_pages import _october
from tests.disclosure.test_board_pages import _text
from tests.factories import log_in


def test_the_publish_page_lists_the_vouchers_without_a_public_copy(
    client: TestClient, session: Session
) -> None:
    setting, ref, sha = _october(session)
    log_in(client, session, setting.staff)

    warned = client.get(f"/c/{setting.code}/notices/2024-10/publish")

    assert warned.status_code == 200
    words = _text(warned.text)
    assert "本期公示引用的凭证中有 1 张还没有公开副本。" in words
    assert f'<a href="/c/{setting.code}/vouchers/{sha}">凭证 <code>{sha[:12]}…</code></a>' in (
        warned.text
    )
    assert f"凭证 {sha[:12]}… · 分录 5" in words

    ledger.publish_original(session, ref.id, sha, actor_id=None)
    clean = client.get(f"/c/{setting.code}/notices/2024-10/publish")
    assert "还没有公开副本" not in clean.text


def test_owners_see_public_copy_pending_and_staff_still_reach_the_voucher(
    client: TestClient, session: Session
) -> None:
    setting, ref, sha = _october(session)
    notices.publish_notice(session, ref, period=OCTOBER, actor_id=None, today=NOVEMBER_5)

    log_in(client, session, setting.owner)
    owner_view = client.get(f"/c/{setting.code}/notices/2024-10")
    assert "公开副本待制作" in owner_view.text
    assert f"/vouchers/{sha}" not in owner_view.text

    log_in(client, session, setting.staff)
    staff_view = client.get(f"/c/{setting.code}/notices/2024-10")
    assert f'href="/c/{setting.code}/vouchers/{sha}?notice=2024-10"' in staff_view.text
    assert "公开副本待制作" in staff_view.text
