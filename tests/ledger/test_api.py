"""The books' JSON API through the real app: booking, reading, reversing, reports, masking."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from sunshine.kernel.periods import Period
from sunshine.ledger import service
from sunshine.transparency import service as log
from tests.factories import log_in
from tests.ledger.books_support import book_october
from tests.ledger.books_support import community_with_books

WAGES = {
    "booked_on": "2024-10-15",
    "narration": "10月保洁员工资",
    "counterparty": "王小明",
    "counterparty_is_person": True,
    "budget_line": None,  # no approved budget here: tests/disclosure books against one
    "postings": [
        {"account": "6601", "amount": "5300.00"},
        {"account": "1001", "amount": "-5300.00", "memo": "网银转账"},
    ],
}


def test_staff_book_an_entry_and_read_it_back_owners_see_the_name_masked(
    client: TestClient, session: Session
) -> None:
    setting = community_with_books(session)
    base = f"/api/v1/communities/{setting.code}/ledger"
    log_in(client, session, setting.staff)

    booked = client.post(f"{base}/entries", json=WAGES)

    assert booked.status_code == 201, booked.text
    body = booked.json()
    record = log.find_record(session, setting.community.id, kind="ledger.entry", ref="1")
    assert record is not None
    assert body == {
        "number": 1,
        "booked_on": "2024-10-15",
        "period": "2024-10",
        "narration": "10月保洁员工资",
        "counterparty": "王小明",
        "counterparty_is_person": True,
        "budget_line": None,
        "source": "manual",
        "reverses": None,
        "reversed_by": None,
        "reason": "",
        "total": "5300.00",
        "total_fen": 530000,
        "postings": [
            {
                "line": 1,
                "account": "6601",
                "name_zh": "人员工资及社保",
                "name_en": "Wages and social insurance",
                "amount": "5300.00",
                "amount_fen": 530000,
                "memo": "",
            },
            {
                "line": 2,
                "account": "1001",
                "name_zh": "信托资金银行存款",
                "name_en": "Trust bank account",
                "amount": "-5300.00",
                "amount_fen": -530000,
                "memo": "网银转账",
            },
        ],
        "vouchers": [],
        "log_seq": record.seq,
    }
    assert client.get(f"{base}/entries/1").json() == body

    log_in(client, session, setting.owner)
    seen = client.get(f"{base}/entries/1").json()
    assert seen["counterparty"] == "王**"
    listed = client.get(f"{base}/entries").json()
    assert [e["counterparty"] for e in listed["entries"]] == ["王**"]
    assert listed["next_before"] is None
    assert "王小明" not in client.get(f"{base}/entries").text


def test_an_owner_may_not_book_and_a_refused_entry_writes_nothing(
    client: TestClient, session: Session
) -> None:
    setting = community_with_books(session)
    base = f"/api/v1/communities/{setting.code}/ledger"
    log_in(client, session, setting.owner)
    assert client.post(f"{base}/entries", json=WAGES).status_code == 403

    log_in(client, session, setting.staff)
    unbalanced = {
        **WAGES,
        "postings": [
            {"account": "6601", "amount": "5300.00"},
            {"account": "1001", "amount": "-530.00"},
        ],
    }
    response = client.post(f"{base}/entries", json=unbalanced)

    assert response.status_code == 422
    assert [p["code"] for p in response.json()["error"]["problems"]] == ["unbalanced"]
    assert service.entry_count(session, setting.community.id) == 0
    floats = {
        **WAGES,
        "postings": [{"account": "6601", "amount": 5300.0}, {"account": "1001", "amount": "-5300"}],
    }
    assert client.post(f"{base}/entries", json=floats).status_code == 422


def test_the_api_writes_need_the_csrf_header(client: TestClient, session: Session) -> None:
    setting = community_with_books(session)
    log_in(client, session, setting.staff)
    del client.headers["X-CSRF-Token"]

    response = client.post(f"/api/v1/communities/{setting.code}/ledger/entries", json=WAGES)

    assert response.status_code == 403
    assert service.entry_count(session, setting.community.id) == 0


def test_a_reversal_over_the_api_names_the_entry_and_both_point_at_each_other(
    client: TestClient, session: Session
) -> None:
    setting = community_with_books(session)
    book_october(session, setting.books)
    base = f"/api/v1/communities/{setting.code}/ledger"
    log_in(client, session, setting.staff)

    response = client.post(
        f"{base}/entries/4/reversal", json={"reason": "重复记账", "booked_on": "2024-10-31"}
    )

    assert response.status_code == 201, response.text
    reversal = response.json()
    assert (reversal["number"], reversal["reverses"], reversal["reason"]) == (6, 4, "重复记账")
    assert [p["amount"] for p in reversal["postings"]] == ["-5300.00", "5300.00"]
    assert client.get(f"{base}/entries/4").json()["reversed_by"] == 6
    again = client.post(
        f"{base}/entries/4/reversal", json={"reason": "再次", "booked_on": "2024-10-31"}
    )
    assert again.status_code == 409


def test_entries_are_paged_by_number_and_filtered_by_month(
    client: TestClient, session: Session
) -> None:
    setting = community_with_books(session)
    book_october(session, setting.books)
    base = f"/api/v1/communities/{setting.code}/ledger"
    log_in(client, session, setting.owner)

    first = client.get(f"{base}/entries", params={"limit": 2}).json()
    assert [e["number"] for e in first["entries"]] == [5, 4]
    assert first["next_before"] == 4
    second = client.get(f"{base}/entries", params={"limit": 2, "before": 4}).json()
    assert [e["number"] for e in second["entries"]] == [3, 2]
    september = client.get(f"{base}/entries", params={"period": "2024-09"}).json()
    assert [e["number"] for e in september["entries"]] == [1]
    assert client.get(f"{base}/entries", params={"period": "October"}).status_code == 422


def test_the_reports_match_the_service(client: TestClient, session: Session) -> None:
    setting = community_with_books(session)
    book_october(session, setting.books)
    cid = setting.community.id
    base = f"/api/v1/communities/{setting.code}/ledger"
    log_in(client, session, setting.owner)

    accounts = client.get(f"{base}/accounts").json()
    assert [a["code"] for a in accounts] == [a.code for a in service.list_accounts(session, cid)]

    trial = client.get(f"{base}/reports/trial-balance", params={"period": "2024-10"}).json()
    expected = service.trial_balance(session, cid, upto_period=Period(2024, 10))
    assert trial["debit_total_fen"] == expected.debit_total.value == 5_961_858
    assert trial["debit_total"] == "59618.58"
    assert trial["balanced"] is True
    bank = next(r for r in trial["rows"] if r["account"] == "1001")
    assert (bank["balance"], bank["balance_fen"]) == ("40381.42", 4_038_142)

    income = client.get(
        f"{base}/reports/income-and-spending", params={"from": "2024-10", "to": "2024-10"}
    ).json()
    assert (income["spending_total"], income["spending_total_fen"]) == ("9618.58", 961_858)
    assert (income["income_total"], income["net"]) == ("0.00", "-9618.58")
    assert [r["account"] for r in income["spending"]] == ["6601", "6602", "660801", "660802"]

    ledger = client.get(
        f"{base}/accounts/1001/ledger",
        params={"start": "2024-10-01", "end": "2024-10-31", "size": 3, "page": 2},
    ).json()
    assert (ledger["opening"], ledger["closing"]) == ("50000.00", "40381.42")
    assert (ledger["page"], ledger["pages"]) == (2, 2)
    assert [(x["entry"], x["balance"]) for x in ledger["lines"]] == [(5, "40381.42")]
    assert ledger["account"]["code"] == "1001"

    balance = client.get(f"{base}/reports/balance", params={"on": "2024-10-12"}).json()
    assert balance == {
        "account": None,
        "on": "2024-10-12",
        "balance": "49781.42",
        "balance_fen": service.trust_bank_balance(session, cid, on=date(2024, 10, 12)).value,
    }
    water = client.get(
        f"{base}/reports/balance", params={"account": "660801", "on": "2024-10-31"}
    ).json()
    assert (water["account"], water["balance"]) == ("660801", "23.58")
    assert client.get(f"{base}/accounts/9999/ledger").status_code == 404
