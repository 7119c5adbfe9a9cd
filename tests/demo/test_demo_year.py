"""The loaded 荆川东园 has a whole demo year of books, September 2024 to August 2025 (read-only).

SCENARIO.md's yearly figures come out of the books: parking rent 60 × 120.00 × 12 =
86,400.00 and garbage fees from 183 of 192 households (95.3 %, "above 95%") = 18,300.00,
104,700.00 in all ("more than 100,000"); spending 149,828.91 with the trustee's
remuneration of 1,000.00 a month from November 2024; the trust account never below zero
at a month end; every entry with a voucher; the books agree with their signed public log.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from datetime import datetime
from pathlib import Path

import pytest

from sunshine.banking.rules.reconciliation import ItemKind
from sunshine.banking.service import accounts
from sunshine.banking.service import lines
from sunshine.banking.service import reconcile
from sunshine.billing import service as billing
from sunshine.billing.rules.channels import order_number
from sunshine.billing.service import online
from sunshine.demo.rules import plan
from sunshine.demo.service import bank
from sunshine.demo.service import books
from sunshine.demo.service import fees
from sunshine.demo.service import receipts
from sunshine.demo.service import year
from sunshine.infra import clock
from sunshine.infra.settings import get_settings
from sunshine.kernel.money import ZERO
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import service as ledger
from sunshine.ledger.rules import Category
from sunshine.registry import service as registry
from sunshine.transparency import service as log
from tests.demo.conftest import Loaded

FIRST, LAST = Period(2024, 9), Period(2025, 8)
# Billing's entries of the year: 13 runs (12 of parking, 1 of garbage) and 903 payments.
BILLED = 13 + 12 * 60 + 183
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module", autouse=True)
def voucher_files(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Keep the demo's voucher files in a folder of this module's own."""
    folder = tmp_path_factory.mktemp("var")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SUNSHINE_VAR_DIR", str(folder))
        get_settings.cache_clear()
        yield folder
    get_settings.cache_clear()


def _year(loaded: Loaded) -> ledger.IncomeAndSpending:
    return ledger.income_and_spending(loaded.session, loaded.community.id, first=FIRST, last=LAST)


def _rows(report: ledger.IncomeAndSpending) -> dict[str, str]:
    return {row.account.code: str(row.natural) for row in (*report.income, *report.spending)}


def test_the_years_income_is_parking_rent_and_garbage_fees(loaded: Loaded) -> None:
    report = _year(loaded)
    assert [(row.account.code, str(row.natural)) for row in report.income] == [
        ("6002", "86,400.00"),  # 60 spaces × 120.00 × 12 months
        ("6004", "18,300.00"),  # 183 of 192 households × 100.00
    ]
    assert str(report.income_total) == "104,700.00"
    paid = sum(n for _, n in year.GARBAGE_PAID)
    assert (paid, year.HOUSEHOLDS) == (183, 192)
    assert paid * 1000 // year.HOUSEHOLDS == 953  # 95.3 %: "above 95%"
    assert year.PARKING_RENT.times(year.PARKING_SPACES * 12) == Fen.parse("86400.00")


def test_parking_rent_comes_from_60_bills_a_month_all_paid_by_the_5th(loaded: Loaded) -> None:
    session, cid = loaded.session, loaded.community.id
    for period in year.MONTHS:
        month = ledger.income_and_spending(session, cid, first=period, last=period)
        assert _rows(month)["6002"] == "7,200.00", period
        [rate] = [
            r
            for r in billing.public_collection_rates(
                session, cid, [period], as_of=period.first_day.replace(day=5)
            )
            if r.item == "车位租金"
        ]
        assert (str(rate.billed), str(rate.paid)) == ("7,200.00", "7,200.00"), period  # 60 × 120
    assert len(billing.list_leases(session, cid)) == year.PARKING_SPACES
    assert len({lease.unit_id for lease in billing.list_leases(session, cid)}) == 60


def test_the_garbage_fee_is_billed_to_all_192_and_paid_by_183(loaded: Loaded) -> None:
    session, cid = loaded.session, loaded.community.id
    [rate] = [
        r
        for r in billing.public_collection_rates(session, cid, [FIRST], as_of=LAST.last_day)
        if r.item == "生活垃圾清运费"
    ]
    assert (str(rate.billed), str(rate.paid), rate.percent) == ("19,200.00", "18,300.00", "95.3%")
    paid_by_day = {}
    for day, _ in year.GARBAGE_PAID:
        [on_day] = [
            r
            for r in billing.public_collection_rates(session, cid, [FIRST], as_of=day)
            if r.item == "生活垃圾清运费"
        ]
        paid_by_day[day] = on_day.paid.value // year.GARBAGE_FEE.value
    assert list(paid_by_day.values()) == [96, 148, 169, 177, 181, 183]  # GARBAGE_PAID, summed


