"""The staff pages for transfers, moves, editing a person and removing a vehicle; remarks stay
on staff pages and off the owners' own."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from sunshine.identity.rules import Role
from sunshine.registry import rules
from sunshine.registry import service as registry
from tests.factories import log_in
from tests.factories import make_community
from tests.factories import make_unit
from tests.factories import make_user

FORM = {"csrf_token": "test-csrf-token"}


def test_staff_transfer_a_unit_on_its_page_and_see_the_history(
    client: TestClient, session: Session
) -> None:
    community = make_community(session, code="jc")
    unit = make_unit(session, community)
    old = registry.add_party(session, community.id, name="张三").id
    new = registry.add_party(session, community.id, name="李四").id
    registry.set_owner(session, community.id, unit_id=unit.id, party_id=old)
    log_in(client, session, make_user(session, community=community, role=Role.TRUSTEE_MANAGER))
    here = f"/c/jc/registry/units/{unit.id}"
    page = client.get(here)
    assert page.status_code == 200
    assert "过户" in page.text

    form = {**FORM, "from_party": str(old), "to_party": [f"#{new} 李四", ""],
            "to_share": ["100", ""], "effective_on": "2025-07-01", "reason": "sale"}  # fmt: skip
    done = client.post(f"{here}/transfer", data=form, follow_redirects=False)
    assert done.status_code == 303, done.text
    shown = client.get(here).text
    assert "2025年7月1日" in shown
    assert [o.party_id for o in registry.owners_of(session, community.id, unit.id)] == [new]

    form = {
        **form,
        "from_party": str(new),
        "to_party": [f"#{old} 张三"],
        "effective_on": "2025-06-01",
    }
    refused = client.post(f"{here}/transfer", data=form)
    assert refused.status_code == 422
    assert "2025-07-01" in refused.text


def test_staff_move_a_tenant_out_edit_a_person_and_remove_a_vehicle(
    client: TestClient, session: Session
) -> None:
    community = make_community(session, code="jc")
    unit = make_unit(session, community)
    tenant = registry.add_party(session, community.id, name="赵六").id
    registry.move_in(
        session, community.id, unit_id=unit.id, party_id=tenant,
        kind=rules.ResidentKind.TENANT, on=date(2025, 1, 1),
    )  # fmt: skip
    vehicle = registry.register_vehicle(session, community.id, plate="苏D12345", unit_id=unit.id)
    log_in(client, session, make_user(session, community=community, role=Role.TRUSTEE_MANAGER))

    out = client.post(
        f"/c/jc/registry/units/{unit.id}/residents/{tenant}/move-out",
        data={**FORM, "on": "2025-09-01"},
        follow_redirects=False,
    )
    assert out.status_code == 303
    assert registry.residents_of(session, community.id, unit.id) == []

    person = f"/c/jc/registry/people/{tenant}"
    bad = client.post(person, data={**FORM, "name": "赵七", "id_number": "110105194912310021"})
    assert bad.status_code == 422
    assert registry.get_party(session, community.id, tenant).name == "赵六"
    good = {
        **FORM,
        "name": "赵七",
        "phone": "",
        "id_number": "11010519491231002X",
        "note": "租约至2025年8月",
    }
    assert client.post(person, data=good, follow_redirects=False).status_code == 303
    page = client.get(person).text
    assert "租约至2025年8月" in page
    assert "11010519491231002X" not in page  # masked, even to staff

    removed = client.post(
        f"/c/jc/registry/vehicles/{vehicle.id}/remove", data=FORM, follow_redirects=False
    )
    assert removed.status_code == 303
    assert registry.find_vehicle(session, community.id, "苏D12345") is None
