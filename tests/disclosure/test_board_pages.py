"""The owners' board, the notice pages, publishing through the staff form and the verify page.

On SQLite and PostgreSQL, with 荆川东园's October 2024 (tests/ledger/books_support.py):
water 23.58, electricity 195.00, wages 5,300.00 paid to a person (王小明, shown 王**) and
the gate 4,100.00; 9,618.58 in all. Pages are in Chinese by default.
"""

from __future__ import annotations

import re
from datetime import date
from html import escape
from urllib.parse import quote

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from sunshine.disclosure.models.notices import NoticeVersion
from sunshine.disclosure.service import notices
from sunshine.infra.tenancy import CommunityRef
from sunshine.kernel.periods import Period
from sunshine.ledger import service as ledger
from sunshine.registry.service import publicity
from tests.factories import log_in
from tests.ledger.books_support import FORM
from tests.ledger.books_support import PNG
from tests.ledger.books_support import Setting
from tests.ledger.books_support import book_october
from tests.ledger.books_support import community_with_books
from tests.ledger.builders import pay

OCTOBER = Period(2024, 10)
NOVEMBER_5 = date(2024, 11, 5)


def _october(session: Session) -> tuple[Setting, CommunityRef, str]:
    """October's books, the gate's invoice as its voucher; returns the voucher's SHA-256."""
    setting = community_with_books(session)
    book_october(session, setting.books)
    cid = setting.community.id
    voucher = ledger.store_voucher(session, cid, PNG, name="道闸发票.png", actor_id=None)
    ledger.attach_voucher(session, cid, entry_id=5, sha256=voucher.sha256)
    ref = CommunityRef(cid, setting.code, setting.community.name)
    return setting, ref, voucher.sha256


def _published(session: Session) -> tuple[Setting, CommunityRef, NoticeVersion]:
    setting, ref, _ = _october(session)
    found = notices.publish_notice(session, ref, period=OCTOBER, actor_id=None, today=NOVEMBER_5)
    return setting, ref, found


def _correct_october(session: Session, setting: Setting, ref: CommunityRef) -> NoticeVersion:
    """A late water bill for October, and version 2 that says why."""
    pay(session, setting.books, date(2024, 10, 30), "660801", "10.00", "10月公共水费补缴")
    return notices.publish_notice(
        session,
        ref,
        period=OCTOBER,
        actor_id=None,
        today=date(2024, 11, 20),
        reason="补记10月30日的水费",
    )


