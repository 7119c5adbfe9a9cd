"""Roster export: the import format back, and export → import → export round trips."""

from __future__ import annotations

import io

import openpyxl
from sqlalchemy.orm import Session

from sunshine.registry import service
from sunshine.registry.service import roster
from tests.factories import make_community
from tests.factories import make_unit
from tests.registry.fixtures.rosters import GOOD_ROWS
from tests.registry.fixtures.rosters import HEADER
from tests.registry.fixtures.rosters import csv_text

EXPORTED = [
    HEADER,
    "1,1-1-101,85.37,不动产登记,住宅,已交付,张三,13812345678,业主,60,是,苏D12345,",
    "1,1-1-101,85.37,不动产登记,住宅,已交付,李四,13912345678,业主,40,否,,",
    "1,1-1-101,85.37,不动产登记,住宅,已交付,张小三,,家庭成员,,,,女儿",
    "1,1-1-102,90.10,测绘,住宅,已交付,王五,13712345678,业主自住,100,是,苏D54321、苏DF12345,",
    "2,2-1-301,120.00,合同,商业,已售未交付,赵六,13612345678,租户,,,,",
    "2,2-1-302,99.99,不动产登记,住宅,开发商未售,,,,,,,开发商自留",
]


def _loaded(session: Session) -> int:
    community = make_community(session)
    data = csv_text(GOOD_ROWS).encode()
    roster.apply_import(session, community.id, data=data, filename="花名册.csv")
    return community.id


def test_the_csv_export_is_utf8_with_a_bom_and_one_row_per_person_in_each_unit(
    session: Session,
) -> None:
    community_id = _loaded(session)

    data = roster.export_roster(session, community_id, fmt="csv")

    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").split("\r\n") == [*EXPORTED, ""]


def test_the_xlsx_export_has_the_same_rows_with_areas_as_numbers(session: Session) -> None:
    community_id = _loaded(session)

    data = roster.export_roster(session, community_id, fmt="xlsx")

    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet.title == "花名册"
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == HEADER.split(",")
    assert values[4][:9] == [
        "1",
        "1-1-102",
        90.1,
        "测绘",
        "住宅",
        "已交付",
        "王五",
        "13712345678",
        "业主自住",
    ]
    assert sheet.cell(row=5, column=3).number_format == "0.00"
    assert len(values) == len(EXPORTED)


def test_export_then_import_into_a_fresh_community_then_export_gives_the_same_rows(
    session: Session,
) -> None:
    first = _loaded(session)
    csv_out = roster.export_roster(session, first, fmt="csv")
    xlsx_out = roster.export_roster(session, first, fmt="xlsx")

    from_csv, from_xlsx = make_community(session), make_community(session)
    roster.apply_import(session, from_csv.id, data=csv_out, filename="out.csv")
    roster.apply_import(session, from_xlsx.id, data=xlsx_out, filename="out.xlsx")

    assert roster.export_roster(session, from_csv.id, fmt="csv") == csv_out
    assert roster.export_roster(session, from_xlsx.id, fmt="csv") == csv_out


def test_importing_its_own_export_changes_nothing(session: Session) -> None:
    community_id = _loaded(session)
    exported = roster.export_roster(session, community_id, fmt="xlsx")

    result = roster.apply_import(session, community_id, data=exported, filename="out.xlsx")

    assert result.changes == ()


def test_a_name_that_looks_like_a_formula_stays_text_both_ways(session: Session) -> None:
    community = make_community(session)
    unit = make_unit(session, community, number="1-1-101")
    party = service.add_party(session, community.id, name="=HYPERLINK(1)")
    service.set_owner(session, community.id, unit_id=unit.id, party_id=party.id)

    csv_out = roster.export_roster(session, community.id, fmt="csv")
    xlsx_out = roster.export_roster(session, community.id, fmt="xlsx")

    assert ",'=HYPERLINK(1)," in csv_out.decode("utf-8-sig")
    cell = openpyxl.load_workbook(io.BytesIO(xlsx_out)).active.cell(row=2, column=7)
    assert (cell.value, cell.data_type) == ("=HYPERLINK(1)", "s")
    fresh = make_community(session)
    roster.apply_import(session, fresh.id, data=csv_out, filename="out.csv")
    assert roster.export_roster(session, fresh.id, fmt="csv") == csv_out