def test_one_garbage_fee_was_paid_online_through_the_development_channel(loaded: Loaded) -> None:
    session, cid = loaded.session, loaded.community.id
    owner = registry.find_unit(session, cid, plan.OWNER_UNIT)
    assert owner is not None
    at = datetime(2024, 9, 20, 9, 0, tzinfo=clock.SHANGHAI)  # the first garbage day, at 09:00
    order = online.find_order(session, cid, order_number(cid, at, fees.ONLINE_NONCE))
    assert (order.channel, order.status.value) == ("development", "paid")
    assert (order.transaction_id, order.entry_id is not None) == ("DEV202409200001", True)
    [payment] = billing.unit_payments(session, cid, owner.id)  # booked through take_payment
    assert (payment.method, str(payment.amount_fen)) == ("online", "100.00")
    [bill] = billing.unit_bills(session, cid, owner.id)
    assert bill.paid_fen == bill.amount_fen


def test_most_garbage_fees_come_in_september_to_november(loaded: Loaded) -> None:
    cid = loaded.community.id
    autumn = ledger.income_and_spending(
        loaded.session, cid, first=FIRST, last=Period(2024, 11)
    ).by_category()[Category.GARBAGE_FEE]
    assert str(autumn) == "16,900.00"  # 169 of the 183 households


def test_the_years_spending_by_account(loaded: Loaded) -> None:
    report = _year(loaded)
    assert {row.account.code: str(row.natural) for row in report.spending} == {
        "6601": "63,600.00",  # 5,300.00 × 12
        "6602": "16,850.00",  # 10 jobs, the gate barrier among them
        "6603": "17,926.50",  # garbage clearance 4 × 3,900.00 and supplies
        "6604": "5,760.00",
        "6605": "28,800.00",  # night patrol 4 × 7,200.00
        "6606": "1,364.00",  # and the bank's account fee of October, 5.00
        "6607": "2,680.00",
        "660801": "440.16",
        "660802": "2,408.25",
        "6610": "10,000.00",  # 1,000.00 × 10
    }
    assert str(report.spending_total) == "149,828.91"  # just below 150,000; the budget is 155,000
    assert str(report.net) == "-45,128.91"  # the shortfall SCENARIO.md reports


def test_no_visitor_parking_or_advertising_income_is_booked(loaded: Loaded) -> None:
    codes = {row.account.code for row in _year(loaded).income}
    assert not codes & {"6001", "6003", "6051", "6052"}


def test_wages_water_and_electricity_are_paid_every_month(loaded: Loaded) -> None:
    cid = loaded.community.id
    for period in year.MONTHS:
        rows = _rows(ledger.income_and_spending(loaded.session, cid, first=period, last=period))
        assert rows["6601"] == "5,300.00", period
        assert Fen.parse(rows["660801"]) > ZERO
        assert Fen.parse(rows["660802"]) > ZERO


def test_october_spends_exactly_the_paper_notices_four_lines(loaded: Loaded) -> None:
    october = Period(2024, 10)
    notice = ledger.income_and_spending(
        loaded.session, loaded.community.id, first=october, last=october
    )
    assert [(row.account.code, str(row.natural)) for row in notice.spending] == [
        ("6601", "5,300.00"),
        ("6602", "4,100.00"),
        ("660801", "23.58"),
        ("660802", "195.00"),
    ]
    assert str(notice.spending_total) == "9,618.58"
    assert [line.narration for line in books.OCTOBER] == [
        "水费",
        "电费",
        "人员工资",
        "更换道闸系统",
    ]


