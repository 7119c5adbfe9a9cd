"""Roster rules without a database: headers, encodings, cells, rules between rows."""

from __future__ import annotations

from decimal import Decimal

from sunshine.infra.i18n import gettext
from sunshine.kernel.errors import Problem
from sunshine.registry.rules import AreaSource
from sunshine.registry.rules import SaleState
from sunshine.registry.rules import UnitUse
from sunshine.registry.rules.roster_files import Sheet
from sunshine.registry.rules.roster_files import read_sheet
from sunshine.registry.rules.roster_format import Role
from sunshine.registry.rules.roster_format import describe
from sunshine.registry.rules.roster_format import header_key
from sunshine.registry.rules.roster_rows import RosterRow
from sunshine.registry.rules.roster_rows import file_problems
from sunshine.registry.rules.roster_rows import parse_row
from sunshine.registry.rules.roster_rows import person_keys
from sunshine.registry.rules.roster_rows import settle_owners
from tests.registry.fixtures.rosters import csv_text


def _sheet(data: bytes) -> Sheet:
    sheet, problems = read_sheet(data, filename="f.csv")
    assert problems == []
    assert sheet is not None
    return sheet


def _rows(*lines: str) -> list[RosterRow]:
    sheet = _sheet(csv_text(list(lines)).encode())
    rows = [parse_row(line, cells, sheet.columns) for line, cells in sheet.rows]
    assert [problems for _row, problems in rows] == [[]] * len(lines)
    return [row for row, _problems in rows if row is not None]


def _codes(problems: list[Problem]) -> list[tuple[str, str]]:
    return [(p.where, p.code) for p in problems]


def test_headers_are_read_in_chinese_in_english_and_with_a_unit_in_brackets() -> None:
    assert [header_key(h) for h in ("房号", "Unit Number", "面积（㎡）", "产权份额(%)", "手机号")] == [
        "unit", "unit", "area", "share", "phone",
    ]  # fmt: skip
    assert header_key("身份证号") is None


def test_an_english_roster_with_a_title_row_above_the_header_is_read() -> None:
    text = "荆川东园业主花名册,,\r\n\r\nUnit,Area,Name,Phone\r\n1-1-101,85.37,Zhang San,13812345678\r\n"

    sheet = _sheet(text.encode())

    assert sheet.columns == {"unit": "Unit", "area": "Area", "name": "Name", "phone": "Phone"}
    assert sheet.rows == [
        (4, {"unit": "1-1-101", "area": "85.37", "name": "Zhang San", "phone": "13812345678"})
    ]


def test_a_roster_without_the_required_headers_is_refused_with_the_missing_ones() -> None:
    sheet, problems = read_sheet(
        "楼栋,房号,电话\r\n1,1-1-101,13812345678\r\n".encode(), filename="f.csv"
    )

    assert sheet is None
    assert [(p.code, p.args["columns"]) for p in problems] == [("header_missing", "面积、姓名")]


def test_an_old_xls_file_is_refused_with_advice() -> None:
    sheet, problems = read_sheet(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, filename="old.xls"
    )

    assert sheet is None
    assert _codes(problems) == [("file", "file_xls")]


def test_gbk_text_is_told_from_utf8_by_its_bytes_and_tabs_are_accepted_as_separators() -> None:
    text = "房号\t面积\t姓名\r\n1-1-101\t85.37\t张三\r\n"

    assert _sheet(text.encode("gb18030")).rows == _sheet(text.encode("utf-8")).rows
    assert _sheet(text.encode("utf-16")).rows == [
        (2, {"unit": "1-1-101", "area": "85.37", "name": "张三"})
    ]


def test_a_row_is_read_with_defaults_and_normal_forms() -> None:
    [row] = _rows(",1-1-101, 85.3 ,,,,张三,+86 138-1234-5678,,,,苏d·12345，苏DF12345,备注")

    assert row == RosterRow(
        line=2, building="1", unit="1-1-101", area=Decimal("85.30"), area_source=AreaSource.REGISTRY,
        use=UnitUse.RESIDENTIAL, sale_state=SaleState.DELIVERED, name="张三", phone="13812345678",
        role=Role.OWNER, share=None, voter=None, plates=("苏D12345", "苏DF12345"), note="备注",
    )  # fmt: skip


