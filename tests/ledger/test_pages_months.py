"""The books open on the latest month with entries, a picker reaches any month, and every
report (page and API) honours `?period=`."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import log_in
from tests.ledger.books_support import book_october
from tests.ledger.books_support import community_with_books


def _selected(page: str) -> list[str]:
    return re.findall(r"<option value=\"([0-9]{4}-[0-9]{2})\" selected>", page)


def test_the_books_open_on_the_latest_month_with_entries_and_pick_any_month(
    client: TestClient, session: Session
) -> None:
    setting = community_with_books(session)
    book_october(session, setting.books)
    log_in(client, session, setting.owner)

    page = client.get(f"/c/{setting.code}/books").text

    assert "<strong>2024年10月</strong>" in page  # a month as people write it, not 2024-10
    assert '<option value="2024-10" selected>2024年10月</option>' in page
    assert "10月保洁员工资" in page
    assert _selected(page) == ["2024-10"]
    assert '<optgroup label="2024"><option value="2024-12">' in page  # newest first
    assert '<option value="2024-09">' in page  # the first booked month
    assert '<option value="2024-08">' not in page  # nothing before the books began
    september = client.get(f"/c/{setting.code}/books", params={"period": "2024-09"}).text
    assert _selected(september) == ["2024-09"]
    assert "期初余额" in september


def test_the_staff_ledger_picks_a_month_or_all(client: TestClient, session: Session) -> None:
    setting = community_with_books(session)
    book_october(session, setting.books)
    log_in(client, session, setting.staff)

    everything = client.get(f"/c/{setting.code}/ledger").text
    september = client.get(f"/c/{setting.code}/ledger", params={"period": "2024-09"}).text

    assert '<option value="">全部月份</option>' in everything
    assert _selected(everything) == []
    assert re.findall(r'/ledger/entries/(\d+)">\1</a>', september) == ["1"]
    assert _selected(september) == ["2024-09"]
    assert "/ledger/reports/trial-balance?period=2024-09" in september  # the month carries on


def test_every_report_page_honours_the_period(client: TestClient, session: Session) -> None:
    setting = community_with_books(session)
    book_october(session, setting.books)
    log_in(client, session, setting.staff)
    base = f"/c/{setting.code}/ledger/reports"
    september = {"period": "2024-09"}

    income = client.get(f"{base}/income-and-spending", params={"period": "2024-10"}).text
    assert "9,618.58" in income
    assert "-9,618.58" in income
    assert "0.00" in client.get(f"{base}/income-and-spending", params=september).text
    assert "9,618.58" not in client.get(f"{base}/income-and-spending", params=september).text
    trial = client.get(f"{base}/trial-balance", params=september).text
    assert "借 50,000.00" in trial
    assert "9,618.58" not in trial
    ledger = client.get(f"{base}/account-ledger", params=september).text
    assert "2024-09-30" in ledger
    assert "10月保洁员工资" not in ledger
    balance = client.get(f"{base}/balance", params=september).text
    assert "2024-09-30" in balance
    assert "50,000.00" in balance
    for name in ("trial-balance", "income-and-spending", "account-ledger", "balance"):
        page = client.get(f"{base}/{name}", params=september).text
        assert _selected(page) == ["2024-09"], name
        assert f"{base}/income-and-spending?period=2024-09" in page, name
        bad = client.get(f"{base}/{name}", params={"period": "2024-13"})
        assert bad.status_code == 422, name


def test_the_reports_open_on_the_latest_month_with_entries(
    client: TestClient, session: Session
) -> None:
    setting = community_with_books(session)
    book_october(session, setting.books)
    log_in(client, session, setting.staff)
    base = f"/c/{setting.code}/ledger/reports"

    assert "-9,618.58" in client.get(f"{base}/income-and-spending").text
    assert "借 40,381.42" in client.get(f"{base}/trial-balance").text
    assert "2024-10-31" in client.get(f"{base}/account-ledger").text


def test_the_api_reports_honour_the_period(client: TestClient, session: Session) -> None:
    setting = community_with_books(session)
    book_october(session, setting.books)
    log_in(client, session, setting.staff)
    base = f"/api/v1/communities/{setting.code}/ledger"
    october = {"period": "2024-10"}

    income = client.get(f"{base}/reports/income-and-spending", params=october).json()
    ledger = client.get(f"{base}/accounts/1001/ledger", params=october).json()
    balance = client.get(f"{base}/reports/balance", params={"period": "2024-09"}).json()

    assert income["first"] == income["last"] == "2024-10"
    assert income["spending_total"] == "9618.58"
    assert ledger["start"] == "2024-10-01"
    assert ledger["end"] == "2024-10-31"
    assert balance["on"] == "2024-09-30"
    assert balance["balance"] == "50000.00"
