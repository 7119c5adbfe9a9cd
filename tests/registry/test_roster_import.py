"""Roster import through the service: encodings, every bad row, dry run, idempotence, updates."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from sunshine.kernel.errors import Invalid
from sunshine.registry import service
from sunshine.registry.models import Residency
from sunshine.registry.rules import AreaSource
from sunshine.registry.rules import ResidentKind
from sunshine.registry.rules import SaleState
from sunshine.registry.rules import UnitUse
from sunshine.registry.service import roster
from tests.factories import make_community
from tests.factories import make_unit
from tests.registry.fixtures.rosters import BAD_ROWS
from tests.registry.fixtures.rosters import GOOD_ROWS
from tests.registry.fixtures.rosters import csv_text
from tests.registry.fixtures.rosters import table_counts
from tests.registry.fixtures.rosters import xlsx_bytes

GOOD_COUNTS = {
    "building": (2, 0),
    "unit": (4, 0),
    "person": (5, 0),
    "ownership": (3, 0),
    "residency": (3, 0),
    "vehicle": (3, 0),
}
NOTHING = dict.fromkeys(GOOD_COUNTS, (0, 0))


def _import(
    session: Session, community_id: int, data: bytes, name: str = "花名册.csv"
) -> roster.ImportResult:
    return roster.apply_import(session, community_id, data=data, filename=name)


def _assert_sample_is_in(session: Session, community_id: int) -> None:
    unit = service.find_unit(session, community_id, "1-1-102")
    assert unit is not None
    assert (unit.area, unit.area_source, unit.use, unit.sale_state, unit.floor) == (
        Decimal("90.10"), AreaSource.SURVEY, UnitUse.RESIDENTIAL, SaleState.DELIVERED, 1,
    )  # fmt: skip
    shop = service.find_unit(session, community_id, "2-1-301")
    assert shop is not None
    assert (shop.use, shop.sale_state, shop.area_source) == (
        UnitUse.COMMERCIAL, SaleState.SOLD_UNDELIVERED, AreaSource.CONTRACT,
    )  # fmt: skip
    building = service.find_building(session, community_id, "2")
    assert building is not None
    assert (building.name, building.floors) == ("2幢", 3)
    first = service.find_unit(session, community_id, "1-1-101")
    assert first is not None
    owners = {
        service.get_party(session, community_id, o.party_id).name: (
            o.share_percent,
            o.is_designated_voter,
        )
        for o in service.owners_of(session, community_id, first.id)
    }
    assert owners == {"张三": (60, True), "李四": (40, False)}
    wang = service.find_party_by_phone(session, community_id, "13712345678")
    assert wang is not None
    assert wang.name == "王五"
    plates = {
        (v.plate, v.unit_id, v.party_id) for v in service.list_vehicles(session, community_id)
    }
    zhang = service.find_party_by_phone(session, community_id, "13812345678")
    assert zhang is not None
    assert plates == {
        ("苏D12345", first.id, zhang.id),
        ("苏DF12345", unit.id, wang.id),
        ("苏D54321", unit.id, wang.id),
    }


def test_a_utf8_csv_roster_creates_buildings_units_people_and_vehicles(session: Session) -> None:
    community = make_community(session)

    result = _import(session, community.id, csv_text(GOOD_ROWS).encode("utf-8"))

    assert (result.rows, result.counts()) == (6, GOOD_COUNTS)
    _assert_sample_is_in(session, community.id)


def test_a_utf8_csv_with_a_byte_order_mark_reads_the_same(session: Session) -> None:
    community = make_community(session)

    result = _import(session, community.id, csv_text(GOOD_ROWS).encode("utf-8-sig"))

    assert result.counts() == GOOD_COUNTS
    _assert_sample_is_in(session, community.id)


def test_a_gbk_csv_as_excel_saves_it_on_chinese_windows_reads_the_same(session: Session) -> None:
    community = make_community(session)
    data = csv_text(GOOD_ROWS).replace("苏Ｄ·54321", "苏D54321").encode("gbk")

    result = _import(session, community.id, data, name="roster.txt")

    assert result.counts() == GOOD_COUNTS
    _assert_sample_is_in(session, community.id)


def test_an_xlsx_roster_with_numbers_in_cells_reads_the_same(session: Session) -> None:
    community = make_community(session)
    rows: list[list[object]] = [[cell or None for cell in row.split(",")] for row in GOOD_ROWS]
    for row in rows:
        row[0] = int(str(row[0])) if row[0] else None  # the building typed as a number
        row[2] = float(str(row[2]))  # Excel keeps areas as floating point
    rows[0][7] = 13812345678  # a phone typed as a number

    result = _import(session, community.id, xlsx_bytes(rows), name="花名册.xlsx")

    assert result.counts() == GOOD_COUNTS
    _assert_sample_is_in(session, community.id)


def test_a_file_with_bad_rows_reports_every_one_by_line_and_writes_nothing(
    session: Session,
) -> None:
    community = make_community(session)
    before = table_counts(session)

    with pytest.raises(Invalid) as refused:
        _import(session, community.id, csv_text(BAD_ROWS).encode("gbk"))

    assert [(p.where, p.code, p.args["column"]) for p in refused.value.problems] == [
        ("row 3", "plate_letter_io", "车牌"),
        ("row 4", "area_decimals", "面积"),
        ("row 5", "unit_number", "房号"),
        ("row 6", "phone", "电话"),
        ("row 7", "name_missing", "姓名"),
        ("row 8", "share_total", "产权份额"),
        ("row 9", "share_total", "产权份额"),
    ]
    assert refused.value.problems[-1].args["total"] == 110
    assert table_counts(session) == before


def test_a_dry_run_lists_the_changes_and_writes_nothing(session: Session) -> None:
    community = make_community(session)
    before = table_counts(session)

    plan = roster.plan_import(
        session, community.id, data=csv_text(GOOD_ROWS).encode(), filename="花名册.csv"
    )

    assert (plan.ok, plan.rows, plan.counts()) == (True, 6, GOOD_COUNTS)
    assert table_counts(session) == before


def test_a_dry_run_of_a_bad_file_lists_the_problems_and_writes_nothing(session: Session) -> None:
    community = make_community(session)
    before = table_counts(session)

    plan = roster.plan_import(
        session, community.id, data=csv_text(BAD_ROWS).encode(), filename="花名册.csv"
    )

    assert [p.where for p in plan.problems] == [f"row {n}" for n in (3, 4, 5, 6, 7, 8, 9)]
    assert table_counts(session) == before


def test_importing_the_same_file_twice_changes_nothing_the_second_time(session: Session) -> None:
    community = make_community(session)
    data = csv_text(GOOD_ROWS).encode()
    _import(session, community.id, data)
    after_first = table_counts(session)

    again = _import(session, community.id, data)

    assert again.counts() == NOTHING
    assert table_counts(session) == after_first


def test_a_changed_area_in_one_row_updates_only_that_unit(session: Session) -> None:
    community = make_community(session)
    _import(session, community.id, csv_text(GOOD_ROWS).encode())
    changed = [row.replace("1-1-102,90.10", "1-1-102,91.20") for row in GOOD_ROWS]

    result = _import(session, community.id, csv_text(changed).encode())

    assert result.counts() == NOTHING | {"unit": (0, 1)}
    assert [(c.subject, c.fields) for c in result.changes] == [("1-1-102", ("area",))]
    areas = {u.number: u.area for u in service.list_units(session, community.id)}
    assert areas == {
        "1-1-101": Decimal("85.37"),
        "1-1-102": Decimal("91.20"),
        "2-1-301": Decimal("120.00"),
        "2-1-302": Decimal("99.99"),
    }


def test_changed_shares_and_voter_update_the_ownerships_without_passing_100(
    session: Session,
) -> None:
    community = make_community(session)
    _import(session, community.id, csv_text(GOOD_ROWS).encode())
    swapped = [
        GOOD_ROWS[0].replace("业主,60,是", "业主,30,否"),
        GOOD_ROWS[1].replace("业主,40,否", "业主,70,是"),
        *GOOD_ROWS[2:],
    ]

    result = _import(session, community.id, csv_text(swapped).encode())

    assert [(c.kind, c.subject, c.fields) for c in result.changes] == [
        ("ownership", "1-1-101 张三", ("share", "voter")),
        ("ownership", "1-1-101 李四", ("share", "voter")),
    ]
    unit = service.find_unit(session, community.id, "1-1-101")
    assert unit is not None
    held = sorted(
        (o.share_percent, o.is_designated_voter)
        for o in service.owners_of(session, community.id, unit.id)
    )
    assert held == [(30, False), (70, True)]


def test_a_person_listed_without_a_phone_is_found_by_name_in_the_unit_and_given_the_phone(
    session: Session,
) -> None:
    community = make_community(session)
    _import(session, community.id, csv_text(GOOD_ROWS).encode())
    with_phone = [row.replace("张小三,,家庭成员", "张小三,13912340000,租户") for row in GOOD_ROWS]

    result = _import(session, community.id, csv_text(with_phone).encode())

    assert [(c.kind, c.action, c.fields) for c in result.changes] == [
        ("person", "update", ("phone",)),
        ("residency", "update", ("role",)),
    ]
    daughter = service.find_party_by_phone(session, community.id, "13912340000")
    assert daughter is not None
    assert daughter.name == "张小三"
    unit = service.find_unit(session, community.id, "1-1-101")
    assert unit is not None
    residency = session.get(Residency, (community.id, unit.id, daughter.id))
    assert residency is not None
    assert residency.kind == ResidentKind.TENANT


def test_a_plate_registered_to_another_unit_is_a_problem_of_that_row(session: Session) -> None:
    community = make_community(session)
    _import(session, community.id, csv_text(GOOD_ROWS).encode())
    moved = [
        GOOD_ROWS[0].replace("苏D12345", ""),
        *GOOD_ROWS[1:],
        "1,1-1-103,80.00,,,,孙八,13412345678,业主,,,苏D 12345,",
    ]

    plan = roster.plan_import(
        session, community.id, data=csv_text(moved).encode(), filename="f.csv"
    )

    assert [(p.where, p.code, dict(p.args)) for p in plan.problems] == [
        (
            "row 8",
            "plate_taken",
            {"plate": "苏D12345", "number": "1-1-101", "row": 8, "column": "车牌"},
        )
    ]


def test_a_file_that_is_neither_a_workbook_nor_text_is_refused_as_a_whole(session: Session) -> None:
    community = make_community(session)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")

    zipped = roster.plan_import(session, community.id, data=buffer.getvalue(), filename="a.xlsx")
    binary = roster.plan_import(
        session, community.id, data=b"\x81\x00\xff\xfe\x80", filename="b.csv"
    )

    assert [(p.where, p.code) for p in zipped.problems] == [("file", "file_unreadable")]
    assert [(p.where, p.code) for p in binary.problems] == [("file", "file_encoding")]
    assert zipped.changes == binary.changes == ()


def test_an_existing_owner_left_out_of_the_file_still_counts_towards_100(session: Session) -> None:
    community = make_community(session)
    unit = make_unit(session, community, number="1-1-101")
    earlier = service.add_party(session, community.id, name="老业主", phone="13000000000")
    service.set_owner(session, community.id, unit_id=unit.id, party_id=earlier.id, share_percent=50)
    rows = ["1,1-1-101,85.37,,,,新业主,13100000000,业主,60,,,"]

    plan = roster.plan_import(session, community.id, data=csv_text(rows).encode(), filename="f.csv")

    assert [(p.where, p.code, p.args["total"]) for p in plan.problems] == [
        ("row 2", "share_total", 110)
    ]


def test_an_owner_without_a_phone_of_several_units_is_matched_in_each_unit(
    session: Session,
) -> None:
    community = make_community(session)
    developer = service.add_party(session, community.id, name="示例建设单位", is_developer=True)
    for number in ("1-1-101", "1-1-102"):
        unit = make_unit(session, community, number=number)
        service.set_owner(session, community.id, unit_id=unit.id, party_id=developer.id)
    rows = [f"1,{n},85.37,,,开发商未售,示例建设单位,,业主,100,是,," for n in ("1-1-101", "1-1-102")]

    plan = roster.plan_import(session, community.id, data=csv_text(rows).encode(), filename="f.csv")

    assert plan.problems == ()
    assert [(c.kind, c.action, c.subject, c.fields) for c in plan.changes] == [
        ("unit", "update", "1-1-101", ("sale_state",)),
        ("unit", "update", "1-1-102", ("sale_state",)),
    ]
