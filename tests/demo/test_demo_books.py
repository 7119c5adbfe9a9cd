"""The loaded 荆川东园 has October 2024's books as SCENARIO.md's notice gives them (read-only).

The expense notice (10月份支出表): 水费 23.58, 电费 195.00, 人员工资 5,300.00 and 更换道闸系统
4,100.00, 9,618.58 in all and nothing else, each with a PNG voucher; the wages were paid to
people, so owners see their names masked and the payroll with the names blacked out. The
rest of the year is in test_demo_year.py.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from sunshine.demo.service import books
from sunshine.demo.service import receipts
from sunshine.infra.settings import get_settings
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import service as ledger
from sunshine.ledger.models import JournalEntry
from sunshine.transparency import service as log
from tests.demo.conftest import Loaded

OCTOBER = Period(2024, 10)
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


def _entries(loaded: Loaded) -> list[JournalEntry]:
    return list(reversed(ledger.list_entries(loaded.session, loaded.community.id, limit=1000)))


def _october_spending(loaded: Loaded) -> list[JournalEntry]:
    """October's entries that debit an expense account (the ones on the paper notice)."""
    chart = ledger.accounts_by_code(loaded.session, loaded.community.id)
    expenses = {chart[line.account].id for line in books.OCTOBER}
    return [
        e
        for e in _entries(loaded)
        if e.booked_on in OCTOBER and any(p.account_id in expenses for p in e.postings)
    ]


def test_october_spending_is_the_notice_line_by_line(loaded: Loaded) -> None:
    notice = ledger.income_and_spending(
        loaded.session, loaded.community.id, first=OCTOBER, last=OCTOBER
    )
    assert str(notice.spending_total) == "9,618.58"
    assert [(row.account.code, str(row.natural)) for row in notice.spending] == [
        ("6601", "5,300.00"),
        ("6602", "4,100.00"),
        ("660801", "23.58"),
        ("660802", "195.00"),
    ]
    # the month's parking rent and the garbage fees paid in October
    assert [(row.account.code, str(row.natural)) for row in notice.income] == [
        ("6002", "7,200.00"),
        ("6004", "5,200.00"),
    ]
    cid = loaded.community.id
    before = ledger.trust_bank_balance(loaded.session, cid, on=date(2024, 9, 30))
    after = ledger.trust_bank_balance(loaded.session, cid, on=date(2024, 10, 31))
    assert after == before + notice.income_total - notice.spending_total
    assert (str(before), str(after)) == ("55,286.56", "58,067.98")


def test_the_october_lines_carry_the_paper_notices_labels_and_png_vouchers(
    loaded: Loaded,
) -> None:
    entries = _october_spending(loaded)
    assert [(e.narration, str(e.postings[0].amount)) for e in entries] == [
        ("水费", "23.58"),
        ("电费", "195.00"),
        ("人员工资", "5,300.00"),
        ("更换道闸系统", "4,100.00"),
    ]
    for entry in entries:
        [sha256] = ledger.voucher_hashes(loaded.session, loaded.community.id, entry.id)
        data = ledger.voucher_bytes(sha256)
        assert data.startswith(PNG)
        assert hashlib.sha256(data).hexdigest() == sha256
        assert data == receipts.render(
            next(p.receipt for p in books.OCTOBER if p.narration == entry.narration)
        )


def test_the_wages_are_paid_to_people_whom_owners_see_masked(loaded: Loaded) -> None:
    cid = loaded.community.id
    [wages] = [e for e in _october_spending(loaded) if e.narration == "人员工资"]
    assert wages.counterparty_is_person
    assert wages.public_counterparty == "王**"
    record = log.find_record(loaded.session, cid, kind=ledger.ENTRY_KIND, ref=str(wages.id))
    assert record is not None
    assert "王**" in record.body.decode()
    assert not any(line.name in record.body.decode() for line in books.WAGES)
    [sha256] = ledger.voucher_hashes(loaded.session, cid, wages.id)
    public, media_type = ledger.open_public_copy(loaded.session, cid, sha256)
    assert media_type == "image/png"
    assert public.startswith(PNG)
    assert public != ledger.voucher_bytes(sha256)  # the names are blacked out


def test_owners_see_every_voucher_of_the_october_notice(loaded: Loaded) -> None:
    cid = loaded.community.id
    for entry in _october_spending(loaded):
        [sha256] = ledger.voucher_hashes(loaded.session, cid, entry.id)
        public, _ = ledger.open_public_copy(loaded.session, cid, sha256)
        assert public.startswith(PNG)


def test_the_vouchers_are_the_same_bytes_on_every_load() -> None:
    for receipt in (books.OPENING, *(p.receipt for p in books.OCTOBER)):
        assert receipts.render(receipt) == receipts.render(receipt)
    wages = books.OCTOBER[2].receipt
    assert receipts.render(wages, redact_names=True) != receipts.render(wages)
    assert sum((p.amount for p in books.OCTOBER), Fen(0)) == Fen.parse("9618.58")
