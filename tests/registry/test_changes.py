"""One-at-a-time registry changes: editing a person, moving in and out, removing a vehicle,
and the roster's 备注 kept on import. On both databases."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.registry import rules
from sunshine.registry import service as registry
from sunshine.registry.service import roster
from tests.factories import make_community
from tests.factories import make_unit
from tests.registry.fixtures.rosters import GOOD_ROWS
from tests.registry.fixtures.rosters import csv_text

VALID_ID = "11010519491231002x"  # the check digit X, typed in lower case


def test_a_person_is_edited_and_the_id_number_stored_in_its_normal_form(session: Session) -> None:
    community = make_community(session)
    party = registry.add_party(session, community.id, name="张三", phone="13812345678")
    change = registry.PartyChange(
        name=" 张 三丰 ", phone="+86 139-1234-5678", id_number=VALID_ID, note="已过世"
    )
    registry.edit_party(session, community.id, party.id, change)
    session.expire_all()
    edited = registry.get_party(session, community.id, party.id)
    assert (edited.name, edited.phone, edited.id_number, edited.note) == (
        "张 三丰", "13912345678", "11010519491231002X", "已过世",
    )  # fmt: skip


def test_a_bad_id_number_is_refused_and_nothing_is_written(session: Session) -> None:
    community = make_community(session)
    party = registry.add_party(session, community.id, name="张三", phone="13812345678")
    change = registry.PartyChange(name="李四", phone="13912345678", id_number="110105194912310021")
    with pytest.raises(Invalid) as caught:
        registry.edit_party(session, community.id, party.id, change)
    assert [(p.code, p.where) for p in caught.value.problems] == [("id_number", "id_number")]
    assert "110105194912310021" not in caught.value.problems[0].text()  # masked
    session.expire_all()
    kept = registry.get_party(session, community.id, party.id)
    assert (kept.name, kept.phone, kept.id_number) == ("张三", "13812345678", "")
    with pytest.raises(Invalid):
        registry.add_party(session, community.id, name="王五", id_number="123")


def test_moving_in_twice_or_out_before_moving_in_is_refused(session: Session) -> None:
    community = make_community(session)
    unit = make_unit(session, community)
    party = registry.add_party(session, community.id, name="赵六")
    kind = rules.ResidentKind.TENANT
    registry.move_in(
        session, community.id, unit_id=unit.id, party_id=party.id, kind=kind, on=date(2025, 3, 1)
    )
    with pytest.raises(Conflict):
        registry.move_in(
            session, community.id, unit_id=unit.id, party_id=party.id, kind=kind,
            on=date(2025, 4, 1),
        )  # fmt: skip
    with pytest.raises(Invalid):
        registry.move_out(
            session, community.id, unit_id=unit.id, party_id=party.id, on=date(2025, 2, 1)
        )
    registry.move_out(
        session, community.id, unit_id=unit.id, party_id=party.id, on=date(2025, 9, 1)
    )
    with pytest.raises(NotFound):
        registry.move_out(
            session, community.id, unit_id=unit.id, party_id=party.id, on=date(2025, 10, 1)
        )
    with pytest.raises(Invalid):
        registry.move_in(
            session, community.id, unit_id=unit.id, party_id=party.id, kind=kind,
            on=date(2025, 8, 1),
        )  # fmt: skip
    registry.move_in(
        session, community.id, unit_id=unit.id, party_id=party.id, kind=kind, on=date(2025, 9, 1)
    )
    assert len(registry.past_residents_of(session, community.id, unit.id)) == 1


def test_a_removed_vehicle_is_gone_and_its_plate_free_again(session: Session) -> None:
    community = make_community(session)
    unit = make_unit(session, community)
    vehicle = registry.register_vehicle(session, community.id, plate="苏D12345", unit_id=unit.id)
    registry.remove_vehicle(session, community.id, vehicle.id)
    assert registry.find_vehicle(session, community.id, "苏D12345") is None
    with pytest.raises(NotFound):
        registry.remove_vehicle(session, community.id, vehicle.id)
    registry.register_vehicle(session, community.id, plate="苏D12345", unit_id=unit.id)


def test_the_roster_import_keeps_the_remarks_on_the_person_or_the_unit(session: Session) -> None:
    community = make_community(session)
    data = csv_text(GOOD_ROWS).encode()
    roster.apply_import(session, community.id, data=data, filename="花名册.csv")
    daughter = next(
        p.party for p in registry.list_parties(session, community.id) if p.party.name == "张小三"
    )
    assert daughter.note == "女儿"
    unit = registry.find_unit(session, community.id, "2-1-302")
    assert unit is not None
    assert unit.note == "开发商自留"
    again = roster.plan_import(session, community.id, data=data, filename="花名册.csv")
    assert again.changes == ()


def test_a_remark_longer_than_its_column_is_a_problem_of_its_row(session: Session) -> None:
    community = make_community(session)
    rows = [GOOD_ROWS[0].rsplit(",", 1)[0] + "," + "长" * 121]
    plan = roster.plan_import(
        session, community.id, data=csv_text(rows).encode(), filename="花名册.csv"
    )
    assert [(p.code, p.where) for p in plan.problems] == [("too_long", "row 2")]
