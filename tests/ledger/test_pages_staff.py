"""Staff book, read and reverse entries through the real pages, in Chinese by default."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from sunshine.infra.settings import get_settings
from sunshine.ledger import service
from sunshine.transparency import service as log
from tests.factories import log_in
from tests.ledger.books_support import FORM
from tests.ledger.books_support import PNG
from tests.ledger.books_support import book_october
from tests.ledger.books_support import community_with_books

WATER = {
    **FORM,
    "booked_on": "2024-10-08",
    "narration": "10月公共水费",
    "counterparty": "王小明",
    "counterparty_is_person": "on",
    "budget_line": "",  # no approved budget here: tests/disclosure books against one
    "account": ["660801", "1001", ""],
    "debit": ["23.58", "", ""],
    "credit": ["", "23.58", ""],
    "memo": ["", "", ""],
}


@pytest.fixture(autouse=True)
def _voucher_files_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Uploaded vouchers are kept under the var folder: a temporary one here."""
    monkeypatch.setenv("SUNSHINE_VAR_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_the_form_offers_accounts_to_search_by_code_or_name_and_the_balance_script(
    client: TestClient, session: Session
) -> None:
    setting = community_with_books(session)
    log_in(client, session, setting.staff)

    page = client.get(f"/c/{setting.code}/ledger/new")

    assert page.status_code == 200
    assert '<input name="account" value="" list="accounts"' in page.text
    assert (
        '<datalist id="accounts"><option value="1001 信托资金银行存款">资产</option>' in page.text
    )
    assert '<option value="660801 水费">支出</option>' in page.text
    assert '<select name="account"' not in page.text
    assert 'enctype="multipart/form-data"' in page.text
    assert '<script src="/static/ledger-entry.js" defer></script>' in page.text
    assert client.get("/static/ledger-entry.js").status_code == 200


def test_an_entry_booked_in_the_form_with_a_voucher_is_shown_and_logged(
    client: TestClient, session: Session
) -> None:
    setting = community_with_books(session)
    log_in(client, session, setting.staff)

    response = client.post(
        f"/c/{setting.code}/ledger/new",
        data=WATER,
        files=[("vouchers", ("水费发票.png", PNG, "image/png"))],
        follow_redirects=False,
    )

    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/c/{setting.code}/ledger/entries/1"
    entry = service.get_entry(session, setting.community.id, 1)
    assert entry.narration == "10月公共水费"
    assert entry.counterparty == "王小明"
    assert entry.budget_line is None
    [sha] = service.voucher_hashes(session, setting.community.id, 1)
    record = log.find_record(session, setting.community.id, kind="ledger.entry", ref="1")
    assert record is not None
    assert "王小明" not in record.body.decode()

    page = client.get(f"/c/{setting.code}/ledger/entries/1")
    assert page.status_code == 200
    assert "10月公共水费" in page.text
    assert "王小明" in page.text  # staff see the name whole
    assert f'<a href="/c/{setting.code}/vouchers/{sha}">凭证 1</a>' in page.text
    assert f"/api/v1/communities/{setting.code}/log/records/{record.seq}" in page.text
    assert "冲销本凭证" in page.text


def test_vouchers_published_as_they_are_reach_the_owners_view_and_the_log(
    client: TestClient, session: Session
) -> None:
    setting = community_with_books(session)
    log_in(client, session, setting.staff)
    data = {**WATER, "counterparty": "常州通用自来水有限公司", "publish_as_is": "on"}
    data.pop("counterparty_is_person")

    response = client.post(
        f"/c/{setting.code}/ledger/new",
        data=data,
        files=[("vouchers", ("水费发票.png", PNG, "image/png"))],
        follow_redirects=False,
    )

    assert response.status_code == 303, response.text
    [sha] = service.voucher_hashes(session, setting.community.id, 1)
    assert service.get_voucher(session, setting.community.id, sha).public_sha256 == sha
    published = log.find_record(
        session, setting.community.id, kind=service.PUBLIC_COPY_KIND, ref=sha
    )
    assert published is not None
    assert f'"public_sha256":"{sha}"' in published.body.decode()
    log_in(client, session, setting.resident)
    books = client.get(f"/c/{setting.code}/books?period=2024-10")
    assert f"/c/{setting.code}/vouchers/{sha}" in books.text
    page = client.get(f"/c/{setting.code}/vouchers/{sha}")
    assert f'src="/c/{setting.code}/vouchers/{sha}/public-copy"' in page.text
    public = client.get(f"/c/{setting.code}/vouchers/{sha}/public-copy")
    assert public.status_code == 200
    assert public.content == PNG


def test_an_unbalanced_entry_is_refused_with_nothing_written_and_the_form_kept(
    client: TestClient, session: Session
) -> None:
    setting = community_with_books(session)
    log_in(client, session, setting.staff)
    size = log.tree_size(session, setting.community.id)

    response = client.post(
        f"/c/{setting.code}/ledger/new",
        data={**WATER, "credit": ["", "23.50", ""]},
    )

    assert response.status_code == 422
    assert "借贷不平：分录合计为 0.08" in response.text
    assert 'value="10月公共水费"' in response.text
    assert 'value="23.50"' in response.text
    assert '<input name="account" value="660801" list="accounts"' in response.text
    assert service.entry_count(session, setting.community.id) == 0
    assert log.tree_size(session, setting.community.id) == size


