"""The registry's lists search and page (service and pages), and the person picker is typed."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from sunshine.identity.rules import Role
from sunshine.kernel.errors import Invalid
from sunshine.registry import service as registry
from sunshine.registry.models import Community
from tests.factories import log_in
from tests.factories import make_community
from tests.factories import make_unit
from tests.factories import make_user

FORM = {"csrf_token": "test-csrf-token"}


def _street(session: Session) -> Community:
    """Twelve units in two buildings, an owner with a phone in 2-1-301, a car on it."""
    community = make_community(session, code="jc")
    for building in ("1", "2"):
        for floor in range(1, 7):
            make_unit(session, community, number=f"{building}-1-{floor}01")
    unit = registry.find_unit(session, community.id, "2-1-301")
    assert unit is not None
    owner = registry.add_party(session, community.id, name="赵大海", phone="13812345678")
    registry.set_owner(session, community.id, unit_id=unit.id, party_id=owner.id)
    registry.add_party(session, community.id, name="钱_100%")  # LIKE's wildcards, literally
    registry.register_vehicle_at(session, community.id, plate="苏D12345", unit_number="2-1-301")
    return community


def test_the_service_searches_each_list_and_pages_it(session: Session) -> None:
    cid = _street(session).id

    first = registry.search_units(session, cid, size=5)
    last = registry.search_units(session, cid, size=5, page=99)
    found = registry.search_units(session, cid, text="2-1-3")

    assert (first.total, first.pages, len(first.items)) == (12, 3, 5)
    assert (last.page, len(last.items)) == (3, 2)  # a page past the end shows the last
    assert [u.number for u in found.items] == ["2-1-301"]
    assert [p.party.name for p in registry.search_parties(session, cid, text="2-1-301").items] == [
        "赵大海"
    ]
    assert registry.search_parties(session, cid, text="5678").items[0].owned == ["2-1-301"]
    assert [p.party.name for p in registry.search_parties(session, cid, text="_100%").items] == [
        "钱_100%"
    ]
    assert registry.search_parties(session, cid, text="%").total == 1
    assert [v.plate for v in registry.search_vehicles(session, cid, text="2-1-301").items] == [
        "苏D12345"
    ]
    assert registry.search_vehicles(session, cid, text="d123").total == 1


def test_a_picked_person_is_read_by_number_name_or_phone(session: Session) -> None:
    cid = _street(session).id
    zhao = registry.search_parties(session, cid, text="赵").items[0].party

    assert registry.find_party(session, cid, f"#{zhao.id} 赵大海 · 13812345678").id == zhao.id
    assert registry.find_party(session, cid, "赵大海").id == zhao.id
    assert registry.find_party(session, cid, "13812345678").id == zhao.id
    registry.add_party(session, cid, name="赵大海")
    with pytest.raises(Invalid) as twice:
        registry.find_party(session, cid, "赵大海")
    assert twice.value.problems[0].where == "party"
    with pytest.raises(Invalid):
        registry.find_party(session, cid, "#999999 nobody")


def test_the_staff_pages_search_and_page(client: TestClient, session: Session) -> None:
    community = _street(session)
    for n in range(60):
        registry.add_party(session, community.id, name=f"住户{n:02d}")
    log_in(client, session, make_user(session, community=community, role=Role.TRUSTEE_STAFF))
    base = "/c/jc/registry"

    units = client.get(f"{base}/units", params={"q": "2-1-3"}).text
    people = client.get(f"{base}/people").text
    second = client.get(f"{base}/people", params={"page": 2}).text
    vehicles = client.get(f"{base}/vehicles", params={"q": "2-1-301"}).text

    assert "2-1-301" in units
    assert "1-1-101" not in units
    assert "共 62 条" in people
    assert "住户47" in people
    assert "住户48" not in people  # the first page holds 50
    assert "住户48" in second
    assert f'href="{base}/people?page=1"' in second
    assert "苏D12345" in vehicles
    assert 'name="q" value="2-1-301"' in vehicles


def test_an_owner_is_picked_by_typing_not_from_a_long_list(
    client: TestClient, session: Session
) -> None:
    community = _street(session)
    unit = registry.find_unit(session, community.id, "1-1-101")
    assert unit is not None
    log_in(client, session, make_user(session, community=community, role=Role.TRUSTEE_MANAGER))
    url = f"/c/jc/registry/units/{unit.id}"

    page = client.get(url).text
    set_owner = client.post(
        f"{url}/owners", data={**FORM, "party": "13812345678"}, follow_redirects=False
    )
    nobody = client.post(f"{url}/residents", data={**FORM, "party": "孙悟空", "kind": "tenant"})

    assert '<input name="party" list="people-here"' in page
    assert '<select name="party_id">' not in page
    assert set_owner.status_code == 303
    assert [o.share_percent for o in registry.owners_of(session, community.id, unit.id)] == [100]
    assert nobody.status_code == 422
    assert "本小区没有 孙悟空" in nobody.text
    assert registry.residents_of(session, community.id, unit.id) == []
