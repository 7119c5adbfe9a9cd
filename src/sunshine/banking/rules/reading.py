"""A statement file's bytes to rows of text: CSV in UTF-8 (BOM or not) or GBK/GB18030, or XLSX.

Banks' exports are CSV in GBK (older systems) or UTF-8, or Excel workbooks; the encoding
is detected, never asked for: a BOM says UTF-8, text that decodes as UTF-8 is UTF-8, and
anything else is read as GB18030 (a superset of GBK and GB2312) or refused.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from datetime import datetime

from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import Problem

XLSX_MAGIC = b"PK\x03\x04"
MAX_COLUMNS = 64
MAX_ROWS = 250_000


def _refused(code: str, message: str, **args: object) -> Invalid:
    return Invalid(
        "the statement cannot be read; nothing was imported",
        problems=[Problem(code, message, args, "file")],
    )


def decode(data: bytes) -> str:
    """The text of a CSV export in whichever of UTF-8 (BOM or not) and GB18030 it is in."""
    try:
        return data.decode("utf-8-sig")  # the BOM, if any, dropped
    except UnicodeDecodeError:
        if data.startswith(b"\xef\xbb\xbf"):  # says UTF-8, is not
            raise _refused("encoding", "the file is neither UTF-8 nor GBK text") from None
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise _refused("encoding", "the file is neither UTF-8 nor GBK text") from None


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):  # Excel stores numbers as floats: read its shortest repr
        return repr(value) if not value.is_integer() else str(int(value))
    return str(value).strip()


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook  # only an Excel statement pays for the import

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            return [
                [_cell(v) for v in row[:MAX_COLUMNS]]
                for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS)
            ]
        finally:
            book.close()
    # A damaged or hostile workbook makes openpyxl raise almost anything: it is not a statement.
    except Exception:  # noqa: BLE001
        raise _refused("xlsx", "the Excel file is damaged or not a workbook") from None


def read_rows(data: bytes) -> list[list[str]]:
    """Every row of the file's first table (an XLSX's first sheet), each cell stripped text."""
    if not data.strip():
        raise _refused("empty", "the statement file is empty")
    if data.startswith(XLSX_MAGIC):
        return _xlsx_rows(data)
    text = decode(data)
    if "\x00" in text:
        raise _refused("binary", "the file is not a CSV or Excel statement")
    dialect = "excel-tab" if text.count("\t") > text.count(",") else "excel"
    try:
        return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), dialect=dialect)]
    except csv.Error:
        raise _refused("csv", "the CSV text is malformed") from None