def _text(html: str) -> str:
    """The page's words, without tags, with whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_board_shows_the_latest_notice_and_no_personal_names(
    client: TestClient, session: Session
) -> None:
    setting, _ref, found = _published(session)
    log_in(client, session, setting.owner)

    page = client.get(f"/c/{setting.code}/board")

    assert page.status_code == 200, page.text
    words = _text(page.text)
    assert "业主公示栏" in words
    assert "最新公示: 2024-10" in words
    for figure in ("50,000.00", "+0.00", "−9,618.58", "−0.00", "40,381.42"):
        assert figure in words, figure
    assert f'href="/c/{setting.code}/notices/2024-10"' in page.text
    printed = notices.printed_checkpoint(session, setting.community.id, found)
    assert printed.fingerprint in words
    assert "王小明" not in page.text
    # The charts are SVGs drawn on the server.
    for chart in ("flows", "balance", "categories"):
        assert f'src="/c/{setting.code}/board/{chart}.svg"' in page.text
        svg = client.get(f"/c/{setting.code}/board/{chart}.svg")
        assert svg.status_code == 200
        assert svg.headers["content-type"] == "image/svg+xml"
        assert b"<svg" in svg.content
        assert b"<script src" not in svg.content  # no script from the internet
    assert client.get(f"/c/{setting.code}/board/pie.svg").status_code == 404
    # Where the money went: by category, exact amounts beside the chart.
    assert "人员工资及社保 5,300.00" in words
    assert "共用部位及设施设备运行维护 4,100.00" in words
    # The keys that sign the log, with fingerprints.
    assert f"sunshine/{setting.code}" in words
    assert "平台：签署每个检查点" in words


def test_the_board_shows_overdue_notices_plainly(client: TestClient, session: Session) -> None:
    setting, _ref, _found = _published(session)  # September's (the opening entry) never was
    log_in(client, session, setting.owner)

    words = _text(client.get(f"/c/{setting.code}/board").text)

    assert "逾期未公示: " in words
    assert "2024-09 截止于 2024年10月10日" in words
    assert "2024-11 – " in words  # and every month since: one line
    assert "最早一份截止于 2024年12月10日" in words


def test_the_notice_page_shows_the_four_lines_with_their_vouchers(
    client: TestClient, session: Session
) -> None:
    setting, ref, _ = _october(session)
    sha = ledger.voucher_hashes(session, ref.id, 5)[0]
    notices.publish_notice(session, ref, period=OCTOBER, actor_id=None, today=NOVEMBER_5)
    log_in(client, session, setting.owner)

    page = client.get(f"/c/{setting.code}/notices/2024-10")

    assert page.status_code == 200, page.text
    words = _text(page.text)
    for narration, amount in (
        ("10月公共水费", "23.58"),
        ("10月公共电费", "195.00"),
        ("10月保洁员工资", "5,300.00"),
        ("更换小区道闸", "4,100.00"),
    ):
        assert re.search(f"{narration} .*? {re.escape(amount)}", words), narration
    assert "合计 9,618.58" in words
    assert f"/vouchers/{sha}" not in page.text  # no public copy yet: owners see it is pending
    assert "凭证: 公开副本待制作" in words or "凭证 1: 公开副本待制作" in words
    ledger.publish_original(session, ref.id, sha, actor_id=None)
    page = client.get(f"/c/{setting.code}/notices/2024-10")
    assert f'href="/c/{setting.code}/vouchers/{sha}?notice=2024-10"' in page.text
    assert "王**" in words
    assert "王小明" not in page.text
    assert "期初余额 2024年9月30日 50,000.00" in words
    assert "期末余额 2024年10月31日 40,381.42" in words
    assert "凭证 1" in words
    assert sha[:8] not in words
    assert re.search(r"公示日期 2024年11月\d+日", words)
    assert re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", words) is None  # no raw UTC timestamp
    assert (
        f"/api/v1/communities/{setting.code}/notices/2024-10/pdf?version=1&amp;lang=zh_CN"
        in page.text
    )
    assert f"/api/v1/communities/{setting.code}/notices/2024-10/bundle?version=1" in page.text
    assert f'href="/c/{setting.code}/verify?period=2024-10&amp;v=1&amp;size=' in page.text


def test_staff_publish_through_the_form_and_an_owner_may_not(
    client: TestClient, session: Session
) -> None:
    setting, _ref, _ = _october(session)
    log_in(client, session, setting.owner)
    assert client.get(f"/c/{setting.code}/notices/2024-10/publish").status_code == 403
    refused = client.post(
        f"/c/{setting.code}/notices/2024-10/publish", data=FORM, follow_redirects=False
    )
    assert refused.status_code == 403

    log_in(client, session, setting.staff)
    form = client.get(f"/c/{setting.code}/notices/2024-10/publish")
    assert form.status_code == 200
    assert "合计 9,618.58" in _text(form.text)
    assert 'name="reason"' not in form.text  # nothing published yet: no reason needed
    response = client.post(
        f"/c/{setting.code}/notices/2024-10/publish", data=FORM, follow_redirects=False
    )

    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/c/{setting.code}/notices/2024-10?v=1"
    assert notices.get_notice(session, setting.community.id, OCTOBER).version == 1
    calendar = _text(client.get(f"/c/{setting.code}/notices").text)
    assert "2024-10 已发布" in calendar
    assert "2024-09 逾期" in calendar


def test_a_second_version_without_a_reason_is_refused_in_place(
    client: TestClient, session: Session
) -> None:
    setting, _ref, _found = _published(session)
    log_in(client, session, setting.staff)

    unchanged = client.post(
        f"/c/{setting.code}/notices/2024-10/publish", data={**FORM, "reason": "再发一次"}
    )
    assert unchanged.status_code == 409
    assert "账簿内容与第 1 版一致" in unchanged.text
    no_reason = client.post(f"/c/{setting.code}/notices/2024-10/publish", data=FORM)
    assert no_reason.status_code == 422
    assert 'class="problems"' in no_reason.text
    assert "请说明新版本更正的原因" in no_reason.text
    assert notices.get_notice(session, setting.community.id, OCTOBER).version == 1


def test_a_second_version_shows_both_versions_and_the_reason(
    client: TestClient, session: Session
) -> None:
    setting, ref, _first = _published(session)
    _correct_october(session, setting, ref)
    log_in(client, session, setting.owner)

    latest = _text(client.get(f"/c/{setting.code}/notices/2024-10").text)
    earlier = client.get(f"/c/{setting.code}/notices/2024-10", params={"v": 1})

    assert "版本 2" in latest
    assert "合计 9,628.58" in latest
    assert "支出 分录 6 · 水费: — → 10.00" in latest  # the account by name, not 660801
    assert "第 2 版更正第 1 版的原因 补记10月30日的水费" in latest
    assert "信托资金账户 期末余额: 40,381.42 → 40,371.42" in latest
    assert earlier.status_code == 200
    assert "合计 9,618.58" in _text(earlier.text)
    assert "这是较早的版本" in _text(earlier.text)
    board = client.get(f"/c/{setting.code}/board").text
    assert f'href="/c/{setting.code}/notices/2024-10?v=1"' in board


def test_the_verify_page_answers_a_qr_address_and_a_typed_fingerprint(
    client: TestClient, session: Session
) -> None:
    setting, ref, found = _published(session)
    printed = notices.printed_checkpoint(session, ref.id, found)
    log_in(client, session, setting.owner)
    qr = notices.verify_url(ref, found, printed)

    from_qr = client.get(qr[qr.index("/c/") :])
    assert from_qr.status_code == 200
    assert f'data-root="{printed.root_hash.hex()}"' in from_qr.text
    assert f'data-size="{printed.tree_size}"' in from_qr.text
    assert '<script src="/static/verify.js" defer></script>' in from_qr.text
    assert printed.fingerprint in from_qr.text

    pasted = client.get(f"/c/{setting.code}/verify", params={"q": qr}, follow_redirects=False)
    assert pasted.status_code == 303
    assert pasted.headers["location"] == qr[qr.index("/c/") :]

    typed = client.get(
        f"/c/{setting.code}/verify",
        params={"q": printed.fingerprint.lower()},
        follow_redirects=True,
    )
    assert typed.status_code == 200
    assert f'data-root="{printed.root_hash.hex()}"' in typed.text
    assert 'data-period="2024-10"' in typed.text

    unknown = client.get(f"/c/{setting.code}/verify", params={"q": "0000 0000 0000 0000"})
    assert unknown.status_code == 404
    assert "没有公示的指纹是" in unknown.text
    assert client.get("/static/verify.js").status_code == 200


def test_the_verify_page_refuses_a_garbled_address_in_place(
    client: TestClient, session: Session
) -> None:
    setting, _ref, _found = _published(session)
    log_in(client, session, setting.owner)

    bad_root = client.get(
        f"/c/{setting.code}/verify", params={"period": "2024-10", "v": 1, "size": 9, "root": "xyz"}
    )
    assert bad_root.status_code == 422
    assert "64 位十六进制" in bad_root.text
    assert 'name="q"' in bad_root.text  # the form is still there


def test_the_community_home_links_to_the_board(client: TestClient, session: Session) -> None:
    setting, _ref, _found = _published(session)
    log_in(client, session, setting.owner)

    home = client.get(f"/c/{setting.code}")

    assert f'href="/c/{setting.code}/board"' in home.text


def test_a_qr_code_scanned_logged_out_opens_or_with_disclosure_off_comes_back_after_login(
    client: TestClient, session: Session
) -> None:
    setting, _ref, _found = _published(session)
    qr = f"/c/{setting.code}/verify?period=2024-10&v=1&size=9&root=ab"
    assert client.get(qr, follow_redirects=False).status_code != 303  # public: no login
    publicity.set_public_disclosure(session, setting.code, public=False)

    response = client.get(qr, follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=" + quote(qr)
    login = client.get(response.headers["location"])
    assert f'name="next" value="{escape(qr)}"' in login.text
