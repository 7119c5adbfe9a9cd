"""A section's name columns per language: each reader sees one, in the first place."""

from __future__ import annotations

from sunshine.kernel.sections import CellKind
from sunshine.kernel.sections import Column
from sunshine.kernel.sections import Section
from sunshine.kernel.sections import shown_columns

BUDGET = Section(
    key="budget",
    title_zh="预算执行情况",
    title_en="Budget vs actual",
    columns=(
        Column("line", "预算项目", "Budget line", lang="zh"),
        Column("actual", "本期实际", "Actual", CellKind.FEN),
        Column("line_en", "预算项目", "Budget line", lang="en"),
    ),
    rows=(("车位租金", 720_000, "Parking rent"),),
)


def test_each_language_sees_its_own_name_column_first() -> None:
    columns = BUDGET.as_record()["columns"]
    assert isinstance(columns, list)
    assert shown_columns(columns, "zh_CN") == [0, 1]
    assert shown_columns(columns, "en") == [2, 1]


def test_a_column_for_everyone_records_no_language() -> None:
    columns = BUDGET.as_record()["columns"]
    assert isinstance(columns, list)
    assert [c.get("lang") for c in columns] == ["zh", None, "en"]
