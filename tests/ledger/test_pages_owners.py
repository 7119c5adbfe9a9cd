"""Owners read the community's books on /c/{code}/books: figures, entries, nothing personal."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from sunshine.identity.rules import Role
from sunshine.infra.settings import get_settings
from sunshine.ledger import service
from tests.factories import log_in
from tests.factories import make_community
from tests.factories import make_user
from tests.ledger.books_support import FORM
from tests.ledger.books_support import PNG
from tests.ledger.books_support import book_october
from tests.ledger.books_support import community_with_books
from tests.ledger.builders import draft
from tests.ledger.builders import post


@pytest.fixture(autouse=True)
def _voucher_files_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Uploaded vouchers are kept under the var folder: a temporary one here."""
    monkeypatch.setenv("SUNSHINE_VAR_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_an_owner_sees_the_month_with_balances_and_masked_counterparties(
    client: TestClient, session: Session
) -> None:
    setting = community_with_books(session)
    book_october(session, setting.books)
    log_in(client, session, setting.owner)

    page = client.get(f"/c/{setting.code}/books", params={"period": "2024-10"})

    assert page.status_code == 200
    text = page.text
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in text
    assert (
        '<span class="n">40,381.42</span><span class="l">信托账户银行存款余额 2024年10月31日</span>'
        in text
    )
    assert '<span class="n">9,618.58</span><span class="l">本月支出</span>' in text
    assert '<span class="n">-9,618.58</span>' in text  # the month's shortfall
    assert "10月保洁员工资" in text
    assert "往来单位: 王**" in text
    assert "王小明" not in text
    assert "常州安居门业有限公司" in text  # an organisation is named as is
    assert "借 5,300.00" in text
    assert "贷 5,300.00" in text
    assert "期初余额" not in text  # September's entry is not October's
    assert f'href="/c/{setting.code}/books?period=2024-09"' in text
    assert f'href="/c/{setting.code}/books?period=2024-11"' in text


def test_an_entry_booked_in_the_form_shows_in_the_owners_view_with_its_public_voucher(
    client: TestClient, session: Session
) -> None:
    setting = community_with_books(session)
    log_in(client, session, setting.staff)
    booked = client.post(
        f"/c/{setting.code}/ledger/new",
        data={
            **FORM,
            "booked_on": "2024-10-15",
            "narration": "10月保洁员工资",
            "counterparty": "王小明",
            "counterparty_is_person": "on",
            "account": ["6601", "1001"],
            "debit": ["5300.00", ""],
            "credit": ["", "5,300.00"],
            "memo": ["", ""],
        },
        files=[("vouchers", ("王小明工资单.png", PNG, "image/png"))],
        follow_redirects=False,
    )
    assert booked.status_code == 303, booked.text
    [sha] = service.voucher_hashes(session, setting.community.id, 1)

    log_in(client, session, setting.owner)
    page = client.get(f"/c/{setting.code}/books", params={"period": "2024-10"}).text

    assert "10月保洁员工资" in page
    assert "王**" in page
    assert "王小明" not in page  # neither the name nor the voucher's file name
    assert f'<a href="/c/{setting.code}/vouchers/{sha}">凭证 1</a>' in page
    detail = client.get(f"/c/{setting.code}/ledger/entries/1").text
    assert "王小明" not in detail
    assert "冲销本凭证" not in detail  # owners do not reverse


def test_the_entry_page_shows_owners_the_masked_name_and_no_booking_controls(
    client: TestClient, session: Session
) -> None:
    setting = community_with_books(session)
    book_october(session, setting.books)
    log_in(client, session, setting.resident)

    page = client.get(f"/c/{setting.code}/ledger/entries/4").text
    listing = client.get(f"/c/{setting.code}/ledger").text

    assert "王**" in page
    assert "王小明" not in page
    assert "记账时间" not in page
    assert "王小明" not in listing
    assert f'href="/c/{setting.code}/ledger/new"' not in listing


def test_an_empty_month_says_so_and_the_balance_carries_over(
    client: TestClient, session: Session
) -> None:
    setting = community_with_books(session)
    book_october(session, setting.books)
    post(
        session,
        setting.books,
        draft(date(2024, 12, 1), "12月物业费", ("1001", "100.00"), ("6001", "-100.00")),
    )
    log_in(client, session, setting.owner)

    page = client.get(f"/c/{setting.code}/books", params={"period": "2024-11"}).text

    assert "本月没有记账。" in page
    assert '<span class="n">40,381.42</span>' in page


def test_someone_from_another_community_does_not_see_the_books(
    client: TestClient, session: Session
) -> None:
    setting = community_with_books(session)
    book_october(session, setting.books)
    other = make_community(session)
    log_in(client, session, make_user(session, community=other, role=Role.OWNER))

    assert client.get(f"/c/{setting.code}/books").status_code == 404
    assert client.get(f"/c/{setting.code}/ledger/entries/1").status_code == 404


def test_the_community_home_links_to_the_books(client: TestClient, session: Session) -> None:
    setting = community_with_books(session)
    log_in(client, session, setting.owner)

    page = client.get(f"/c/{setting.code}").text

    assert f'href="/c/{setting.code}/books"' in page