def test_the_remuneration_is_1000_a_month_from_november_and_none_before(loaded: Loaded) -> None:
    cid = loaded.community.id
    [terms] = ledger.list_trust_terms(loaded.session, cid)
    assert (terms.effective_from, str(terms.fixed)) == (Period(2024, 11), "1,000.00")
    booked = {str(p): str(ledger.remuneration_booked(loaded.session, cid, p)) for p in year.MONTHS}
    assert booked == {
        "2024-09": "0.00",
        "2024-10": "0.00",
        **{str(Period(2024, 11).shift(n)): "1,000.00" for n in range(10)},
    }
    entries = ledger.list_entries(loaded.session, cid, limit=1000)
    remunerations = [e for e in entries if e.source == ledger.REMUNERATION]
    assert len(remunerations) == 10
    for entry in remunerations:  # booked by the ledger from the terms, backed by a statement
        assert entry.booked_on == entry.period.last_day
        [sha256] = ledger.voucher_hashes(loaded.session, cid, entry.id)
        assert ledger.voucher_bytes(sha256) == receipts.render(year.settlement(entry.period))
    payable = ledger.account_balance(loaded.session, cid, account_code="2202", on=LAST.last_day)
    assert payable == ZERO  # the trustee is paid each month


def test_the_trust_account_never_ends_a_month_below_zero(loaded: Loaded) -> None:
    cid = loaded.community.id
    opening = ledger.trust_bank_balance(loaded.session, cid, on=date(2024, 8, 31))
    assert str(opening) == "50,000.00"
    ends = [ledger.trust_bank_balance(loaded.session, cid, on=p.last_day) for p in year.MONTHS]
    assert min(ends) > ZERO
    assert str(min(ends)) == str(ends[-1]) == "4,871.09"
    assert ends[-1] == opening + _year(loaded).net


def test_every_entry_has_a_png_voucher_owners_can_see(loaded: Loaded) -> None:
    cid = loaded.community.id
    everything = ledger.list_entries(loaded.session, cid, limit=5000)
    assert len(everything) == ledger.entry_count(loaded.session, cid) == BILLED + 89
    assert {e.period for e in everything} == {Period(2024, 8), *year.MONTHS}
    # Billing's runs and payments are backed by their bills and receipts, not a voucher.
    entries = [e for e in everything if e.source not in ("billing", "online")]
    assert len(entries) == 89  # 88 as before, and the bank fee
    vouchers = ledger.vouchers_by_entry(loaded.session, cid, [e.id for e in entries])
    for entry in entries:
        assert vouchers.get(entry.id), f"entry {entry.id} {entry.narration} has no voucher"
    for sha256 in {sha for shas in vouchers.values() for sha in shas}:
        assert ledger.voucher_bytes(sha256).startswith(PNG)
        public, media_type = ledger.open_public_copy(loaded.session, cid, sha256)
        assert (public[:8], media_type) == (PNG, "image/png")


def test_the_books_agree_with_their_signed_public_log(loaded: Loaded) -> None:
    cid = loaded.community.id
    report = log.audit(loaded.session, cid)
    assert report.findings == []
    assert report.counts["entries"] == BILLED + 89
    assert report.checkpoint_size == report.records == log.tree_size(loaded.session, cid)


def test_the_year_is_the_same_data_on_every_load() -> None:
    first = [year.movements(p) for p in year.MONTHS]
    assert first == [year.movements(p) for p in year.MONTHS]
    lines = [line for month in first for line in month]
    assert all(line.day in p for p, month in zip(year.MONTHS, first, strict=True) for line in month)
    sample = (lines[0], lines[len(lines) // 2], lines[-1])
    assert all(receipts.render(x.receipt) == receipts.render(x.receipt) for x in sample)


def test_every_month_end_reconciles_with_the_bank_and_is_in_the_log(loaded: Loaded) -> None:
    session, cid = loaded.session, loaded.community.id
    account = accounts.pick_account(session, cid, bank.NUMBER)
    assert lines.counts(session, cid, account.id)[lines.State.OPEN] == 0  # every line matched
    for period in year.MONTHS:
        rec = reconcile.month_end(session, cid, period)
        assert rec is not None
        assert rec.balanced, period
        assert rec.book_balance == ledger.trust_bank_balance(session, cid, on=period.last_day)
        # October: the bank's account fee, booked from the statement on 2 November.
        fee = [(ItemKind.BANK_FEE, -year.BANK_FEE)] if period == year.OCTOBER else []
        assert [(i.kind, i.amount) for i in rec.items] == fee, period
    october = reconcile.month_end(session, cid, year.OCTOBER)
    assert october is not None  # the figures of tests/banking/samples/jcdy_2024_10_jsb.csv
    assert (str(october.bank_balance), str(october.book_balance)) == ("58,062.98", "58,067.98")
    assert reconcile.logged_count(session, cid) == 12