def test_every_bad_cell_of_a_row_is_reported_with_its_column() -> None:
    sheet = _sheet(csv_text(["2,1-1-101,0,估算,住宅,,张三,12345,房东,120,也许,,"]).encode())
    [(line, cells)] = sheet.rows

    row, problems = parse_row(line, cells, sheet.columns)

    assert row is None
    assert [(p.code, p.args["column"]) for p in problems] == [
        ("unit_building", "楼栋"),
        ("area_range", "面积"),
        ("choice", "面积来源"),
        ("phone", "电话"),
        ("choice", "身份"),
        ("share_value", "产权份额"),
        ("choice", "表决代表"),
    ]
    assert problems[2].args == {
        "value": "估算",
        "choices": "不动产登记、测绘、合同",
        "row": 2,
        "column": "面积来源",
    }


def test_a_room_number_without_a_floor_is_refused() -> None:
    sheet = _sheet(csv_text(["1,1-1-012,85.37,,,,张三,,,,,,"]).encode())
    [(line, cells)] = sheet.rows

    row, problems = parse_row(line, cells, sheet.columns)

    assert row is None
    assert [(p.code, p.args["column"]) for p in problems] == [("unit_floor", "房号")]


def test_rows_repeating_a_person_a_plate_or_a_phone_or_disagreeing_on_a_unit_are_flagged() -> None:
    rows = _rows(
        "1,1-1-101,85.37,,,,张三,13812345678,业主,,,苏D12345,",
        "1,1-1-101,85.37,,,,张三,,业主,,,,",  # the same owner again, without the phone
        "1,1-1-101,85.37,,,,张三,13812345678,家庭成员,,,,",  # owner and family: fine
        "1,1-1-102,90.00,,,,李四,13812345678,业主,,,苏D12345,",  # same phone, other name; plate again
        "1,1-1-102,91.00,,,,王五,,业主,,,,",  # the unit's area differs
    )
    keys = person_keys(rows)

    problems = file_problems(rows, keys, {})

    assert keys[3] == ("phone", "13812345678")
    assert _codes(problems) == [
        ("row 3", "row_twice"),
        ("row 5", "plate_twice"),
        ("row 5", "phone_two_names"),
        ("row 6", "unit_differs"),
    ]


def test_co_owners_without_shares_split_100_and_the_first_one_votes() -> None:
    rows = _rows(*[f"1,1-1-101,85.37,,,,业主{n},,,,," for n in range(3)])

    settled, problems = settle_owners(rows, columns={})

    assert problems == []
    assert [(s.share, s.voter) for s in settled] == [(34, True), (33, False), (33, False)]


def test_co_owners_keep_the_voter_they_have_unless_the_file_marks_another() -> None:
    rows = _rows("1,1-1-101,85.37,,,,甲,,,50,,", "1,1-1-101,85.37,,,,乙,,,50,,")

    kept, _ = settle_owners(rows, columns={}, current_voter=3)
    elsewhere, _ = settle_owners(rows, columns={}, voter_elsewhere=True)

    assert [s.voter for s in kept] == [False, True]
    assert [s.voter for s in elsewhere] == [False, False]


def test_co_owner_shares_must_all_be_given_fit_in_100_and_name_one_voter() -> None:
    partial = _rows("1,1-1-101,85.37,,,,甲,,,50,是,", "1,1-1-101,85.37,,,,乙,,,,是,")
    too_much = _rows("1,1-1-101,85.37,,,,甲,,,50,,")

    _, missing = settle_owners(partial, columns={})
    _, over = settle_owners(too_much, columns={}, others_share=60)

    assert _codes(missing) == [
        ("row 3", "share_missing"),
        ("row 2", "voter_many"),
        ("row 3", "voter_many"),
    ]
    assert [(p.code, p.args["total"]) for p in over] == [("share_total", 110)]


def test_a_problem_reads_with_its_row_and_column_in_chinese_and_in_english() -> None:
    sheet = _sheet(csv_text(["1,1-1-101,85.37,,,,,13812345678,,,,,"]).encode())
    [(line, cells)] = sheet.rows
    _row, [problem] = parse_row(line, cells, sheet.columns)

    assert describe(problem, lambda m: gettext("zh_CN", m)) == "第2行（姓名）：缺少姓名"
    assert describe(problem, lambda m: gettext("en", m)) == "row 2, 姓名: the name is missing"
