"""The registry's JSON API through the real app: status codes, exact areas, plates, error bodies."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from sunshine.identity.rules import Role
from sunshine.registry import service as registry
from sunshine.registry.models import Community
from tests.factories import log_in
from tests.factories import make_community
from tests.factories import make_unit
from tests.factories import make_user


def _staff(client: TestClient, session: Session, community: Community) -> None:
    log_in(client, session, make_user(session, community=community, role=Role.TRUSTEE_MANAGER))


def test_staff_add_a_unit_and_get_201_with_the_area_as_an_exact_string(
    client: TestClient, session: Session
) -> None:
    community = make_community(session, code="a")
    registry.add_building(session, community.id, code="3", name="3幢", floors=6)
    _staff(client, session, community)

    response = client.post(
        "/api/v1/communities/a/units",
        json={"number": "3-2-301", "area": "85.37", "area_source": "survey"},
    )

    assert response.status_code == 201
    assert response.json() == {
        "id": 1,
        "number": "3-2-301",
        "building_id": 1,
        "floor": 3,
        "use": "residential",
        "area": "85.37",
        "area_source": "survey",
        "sale_state": "delivered",
        "note": "",
        "owners": [],
    }


def test_a_bad_unit_is_refused_with_422_and_every_problem_code(
    client: TestClient, session: Session
) -> None:
    community = make_community(session, code="a")
    _staff(client, session, community)

    response = client.post(
        "/api/v1/communities/a/units", json={"number": "3-301", "area": "85.371"}
    )

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["type"] == "Invalid"
    assert error["message"] == "房屋未添加"
    assert [(p["code"], p["where"]) for p in error["problems"]] == [
        ("unit_number", "number"),
        ("area_decimals", "area"),
    ]
    assert registry.list_units(session, community.id) == []


def test_a_unit_in_a_missing_building_is_refused_with_its_reason(
    client: TestClient, session: Session
) -> None:
    community = make_community(session, code="a")
    log_in(client, session, make_user(session, community=community, role=Role.TRUSTEE_STAFF))

    response = client.post("/api/v1/communities/a/units", json={"number": "9-1-101", "area": "70"})

    assert response.status_code == 422
    assert [p["code"] for p in response.json()["error"]["problems"]] == ["building_missing"]
    assert response.json()["error"]["problems"][0]["message"] == "9 幢不存在"


def test_a_plate_typed_in_full_width_with_a_dot_is_stored_normalised(
    client: TestClient, session: Session
) -> None:
    community = make_community(session, code="a")
    _staff(client, session, community)

    response = client.post("/api/v1/communities/a/vehicles", json={"plate": "苏ｄ·12345"})

    assert response.status_code == 201
    assert response.json()["plate"] == "苏D12345"
    assert [v.plate for v in registry.list_vehicles(session, community.id)] == ["苏D12345"]


def test_a_plate_with_the_letter_i_is_refused_in_chinese(
    client: TestClient, session: Session
) -> None:
    community = make_community(session, code="a")
    _staff(client, session, community)

    response = client.post("/api/v1/communities/a/vehicles", json={"plate": "苏DI2345"})

    assert response.status_code == 422
    assert response.json()["error"]["problems"] == [
        {
            "code": "plate_letter_io",
            "message": "车牌 苏DI2345 含有字母 I 或 O，车牌不使用这两个字母（是否应为 1 或 0？）",
            "where": "plate",
        }
    ]
    assert registry.list_vehicles(session, community.id) == []


def test_patching_a_unit_area_keeps_it_exact(client: TestClient, session: Session) -> None:
    community = make_community(session, code="a")
    unit = make_unit(session, community, number="1-1-101", area="90.00")
    _staff(client, session, community)

    response = client.patch(
        f"/api/v1/communities/a/units/{unit.id}",
        json={"area": "85.37", "area_source": "contract", "sale_state": "sold_undelivered"},
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["area"], body["area_source"], body["sale_state"], body["use"]) == (
        "85.37",
        "contract",
        "sold_undelivered",
        "residential",
    )
    assert client.get(f"/api/v1/communities/a/units/{unit.id}").json()["area"] == "85.37"


def test_patching_with_an_unknown_field_is_refused(client: TestClient, session: Session) -> None:
    community = make_community(session, code="a")
    unit = make_unit(session, community)
    _staff(client, session, community)

    response = client.patch(f"/api/v1/communities/a/units/{unit.id}", json={"floor": 9})

    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "extra_forbidden"


def test_owners_are_listed_with_their_unit_and_share(client: TestClient, session: Session) -> None:
    community = make_community(session, code="a")
    unit = make_unit(session, community, number="1-1-101")
    _staff(client, session, community)
    first = client.post(
        "/api/v1/communities/a/parties", json={"name": "张三", "phone": "13800000011"}
    )
    second = client.post("/api/v1/communities/a/parties", json={"name": "李四"})

    for party, share in ((first.json(), 60), (second.json(), 40)):
        response = client.post(
            f"/api/v1/communities/a/units/{unit.id}/owners",
            json={"party_id": party["id"], "share_percent": share},
        )
        assert response.status_code == 201

    parties = client.get("/api/v1/communities/a/parties").json()
    assert [(p["name"], p["phone"], p["owns"]) for p in parties] == [
        ("张三", "13800000011", ["1-1-101"]),
        ("李四", "", ["1-1-101"]),
    ]
    owners = client.get(f"/api/v1/communities/a/units/{unit.id}").json()["owners"]
    assert [(o["name"], o["share_percent"], o["is_designated_voter"]) for o in owners] == [
        ("张三", 60, False),
        ("李四", 40, True),
    ]


def test_a_share_above_100_percent_in_total_is_refused(
    client: TestClient, session: Session
) -> None:
    community = make_community(session, code="a")
    unit = make_unit(session, community)
    first = registry.add_party(session, community.id, name="张三")
    second = registry.add_party(session, community.id, name="李四")
    registry.set_owner(session, community.id, unit_id=unit.id, party_id=first.id)
    _staff(client, session, community)

    response = client.post(
        f"/api/v1/communities/a/units/{unit.id}/owners",
        json={"party_id": second.id, "share_percent": 10},
    )

    assert response.status_code == 422
    assert [p["code"] for p in response.json()["error"]["problems"]] == ["share_total"]


def test_the_community_summary_is_open_to_an_owner_but_the_roster_is_not(
    client: TestClient, session: Session
) -> None:
    community = make_community(session, code="a", name="荆川东园")
    make_unit(session, community)
    log_in(client, session, make_user(session, community=community, role=Role.OWNER))

    summary = client.get("/api/v1/communities/a")
    roster = client.get("/api/v1/communities/a/units")

    assert summary.status_code == 200
    assert summary.json()["community"]["name"] == "荆川东园"
    assert (summary.json()["units"], summary.json()["households"]) == (1, 1)
    assert roster.status_code == 403
    assert roster.json()["error"]["type"] == "Forbidden"


def test_communities_lists_only_those_the_viewer_may_open(
    client: TestClient, session: Session
) -> None:
    mine = make_community(session, code="mine", name="我的小区")
    make_community(session, code="other", name="别的小区")
    log_in(client, session, make_user(session, community=mine, role=Role.RESIDENT))

    response = client.get("/api/v1/communities")

    assert [c["code"] for c in response.json()] == ["mine"]


def test_an_anonymous_caller_gets_401(client: TestClient, session: Session) -> None:
    make_community(session, code="a")

    response = client.get("/api/v1/communities/a/units")

    assert response.status_code == 401


def test_a_write_without_the_csrf_header_is_refused(client: TestClient, session: Session) -> None:
    community = make_community(session, code="a")
    _staff(client, session, community)
    del client.headers["X-CSRF-Token"]

    response = client.post("/api/v1/communities/a/buildings", json={"code": "1", "floors": 6})

    assert response.status_code == 403
    assert registry.list_buildings(session, community.id) == []


def test_the_openapi_document_describes_the_registry_responses(client: TestClient) -> None:
    document = client.get("/api/v1/openapi.json").json()

    unit_get = document["paths"]["/api/v1/communities/{code}/units/{unit_id}"]["get"]
    schema = unit_get["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/UnitRead"}
    assert document["components"]["schemas"]["UnitRead"]["properties"]["area"]["type"] == "string"


ROSTER_OK = "房号,面积,姓名,电话,身份,车牌\n1-1-101,85.37,张三,13800000001,业主,苏D12345\n"
ROSTER_BAD = ROSTER_OK + "1-1-102,八十,李四,123,业主,苏DI2345\n"


def test_a_roster_dry_run_lists_every_bad_row_and_writes_nothing(
    client: TestClient, session: Session
) -> None:
    community = make_community(session, code="a")
    _staff(client, session, community)

    response = client.post(
        "/api/v1/communities/a/roster/import",
        params={"dry_run": "true"},
        files={"file": ("roster.csv", ROSTER_BAD.encode("gbk"), "text/csv")},
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["dry_run"], body["applied"], body["rows"]) == (True, False, 2)
    assert [(p["row"], p["code"]) for p in body["problems"]] == [
        (3, "area_not_number"),
        (3, "phone"),
        (3, "plate_letter_io"),
    ]
    assert "面积 八十 不是数字" in body["problems"][0]["message"]
    assert registry.list_units(session, community.id) == []


def test_a_roster_dry_run_then_apply_changes_what_the_dry_run_said(
    client: TestClient, session: Session
) -> None:
    community = make_community(session, code="a")
    _staff(client, session, community)
    upload = {"file": ("roster.csv", ROSTER_OK.encode(), "text/csv")}

    dry = client.post("/api/v1/communities/a/roster/import", files=upload)
    applied = client.post(
        "/api/v1/communities/a/roster/import", params={"dry_run": "false"}, files=upload
    )
    again = client.post("/api/v1/communities/a/roster/import", files=upload)

    assert dry.json()["counts"]["unit"] == {"created": 1, "updated": 0}
    assert applied.status_code == 200
    assert applied.json()["changes"] == dry.json()["changes"]
    assert [u.number for u in registry.list_units(session, community.id)] == ["1-1-101"]
    assert [v.plate for v in registry.list_vehicles(session, community.id)] == ["苏D12345"]
    assert again.json()["changes"] == []


def test_applying_a_roster_with_problems_is_refused_whole(
    client: TestClient, session: Session
) -> None:
    community = make_community(session, code="a")
    _staff(client, session, community)

    response = client.post(
        "/api/v1/communities/a/roster/import",
        params={"dry_run": "false"},
        files={"file": ("roster.csv", ROSTER_BAD.encode(), "text/csv")},
    )

    assert response.status_code == 422
    assert [p["where"] for p in response.json()["error"]["problems"]] == ["row 3"] * 3
    assert registry.list_units(session, community.id) == []


def test_the_roster_exports_as_csv_and_xlsx(client: TestClient, session: Session) -> None:
    community = make_community(session, code="a")
    make_unit(session, community, number="1-1-101", area="85.37")
    _staff(client, session, community)

    csv = client.get("/api/v1/communities/a/roster/export", params={"format": "csv"})
    xlsx = client.get("/api/v1/communities/a/roster/export")

    assert csv.status_code == 200
    assert csv.headers["content-disposition"] == 'attachment; filename="roster-a.csv"'
    assert csv.content.decode("utf-8-sig").splitlines()[1].startswith("1,1-1-101,85.37,")
    assert xlsx.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert xlsx.content[:4] == b"PK\x03\x04"


def test_a_committee_member_may_export_but_not_import_the_roster(
    client: TestClient, session: Session
) -> None:
    community = make_community(session, code="a")
    log_in(client, session, make_user(session, community=community, role=Role.COMMITTEE))

    export = client.get("/api/v1/communities/a/roster/export")
    imported = client.post(
        "/api/v1/communities/a/roster/import",
        files={"file": ("roster.csv", ROSTER_OK.encode(), "text/csv")},
    )

    assert export.status_code == 200
    assert imported.status_code == 403