def test_a_voucher_that_is_not_an_image_or_pdf_is_refused_with_the_entry(
    client: TestClient, session: Session
) -> None:
    setting = community_with_books(session)
    log_in(client, session, setting.staff)

    response = client.post(
        f"/c/{setting.code}/ledger/new",
        data=WATER,
        files=[("vouchers", ("invoice.png", b"MZ not an image", "image/png"))],
    )

    assert response.status_code == 422
    assert "凭证只能是 JPEG、PNG 或 PDF 文件" in response.text
    assert '<span class="tag">invoice.png</span>' in response.text
    assert "请重新选择凭证文件" in response.text
    assert service.entry_count(session, setting.community.id) == 0


def test_a_row_with_both_a_debit_and_a_credit_is_refused_and_says_which_row(
    client: TestClient, session: Session
) -> None:
    setting = community_with_books(session)
    log_in(client, session, setting.staff)

    response = client.post(
        f"/c/{setting.code}/ledger/new",
        data={**WATER, "debit": ["23.58", "1.00", ""], "credit": ["", "23.58", "abc"]},
    )

    assert response.status_code == 422
    assert "借方和贷方只能填写其中一个" in response.text
    assert '<span class="tag">分录 2</span>' in response.text
    assert service.entry_count(session, setting.community.id) == 0


def test_an_empty_file_box_books_the_entry_without_vouchers(
    client: TestClient, session: Session
) -> None:
    setting = community_with_books(session)
    log_in(client, session, setting.staff)

    response = client.post(
        f"/c/{setting.code}/ledger/new",
        data=WATER,
        files=[("vouchers", ("", b"", "application/octet-stream"))],
        follow_redirects=False,
    )

    assert response.status_code == 303, response.text
    assert service.voucher_hashes(session, setting.community.id, 1) == []


def test_a_resident_may_not_book(client: TestClient, session: Session) -> None:
    setting = community_with_books(session)
    log_in(client, session, setting.resident)

    assert client.get(f"/c/{setting.code}/ledger/new").status_code == 403
    assert client.post(f"/c/{setting.code}/ledger/new", data=WATER).status_code == 403
    assert service.entry_count(session, setting.community.id) == 0


def test_staff_reverse_an_entry_and_both_link_to_each_other(
    client: TestClient, session: Session
) -> None:
    setting = community_with_books(session)
    book_october(session, setting.books)
    log_in(client, session, setting.staff)

    response = client.post(
        f"/c/{setting.code}/ledger/entries/4/reversal",
        data={**FORM, "reason": "工资重复记账", "booked_on": "2024-10-31"},
        follow_redirects=False,
    )

    assert response.status_code == 303
    assert response.headers["location"] == f"/c/{setting.code}/ledger/entries/6"
    reversal = service.get_entry(session, setting.community.id, 6)
    assert reversal.reverses_id == 4
    assert reversal.reason == "工资重复记账"
    original = client.get(f"/c/{setting.code}/ledger/entries/4").text
    assert "本凭证已被冲销" in original
    assert f'href="/c/{setting.code}/ledger/entries/6"' in original
    assert "冲销本凭证" not in original  # reversed at most once
    shown = client.get(f"/c/{setting.code}/ledger/entries/6").text
    assert "本凭证冲销" in shown
    assert f'href="/c/{setting.code}/ledger/entries/4"' in shown
    assert "工资重复记账" in shown


def test_a_reversal_without_a_reason_is_refused_in_place(
    client: TestClient, session: Session
) -> None:
    setting = community_with_books(session)
    book_october(session, setting.books)
    log_in(client, session, setting.staff)

    response = client.post(
        f"/c/{setting.code}/ledger/entries/4/reversal",
        data={**FORM, "reason": " ", "booked_on": "2024-10-31"},
    )

    assert response.status_code == 422
    assert service.entry_count(session, setting.community.id) == 5


def test_the_ledger_lists_entries_newest_first_by_month_and_by_page(
    client: TestClient, session: Session
) -> None:
    setting = community_with_books(session)
    book_october(session, setting.books)
    log_in(client, session, setting.staff)

    october = client.get(f"/c/{setting.code}/ledger", params={"period": "2024-10"}).text
    numbers = re.findall(r'/ledger/entries/(\d+)">\1</a>', october)
    assert numbers == ["5", "4", "3", "2"]
    assert "王小明" in october
    assert "5,300.00" in october

    earlier = client.get(f"/c/{setting.code}/ledger", params={"before": "2"}).text
    assert re.findall(r'/ledger/entries/(\d+)">\1</a>', earlier) == ["1"]


def test_the_reports_show_the_figures_the_service_computes(
    client: TestClient, session: Session
) -> None:
    setting = community_with_books(session)
    book_october(session, setting.books)
    log_in(client, session, setting.staff)
    base = f"/c/{setting.code}/ledger/reports"

    trial = client.get(f"{base}/trial-balance", params={"period": "2024-10"}).text
    assert "59,618.58" in trial  # debits: 50,000.00 in, 9,618.58 spent
    assert "借 40,381.42" in trial  # the bank's balance
    assert "平衡" in trial

    income = client.get(f"{base}/income-and-spending", params={"from": "2024-10"}).text
    assert "9,618.58" in income
    assert "-9,618.58" in income  # no income: a shortfall

    ledger = client.get(
        f"{base}/account-ledger",
        params={"account": "1001", "start": "2024-10-01", "end": "2024-10-31"},
    ).text
    assert "借 50,000.00" in ledger  # opening
    assert "借 49,976.42" in ledger  # after the water bill
    assert "王**" in ledger
    assert "王小明" not in ledger

    balance = client.get(f"{base}/balance", params={"on": "2024-10-09", "account": "660801"}).text
    assert "49,976.42" in balance
    assert "借 23.58" in balance
