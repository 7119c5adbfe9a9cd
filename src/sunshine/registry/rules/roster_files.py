"""Roster files as bytes: read an XLSX or CSV into keyed rows, and write them back.

No database here, and no file system either: callers pass and receive bytes. The kind
of file is told by its content (an XLSX is a zip; an old XLS is an OLE2 file, which we
refuse with advice), not by its name. CSV text is UTF-8 (with or without BOM), UTF-16
with BOM (Excel's "Unicode text"), else GB18030, which reads every GBK file. The header
row is the first row, among the first ten non-empty ones, that names two known columns,
so a title row above the header does no harm. A file of more than `max_rows` rows is
refused as it is read, before the rest is (an XLSX is zipped: a few MB can hold millions).
"""

from __future__ import annotations

import csv
import io
import itertools
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from sunshine.infra import spreadsheets
from sunshine.kernel.errors import Problem
from sunshine.registry.rules.roster_format import HEADERS
from sunshine.registry.rules.roster_format import REQUIRED
from sunshine.registry.rules.roster_format import clean_cell
from sunshine.registry.rules.roster_format import header_key

_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0"
_HEADER_SEARCH = 10
MAX_ROWS = 20_000  # the default of the setting roster_max_rows: a very large community


@dataclass(frozen=True, slots=True)
class Sheet:
    """The data rows of a roster, by line, with cells keyed by column key."""

    columns: dict[str, str]  # column key → header as written in the file
    rows: list[tuple[int, dict[str, str]]]


def read_sheet(
    data: bytes, *, filename: str = "", max_rows: int = MAX_ROWS
) -> tuple[Sheet | None, list[Problem]]:
    """Read a roster file; on a problem with the file as a whole, no sheet."""
    if data.startswith(_OLE2):
        return None, [
            Problem(
                "file_xls",
                "{filename} is an old .xls file; save it as .xlsx or .csv",
                {"filename": filename},
                "file",
            )
        ]
    if data.startswith(_ZIP):
        lines = _xlsx_lines(data, max_rows + _HEADER_SEARCH + 1)
        if lines is None:
            return None, [
                Problem(
                    "file_unreadable",
                    "{filename} cannot be read as an XLSX workbook",
                    {"filename": filename},
                    "file",
                )
            ]
    else:
        text = _decode(data)
        if text is None:
            return None, [
                Problem(
                    "file_encoding",
                    "{filename} is neither UTF-8 nor GBK text",
                    {"filename": filename},
                    "file",
                )
            ]
        lines = _csv_lines(text, max_rows + _HEADER_SEARCH + 1)
    if len(lines) > max_rows + _HEADER_SEARCH:
        return None, [
            Problem(
                "file_too_long",
                "{filename} has more than {rows} rows; split it into smaller files",
                {"filename": filename, "rows": max_rows},
                "file",
            )
        ]
    return _keyed(lines, filename)


def _decode(data: bytes) -> str | None:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _csv_lines(text: str, most: int) -> list[tuple[int, list[str]]]:
    """The file's rows as cells, at most `most` of them."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(",\t;", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    lines: list[tuple[int, list[str]]] = []
    start = 1
    for cells in itertools.islice(reader, most):
        # A quoted cell may span lines: a row starts on the line after the last one ended.
        lines.append((start, [clean_cell(cell) for cell in cells]))
        start = reader.line_num + 1
    return lines


def _xlsx_lines(data: bytes, most: int) -> list[tuple[int, list[str]]] | None:
    # openpyxl reads lazily, so a damaged part can fail while rows are read, not only at load.
    # ParseError (bad XML inside the zip) is a SyntaxError.
    damaged = (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, SyntaxError)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except damaged:
        return None
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some programs write a wrong dimension; read every row
        return [
            (line, [clean_cell(_cell_text(value)) for value in values])
            for line, values in enumerate(
                itertools.islice(sheet.iter_rows(values_only=True), most), start=1
            )
        ]
    except damaged:
        return None
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone or building typed as a number
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _keyed(lines: list[tuple[int, list[str]]], filename: str) -> tuple[Sheet | None, list[Problem]]:
    filled = [(line, cells) for line, cells in lines if any(cells)]
    if not filled:
        return None, [
            Problem("file_empty", "{filename} has no rows", {"filename": filename}, "file")
        ]
    candidates = filled[:_HEADER_SEARCH]
    found = [i for i, (_, cells) in enumerate(candidates) if _known(cells) >= 2]
    at = found[0] if found else 0
    header = filled[at][1]
    columns: dict[str, str] = {}
    places: dict[str, int] = {}
    problems: list[Problem] = []
    for place, text in enumerate(header):
        key = header_key(text) if text else None
        if key is None:
            continue
        if key in columns:
            problems.append(
                Problem(
                    "header_twice", "the column {column} appears twice", {"column": text}, "file"
                )
            )
            continue
        columns[key], places[key] = text, place
    missing = [HEADERS[key] for key in REQUIRED if key not in columns]
    if missing:
        problems.append(
            Problem(
                "header_missing",
                "the header row (line {line}) lacks the column {columns}",
                {"line": filled[at][0], "columns": "、".join(missing)},
                "file",
            )
        )
    if problems:
        return None, problems
    rows = [
        (line, {key: cells[place] if place < len(cells) else "" for key, place in places.items()})
        for line, cells in filled[at + 1 :]
    ]
    return Sheet(columns, [(line, cells) for line, cells in rows if any(cells.values())]), []


def _known(cells: Sequence[str]) -> int:
    return sum(1 for cell in cells if cell and header_key(cell) is not None)


# --- writing -----------------------------------------------------------------


def write_csv(rows: Sequence[Sequence[str]]) -> bytes:
    """UTF-8 with BOM (so Excel reads the Chinese) and CRLF, header first.

    infra.spreadsheets quotes a cell that starts like a formula; the import drops the quote.
    """
    return spreadsheets.csv_bytes([list(HEADERS.values()), *rows])


def write_xlsx(rows: Sequence[Sequence[str]]) -> bytes:
    """One sheet named 花名册: header in bold, areas as numbers with two decimals."""
    book = spreadsheets.new_workbook()
    sheet = spreadsheets.add_sheet(book, "花名册", list(HEADERS.values()))
    area_at = list(HEADERS).index("area")
    for row in rows:
        values: list[object] = [text or None for text in row]
        values[area_at] = Decimal(row[area_at])
        spreadsheets.append_row(sheet, values)
        sheet.cell(row=sheet.max_row, column=area_at + 1).number_format = "0.00"
    for letter, width in zip(
        "ABCDEFGHIJKLM", (6, 10, 9, 11, 6, 11, 12, 13, 9, 9, 9, 20, 12), strict=True
    ):
        sheet.column_dimensions[letter].width = width
    return spreadsheets.xlsx_bytes(book)
