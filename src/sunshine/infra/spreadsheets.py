"""Every CSV and XLSX the product writes goes through here, so no cell can run as a formula.

CSV cells that are text pass through `kernel.cells.neutral` (a quote before =, +, -, @ and
tab- or CR-led text); numbers, and text that is a number such as "-12.50", are written as
they are. XLSX cells keep their types: numbers as numbers, text always as text (openpyxl
would otherwise store "=…" as a formula), risky text marked with Excel's quote prefix,
which shows nothing and keeps the cell text when someone edits it.
A test (tests/infra/test_spreadsheets.py) fails when code elsewhere writes CSV or builds a
workbook itself.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from collections.abc import Sequence
from typing import Any
from typing import Protocol

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from sunshine.kernel.cells import neutral
from sunshine.kernel.cells import runs_as_formula

BOM = "\ufeff"  # Excel needs it to read UTF-8 (and so Chinese) from a CSV


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def _csv_cell(value: object) -> object:
    return neutral(value) if isinstance(value, str) else value


class CsvWriter:
    """`csv.writer` whose every text cell is neutral."""

    def __init__(self, stream: _Writable, *, lineterminator: str = "\r\n") -> None:
        self._writer = csv.writer(stream, lineterminator=lineterminator)

    def writerow(self, row: Iterable[object]) -> None:
        """Write one row."""
        self._writer.writerow([_csv_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        """Write many rows."""
        for row in rows:
            self.writerow(row)


def csv_bytes(rows: Iterable[Iterable[object]], *, lineterminator: str = "\r\n") -> bytes:
    """Rows as a UTF-8 CSV with a byte-order mark."""
    out = io.StringIO(newline="")
    CsvWriter(out, lineterminator=lineterminator).writerows(rows)
    return (BOM + out.getvalue()).encode("utf-8")


def new_workbook() -> Workbook:
    """An empty workbook (no default sheet): add sheets with `add_sheet`."""
    book = Workbook()
    book.remove(book.active)
    return book


def add_sheet(book: Workbook, title: str, header: Sequence[str]) -> Worksheet:
    """A sheet with its header row in bold."""
    sheet = book.create_sheet(title)
    append_row(sheet, header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    return sheet


def append_row(sheet: Worksheet, row: Iterable[object]) -> None:
    """Append a row: numbers as numbers, text as text, never a formula."""
    sheet.append(list(row))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
            if runs_as_formula(cell.value):
                cell.quotePrefix = True


def xlsx_bytes(book: Workbook) -> bytes:
    """The workbook as the bytes of an .xlsx file."""
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
