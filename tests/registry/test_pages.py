"""The community home page and the staff area through the real app, in Chinese by default."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from sunshine.identity import service as identity
from sunshine.identity.rules import Role
from sunshine.registry import rules
from sunshine.registry import service as registry
from sunshine.registry.models import Community
from tests.factories import log_in
from tests.factories import make_unit
from tests.factories import make_user

FORM = {"csrf_token": "test-csrf-token"}


def _jingchuan(session: Session) -> Community:
    """A small 荆川东园: two buildings, three units, one committee member, 3 + 1 spaces."""
    draft = registry.CommunityDraft(
        code="jc",
        name="荆川东园",
        name_en="Jingchuan Dongyuan",
        city="常州市",
        district="钟楼区",
        street="永红街道",
        neighbourhood="锦阳苑社区",
        address="常州市钟楼区荆川路",
        committee_kind=rules.CommitteeKind.PROPERTY_COMMITTEE,
        trustee_company="常州鼎盛物业服务有限责任公司",
        trustee_since=date(2024, 9, 1),
    )
    community = registry.create_community(session, draft)
    for number in ("1-1-101", "1-1-102", "2-1-101"):
        make_unit(session, community, number=number)
    registry.add_parking_spaces(
        session, community.id, kind=rules.SpaceKind.RESIDENT, codes=["P01", "P02", "P03"]
    )
    registry.add_parking_spaces(session, community.id, kind=rules.SpaceKind.VISITOR, codes=["V1"])
    member = identity.add_user(session, display_name="周建国", username="zhou", password="x" * 12)
    identity.grant_role(session, user_id=member.id, community_id=community.id, role=Role.COMMITTEE)
    return community


def _owner_of(session: Session, community: Community, number: str, name: str) -> int:
    """A party named `name` owning unit `number`; returns the party id."""
    unit = registry.find_unit(session, community.id, number)
    assert unit is not None
    party = registry.add_party(session, community.id, name=name)
    registry.set_owner(session, community.id, unit_id=unit.id, party_id=party.id)
    return party.id


def test_the_home_page_shows_the_community_facts_to_a_member(
    client: TestClient, session: Session
) -> None:
    community = _jingchuan(session)
    log_in(client, session, make_user(session, community=community, role=Role.SUPERVISOR))

    response = client.get("/c/jc")

    assert response.status_code == 200
    text = response.text
    assert "<h1>荆川东园</h1>" in text
    assert "常州市钟楼区荆川路" in text
    assert "永红街道" in text
    assert "锦阳苑社区" in text
    assert "常州鼎盛物业服务有限责任公司" in text
    assert "起始于 2024年9月1日" in text
    assert "物业管理委员会（物管会）" in text
    assert "周**" in text
    assert "周建国" not in text
    assert '<span class="n">2</span><span class="l">楼栋</span>' in text
    assert '<span class="n">3</span><span class="l">户数</span>' in text
    assert '<span class="n">4</span><span class="l">车位总数</span>' in text
    assert '<span class="n">1</span><span class="l">访客车位</span>' in text
    assert "物业工作台" not in text


def test_the_home_page_shows_the_english_name_in_english(
    client: TestClient, session: Session
) -> None:
    community = _jingchuan(session)
    log_in(client, session, make_user(session, community=community, role=Role.OWNER))

    response = client.get("/c/jc", headers={"Accept-Language": "en"})

    assert '<h1>Jingchuan Dongyuan <small class="muted">荆川东园</small></h1>' in response.text
    assert "Property management committee (物管会)" in response.text


def test_an_owner_sees_their_own_household_but_not_other_peoples_names(
    client: TestClient, session: Session
) -> None:
    community = _jingchuan(session)
    owner = make_user(session, community=community, role=Role.OWNER, phone="13800000021")
    mine = _owner_of(session, community, "1-1-101", "王小明")
    registry.link_login(session, community.id, party_id=mine, user_id=owner.id)
    _owner_of(session, community, "1-1-102", "赵大海")
    unit = registry.find_unit(session, community.id, "1-1-101")
    assert unit is not None
    registry.register_vehicle(session, community.id, plate="苏D12345", unit_id=unit.id)
    registry.register_vehicle(session, community.id, plate="苏D67890")
    log_in(client, session, owner)

    response = client.get("/c/jc")

    assert response.status_code == 200
    assert "我的房屋" in response.text
    assert "<h3>1-1-101</h3>" in response.text
    assert "85.37 m²" in response.text
    assert "苏D12345" in response.text
    assert "1-1-102" not in response.text
    assert "赵大海" not in response.text
    assert "苏D67890" not in response.text


def test_an_owner_cannot_open_the_staff_area(client: TestClient, session: Session) -> None:
    community = _jingchuan(session)
    _owner_of(session, community, "1-1-102", "赵大海")
    log_in(client, session, make_user(session, community=community, role=Role.OWNER))

    for path in ("/c/jc/registry", "/c/jc/registry/people", "/c/jc/registry/units"):
        response = client.get(path)
        assert response.status_code == 403
        assert "赵大海" not in response.text


def test_staff_see_the_staff_link_and_the_roster(client: TestClient, session: Session) -> None:
    community = _jingchuan(session)
    _owner_of(session, community, "1-1-102", "赵大海")
    log_in(client, session, make_user(session, community=community, role=Role.TRUSTEE_STAFF))

    home = client.get("/c/jc")
    units = client.get("/c/jc/registry/units")

    assert 'href="/c/jc/registry">物业工作台</a>' in home.text
    assert units.status_code == 200
    assert "赵大海" in units.text
    assert '<td class="num" data-label="面积 (m²)">85.37</td>' in units.text  # a card on a phone


def test_staff_can_register_a_vehicle_through_the_form(
    client: TestClient, session: Session
) -> None:
    community = _jingchuan(session)
    log_in(client, session, make_user(session, community=community, role=Role.TRUSTEE_STAFF))

    response = client.post(
        "/c/jc/registry/vehicles",
        data={**FORM, "plate": "苏ｄ·ab123", "unit": "1-1-101", "note": "白色"},
        follow_redirects=False,
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/c/jc/registry/vehicles?saved=%E8%8B%8FDAB123"
    vehicles = registry.list_vehicles(session, community.id)
    assert [(v.plate, v.unit_id, v.note) for v in vehicles] == [("苏DAB123", 1, "白色")]
    assert "已保存: 苏DAB123" in client.get(response.headers["location"]).text


def test_a_bad_plate_in_the_form_shows_the_chinese_reason_and_writes_nothing(
    client: TestClient, session: Session
) -> None:
    community = _jingchuan(session)
    log_in(client, session, make_user(session, community=community, role=Role.TRUSTEE_STAFF))

    response = client.post(
        "/c/jc/registry/vehicles", data={**FORM, "plate": "苏DI2345", "unit": "1-1-101"}
    )

    assert response.status_code == 422
    assert "车辆未登记" in response.text
    assert "车牌 苏DI2345 含有字母 I 或 O" in response.text
    assert '<span class="tag">车牌</span>' in response.text
    assert 'name="plate" value="苏DI2345"' in response.text
    assert 'name="unit" value="1-1-101"' in response.text
    assert registry.list_vehicles(session, community.id) == []


def test_a_vehicle_for_an_unknown_unit_is_refused_with_both_reasons(
    client: TestClient, session: Session
) -> None:
    community = _jingchuan(session)
    log_in(client, session, make_user(session, community=community, role=Role.TRUSTEE_STAFF))

    response = client.post(
        "/c/jc/registry/vehicles", data={**FORM, "plate": "苏DI2345", "unit": "9-9-909"}
    )

    assert response.status_code == 422
    assert "含有字母 I 或 O" in response.text
    assert "房屋 9-9-909 不存在" in response.text


def test_a_form_without_the_csrf_field_is_refused(client: TestClient, session: Session) -> None:
    community = _jingchuan(session)
    log_in(client, session, make_user(session, community=community, role=Role.TRUSTEE_STAFF))
    del client.headers["X-CSRF-Token"]

    response = client.post("/c/jc/registry/vehicles", data={"plate": "苏D12345"})

    assert response.status_code == 403
    assert registry.list_vehicles(session, community.id) == []


def test_staff_add_a_unit_and_a_bad_area_keeps_what_was_typed(
    client: TestClient, session: Session
) -> None:
    community = _jingchuan(session)
    log_in(client, session, make_user(session, community=community, role=Role.TRUSTEE_MANAGER))

    bad = client.post(
        "/c/jc/registry/units",
        data={**FORM, "number": "2-1-201", "area": "八十", "use": "commercial"},
    )
    good = client.post(
        "/c/jc/registry/units",
        data={**FORM, "number": "2-1-201", "area": "66.05", "area_source": "contract"},
        follow_redirects=False,
    )

    assert bad.status_code == 422
    assert "面积 八十 不是数字" in bad.text
    assert 'name="number" value="2-1-201"' in bad.text
    assert '<option value="commercial" selected>商业</option>' in bad.text
    assert good.status_code == 303
    unit = registry.find_unit(session, community.id, "2-1-201")
    assert unit is not None
    assert (unit.area, unit.area_source) == (Decimal("66.05"), rules.AreaSource.CONTRACT)


def test_staff_correct_a_unit_and_set_its_owners_through_the_forms(
    client: TestClient, session: Session
) -> None:
    community = _jingchuan(session)
    first = registry.add_party(session, community.id, name="钱一")
    second = registry.add_party(session, community.id, name="孙二")
    log_in(client, session, make_user(session, community=community, role=Role.TRUSTEE_MANAGER))
    url = "/c/jc/registry/units/1"

    edit = client.post(
        url,
        data={
            **FORM,
            "area": "85.4",
            "area_source": "survey",
            "use": "residential",
            "sale_state": "delivered",
        },
        follow_redirects=False,
    )
    client.post(f"{url}/owners", data={**FORM, "party_id": first.id, "share_percent": 50})
    client.post(
        f"{url}/owners",
        data={**FORM, "party_id": second.id, "share_percent": 50, "designated_voter": "true"},
    )
    too_much = client.post(
        f"{url}/owners", data={**FORM, "party_id": first.id, "share_percent": 60}
    )
    tenant = client.post(
        f"{url}/residents",
        data={**FORM, "party_id": second.id, "kind": "tenant"},
        follow_redirects=False,
    )

    assert edit.status_code == 303
    assert registry.get_unit(session, community.id, 1).area == Decimal("85.40")
    owners = registry.owners_of(session, community.id, 1)
    assert sorted((o.party_id, o.share_percent, o.is_designated_voter) for o in owners) == [
        (first.id, 50, False),
        (second.id, 50, True),
    ]
    assert too_much.status_code == 422
    assert "同一房屋各业主的产权份额合计不得超过 100%" in too_much.text
    assert tenant.status_code == 303
    page = client.get(url).text
    assert f'/registry/people/{second.id}">孙二</a></td><td>租户</td>' in page


def test_staff_add_a_person_and_see_their_units(client: TestClient, session: Session) -> None:
    community = _jingchuan(session)
    _owner_of(session, community, "1-1-102", "赵大海")
    log_in(client, session, make_user(session, community=community, role=Role.TRUSTEE_STAFF))

    bad = client.post("/c/jc/registry/people", data={**FORM, "name": "吴三", "phone": "12345"})
    good = client.post(
        "/c/jc/registry/people",
        data={**FORM, "name": "吴三", "phone": "138 0000 0031"},
        follow_redirects=False,
    )
    page = client.get("/c/jc/registry/people").text

    assert bad.status_code == 422
    assert "电话 12345 不是 11 位手机号" in bad.text
    assert good.status_code == 303
    assert "<td>13800000031</td>" in page
    assert "<td>1-1-102</td>" in page


def test_staff_add_a_building_and_a_taken_code_is_refused(
    client: TestClient, session: Session
) -> None:
    community = _jingchuan(session)
    log_in(client, session, make_user(session, community=community, role=Role.TRUSTEE_STAFF))

    added = client.post(
        "/c/jc/registry/buildings",
        data={**FORM, "building_code": "3", "name": "", "floors": "6"},
        follow_redirects=False,
    )
    taken = client.post(
        "/c/jc/registry/buildings", data={**FORM, "building_code": "3", "floors": "6"}
    )

    assert added.status_code == 303
    assert [b.name for b in registry.list_buildings(session, community.id)] == ["1幢", "2幢", "3幢"]
    assert taken.status_code == 422
    assert "3 幢已存在" in taken.text
    assert '<span class="tag">楼栋编号</span>' in taken.text


ROSTER_OK = "房号,面积,姓名,电话,身份,车牌\n3-1-101,85.37,张三,13800000001,业主,苏D12345\n"
ROSTER_BAD = ROSTER_OK + "3-1-102,八十,李四,123,业主,苏DI2345\n"


def test_the_roster_preview_lists_every_bad_row_and_offers_no_apply(
    client: TestClient, session: Session
) -> None:
    community = _jingchuan(session)
    log_in(client, session, make_user(session, community=community, role=Role.TRUSTEE_MANAGER))

    response = client.post(
        "/c/jc/registry/roster/preview",
        data=FORM,
        files={"file": ("花名册.csv", ROSTER_BAD.encode("gbk"), "text/csv")},
    )

    assert response.status_code == 422
    assert "面积 八十 不是数字" in response.text
    assert "电话 123 不是 11 位手机号" in response.text
    assert "车牌 苏DI2345 含有字母 I 或 O" in response.text
    assert "确认导入" not in response.text
    assert registry.find_unit(session, community.id, "3-1-101") is None


def test_the_roster_preview_then_apply_imports_the_same_file(
    client: TestClient, session: Session
) -> None:
    community = _jingchuan(session)
    log_in(client, session, make_user(session, community=community, role=Role.TRUSTEE_MANAGER))

    preview = client.post(
        "/c/jc/registry/roster/preview",
        data=FORM,
        files={"file": ("花名册.csv", ROSTER_OK.encode(), "text/csv")},
    )
    fields = dict(re.findall(r'name="(filename|content|sha256)" value="([^"]*)"', preview.text))
    assert registry.find_unit(session, community.id, "3-1-101") is None
    tampered = client.post(
        "/c/jc/registry/roster/apply", data={**FORM, **fields, "sha256": "0" * 64}
    )
    applied = client.post("/c/jc/registry/roster/apply", data={**FORM, **fields})

    assert preview.status_code == 200
    assert "3-1-101 张三" in preview.text
    assert tampered.status_code == 422
    assert "提交的文件与预检的文件不一致，请重新上传" in tampered.text
    assert applied.status_code == 200
    assert "花名册已导入。" in applied.text
    unit = registry.find_unit(session, community.id, "3-1-101")
    assert unit is not None
    assert unit.area == Decimal("85.37")
    assert [v.plate for v in registry.list_vehicles(session, community.id)] == ["苏D12345"]


def test_staff_without_the_import_right_see_only_the_export(
    client: TestClient, session: Session
) -> None:
    community = _jingchuan(session)
    log_in(client, session, make_user(session, community=community, role=Role.TRUSTEE_STAFF))

    page = client.get("/c/jc/registry/roster")
    upload = client.post(
        "/c/jc/registry/roster/preview",
        data=FORM,
        files={"file": ("r.csv", ROSTER_OK.encode(), "text/csv")},
    )
    download = client.get("/c/jc/registry/roster/export", params={"format": "csv"})

    assert page.status_code == 200
    assert "导入花名册" not in page.text
    assert "下载 CSV" in page.text
    assert upload.status_code == 403
    assert download.status_code == 200
    assert download.content.decode("utf-8-sig").startswith("楼栋,房号,面积")


def test_the_staff_workbench_leads_to_fees_the_bank_and_governance(
    client: TestClient, session: Session
) -> None:
    community = _jingchuan(session)
    log_in(client, session, make_user(session, community=community, role=Role.TRUSTEE_STAFF))
    bench = client.get("/c/jc/registry")
    assert bench.status_code == 200
    for path in ("/c/jc/billing", "/c/jc/billing/units", "/c/jc/billing/arrears", "/c/jc/expenses"):
        assert f'href="{path}"' in bench.text
        assert client.get(path).status_code == 200, path
    assert "收费与账单" in bench.text
    bank = 'href="/c/jc/bank"' in bench.text
    assert bank is (client.get("/c/jc/bank").status_code == 200)  # shown to whom it opens
