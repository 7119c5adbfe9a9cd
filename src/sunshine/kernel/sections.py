"""A section that a part contributes to the monthly notice, as plain values.

The notice (`disclosure`) knows nothing of billing's arrears or governance's votes: each
part that has something to publish for a period returns a `Section` (a titled table)
from a function of its own service, and the app wires those functions to the notice
(`disclosure.service.sections.register`). The section is frozen into the published
notice as `as_record()` gives it, so it must hold no raw personal data (LAW.md 3):
aggregates and room numbers at most. Money cells are integer fen; nothing is a float.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class CellKind(StrEnum):
    TEXT = "text"  # shown as it is (a percentage goes here as text, e.g. "95.3%")
    FEN = "fen"  # an integer number of fen, shown as yuan ("9,618.58")
    COUNT = "count"  # an integer count
    DAY = "day"  # an ISO day ("2024-10-31") in the record; a page writes it as its language does


Cell = str | int


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    name_zh: str
    name_en: str
    kind: CellKind = CellKind.TEXT
    # "zh" or "en": a column only readers of that language see (a name in each language),
    # so a notice read in one language never shows "车位租金 Parking rent". "": everyone.
    lang: str = ""


@dataclass(frozen=True, slots=True)
class Section:
    """A titled table: columns, rows of cells in column order, an optional note."""

    key: str  # unique within a notice, e.g. "budget", "arrears"
    title_zh: str
    title_en: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note_zh: str = ""
    note_en: str = ""

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(
                    f"section {self.key}: a row has {len(row)} cells, not {len(self.columns)}"
                )
            for cell, column in zip(row, self.columns, strict=True):
                numeric = column.kind not in (CellKind.TEXT, CellKind.DAY)
                if numeric != (isinstance(cell, int) and not isinstance(cell, bool)):
                    raise ValueError(f"section {self.key}: {column.key} holds {cell!r}")

    def as_record(self) -> dict[str, object]:
        """The section as the notice freezes it (JSON-ready)."""
        return {
            "key": self.key,
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "columns": [_column_record(c) for c in self.columns],
            "rows": [list(row) for row in self.rows],
            "note_zh": self.note_zh,
            "note_en": self.note_en,
        }


def _column_record(column: Column) -> dict[str, str]:
    record = {
        "key": column.key,
        "name_zh": column.name_zh,
        "name_en": column.name_en,
        "kind": str(column.kind),
    }
    return {**record, "lang": column.lang} if column.lang else record


def shown_columns(columns: list[dict[str, object]], locale: str) -> list[int]:
    """The indexes of a frozen section's columns that a reader in `locale` sees, in order.

    A language's own columns take the places of the Chinese ones (the first English column
    where the first Chinese one stands…), so an English reader sees the line's name first too.
    """
    lang = "en" if locale == "en" else "zh"
    own = iter([i for i, c in enumerate(columns) if c.get("lang", "") == lang])
    shown = []
    for i, column in enumerate(columns):
        if column.get("lang", "") == "":
            shown.append(i)
        elif column.get("lang") == "zh":
            shown.append(i if lang == "zh" else next(own, i))
    return shown
