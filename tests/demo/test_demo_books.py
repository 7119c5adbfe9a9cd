"""The loaded 荆川东园 has October 2024's books as SCENARIO.md's notice gives them (read-only).

The expense notice (10月份支出表): water 23.58, electricity 195.00, wages 5,300.00 and the
gate barrier 4,100.00, 9,618.58 in all, each with a PNG voucher; the wages were paid to
people, so owners see their names masked and the payroll with the names blacked out; the
books agree with their public log.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from sunshine.demo import books
from sunshine.demo import receipts
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
    return list(reversed(ledger.list_entries(loaded.session, loaded.community.id)))


def test_october_spending_is_the_notice_line_by_line(loaded: Loaded) -> None:
    notice = ledger.income_and_spending(
        loaded.session, loaded.community.id, first=OCTOBER, last=OCTOBER
    )
    assert str(notice.spending_total) == "9,618.58"
    assert notice.income_total == Fen(0)
    assert [(row.account.code, str(row.natural)) for row in notice.spending] == [
        ("6601", "5,300.00"),
        ("6602", "4,100.00"),
        ("660801", "23.58"),
        ("660802", "195.00"),
    ]
    cid = loaded.community.id
    before = ledger.trust_bank_balance(loaded.session, cid, on=date(2024, 9, 30))
    after = ledger.trust_bank_balance(loaded.session, cid, on=date(2024, 10, 31))
    assert (str(before), str(after)) == ("50,000.00", "40,381.42")


def test_every_entry_has_a_png_voucher_in_the_store(loaded: Loaded) -> None:
    entries = _entries(loaded)
    assert [e.narration for e in entries] == [
        "期初信托资金余额",
        "10月公共用水",
        "10月公共用电",
        "10月人员工资（门岗、保洁）",
        "更换道闸系统",
    ]
    for entry in entries:
        [sha256] = ledger.voucher_hashes(loaded.session, loaded.community.id, entry.id)
        data = ledger.voucher_bytes(sha256)
        assert data.startswith(PNG)
        assert hashlib.sha256(data).hexdigest() == sha256


def test_the_wages_are_paid_to_people_whom_owners_see_masked(loaded: Loaded) -> None:
    cid = loaded.community.id
    wages = next(e for e in _entries(loaded) if e.postings[0].amount == Fen.parse("5300.00"))
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


def test_the_books_agree_with_their_public_log(loaded: Loaded) -> None:
    report = ledger.audit(loaded.session, loaded.community.id)
    assert report.findings == []
    assert (report.entries, report.postings) == (5, 10)
    # five entries and five public copies: the payroll's redacted, the others as they are
    assert report.records == 10


def test_owners_see_every_voucher_of_the_october_notice(loaded: Loaded) -> None:
    cid = loaded.community.id
    for entry in _entries(loaded):
        [sha256] = ledger.voucher_hashes(loaded.session, cid, entry.id)
        public, _ = ledger.open_public_copy(loaded.session, cid, sha256)
        assert public.startswith(PNG)


def test_the_vouchers_are_the_same_bytes_on_every_load() -> None:
    for receipt in (books.OPENING, *(p.receipt for p in books.OCTOBER)):
        assert receipts.render(receipt) == receipts.render(receipt)
    wages = books.OCTOBER[2].receipt
    assert receipts.render(wages, redact_names=True) != receipts.render(wages)
    assert sum((p.amount for p in books.OCTOBER), Fen(0)) == Fen.parse("9618.58")


@pytest.mark.parametrize(
    ("yuan", "capitals"),
    [
        ("23.58", "贰拾叁元伍角捌分"),
        ("195.00", "壹佰玖拾伍元整"),
        ("5300.00", "伍仟叁佰元整"),
        ("9618.58", "玖仟陆佰壹拾捌元伍角捌分"),
        ("50000.00", "伍万元整"),
        ("100.05", "壹佰元零伍分"),
        ("1010.10", "壹仟零壹拾元壹角整"),
        ("100000001.00", "壹亿零壹元整"),
    ],
)
def test_amounts_in_chinese_capitals(yuan: str, capitals: str) -> None:
    assert receipts.capital_amount(Fen.parse(yuan)) == capitals
