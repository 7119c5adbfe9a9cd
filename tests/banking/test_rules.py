"""Reading statements: encodings, header rows, exact amounts, balances that must add up; matching."""

from __future__ import annotations

from datetime import date

import pytest

from sunshine.banking.rules import matching
from sunshine.banking.rules import reading
from sunshine.banking.rules import statement
from sunshine.banking.rules.layouts import LAYOUTS
from sunshine.kernel.errors import Invalid
from sunshine.kernel.money import Fen
from tests.banking.support import FILES
from tests.banking.support import NUMBER
from tests.banking.support import sample

ICBC_HEADER = "交易时间,摘要,对方单位名称,借方发生额,贷方发生额,余额,交易流水号\r\n"


@pytest.mark.parametrize(
    ("text", "fen"),
    [("1,234.56", 123456), ("-1234.5", -123450), ("1234", 123400), ("", 0), ("-", 0),
     ("0.01", 1), ("+7,200.00", 720000), ("99,999,999.99", 9999999999)],
)  # fmt: skip
def test_amounts_are_read_exactly_in_fen(text: str, fen: int) -> None:
    assert statement.parse_amount(text) == Fen(fen)


@pytest.mark.parametrize("bank", sorted(FILES))
def test_each_banks_sample_reads_the_same_four_lines(bank: str) -> None:
    draft = statement.read_statement(reading.read_rows(sample(bank)), LAYOUTS[bank])
    assert draft.account_number == NUMBER
    assert [ln.booked_on for ln in draft.lines] == [
        date(2024, 10, 5), date(2024, 10, 8), date(2024, 10, 10), date(2024, 10, 21)
    ]  # fmt: skip
    assert [ln.amount.value for ln in draft.lines] == [720000, -2358, -19500, -500]
    assert (draft.opening, draft.closing) == (Fen(5000000), Fen(5697642))
    assert "水费" in draft.lines[1].summary
    assert draft.lines[1].counterparty == "常州通用自来水有限公司"


def test_gbk_utf8_and_bom_are_told_apart() -> None:
    text = (
        "账号：123456,户名：测试\r\n" + ICBC_HEADER + "2024-10-05,存入,某公司,,100.00,100.00,R1\r\n"
    )
    for data in (text.encode("gbk"), text.encode("utf-8"), text.encode("utf-8-sig"),
                 text.encode("gb18030")):  # fmt: skip
        draft = statement.read_statement(reading.read_rows(data), LAYOUTS["icbc"])
        assert draft.lines[0].counterparty == "某公司"
        assert draft.account_number == "123456"


def test_a_balance_that_does_not_add_up_is_refused_naming_the_line() -> None:
    data = (
        ICBC_HEADER
        + "2024-10-05,存入,甲,,100.00,1100.00,R1\r\n"
        + "2024-10-06,支出,乙,30.00,,1070.00,R2\r\n"
        + "2024-10-07,支出,丙,20.00,,1060.00,R3\r\n"  # should be 1,050.00
    ).encode()
    with pytest.raises(Invalid) as refused:
        statement.read_statement(reading.read_rows(data), LAYOUTS["icbc"])
    [problem] = refused.value.problems
    assert (problem.code, problem.where) == ("balance", "row 4")
    assert problem.args["expected"] == "1,050.00"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"\xff\xfe\x00\x01\x80\x81\xfe", "encoding"),
        (b"PK\x03\x04 not really a workbook", "xlsx"),
        ("标题\r\n余额\r\n".encode(), "header"),
        ((ICBC_HEADER + "2024-13-45,存入,甲,,1.00,1.00,R1\r\n").encode(), "date"),
        ((ICBC_HEADER + "2024-10-05,存入,甲,,1.0.0,1.00,R1\r\n").encode(), "amount"),
        (
            (
                ICBC_HEADER
                + "2024-10-05,存入,甲,,1.00,1.00,R1\r\n2024-10-05,存入,甲,,1.00,2.00,R1\r\n"
            ).encode(),
            "repeated",
        ),
    ],
)
def test_bad_files_get_a_clear_error(data: bytes, code: str) -> None:
    with pytest.raises(Invalid) as refused:
        statement.read_statement(reading.read_rows(data), LAYOUTS["icbc"])
    assert refused.value.problems[0].code == code


def _bank(line_id: int, day: int, amount: int, text: str = "") -> matching.BankSide:
    return matching.BankSide(line_id, date(2024, 10, day), amount, text)


def _book(entry_id: int, day: int, amount: int, text: str = "") -> matching.BookSide:
    return matching.BookSide(entry_id, date(2024, 10, day), amount, text)


def test_matching_pairs_by_amount_and_window_and_prefers_agreeing_text() -> None:
    bank = [_bank(1, 5, 100, "水费 自来水"), _bank(2, 5, 100, "电费"), _bank(3, 20, 999)]
    book = [_book(10, 4, 100, "电费"), _book(11, 6, 100, "水费"), _book(12, 9, 999)]
    assert sorted(matching.match(bank, book, window_days=3)) == [(1, 11), (2, 10)]


def test_one_entry_matches_one_line_only() -> None:
    bank = [_bank(1, 5, 100), _bank(2, 5, 100)]
    assert matching.match(bank, [_book(10, 5, 100)], window_days=3) == [(1, 10)]
