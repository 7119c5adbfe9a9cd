"""The loaded 荆川东园 holds exactly what seed/SCENARIO.md and the demo plan say (read-only)."""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from sunshine.demo import service as demo
from sunshine.demo.rules import plan
from sunshine.identity import service as identity
from sunshine.identity.rules import Role
from sunshine.kernel.plates import check_plate
from sunshine.registry import service as registry
from sunshine.registry.models import Ownership
from sunshine.registry.models import Party
from sunshine.registry.models import Residency
from sunshine.registry.models import Unit
from sunshine.registry.rules import AreaSource
from sunshine.registry.rules import CommitteeKind
from sunshine.registry.rules import ResidentKind
from sunshine.registry.rules import SaleState
from sunshine.registry.rules import SpaceKind
from tests.demo.conftest import Loaded

# sha256 of the sorted lines "number area source sale_state", computed once from the first
# load. If it changes, every later figure computed from areas (fee shares, vote weights) moves.
UNITS_DIGEST = "5265ff4bb5384d88d22c8ce73d09fb5f5a8cd2ba31cecbebb4f5b6eacce91b7c"


def _units(loaded: Loaded) -> list[Unit]:
    return registry.list_units(loaded.session, loaded.community.id)


def _ownerships(loaded: Loaded) -> list[Ownership]:
    return list(
        loaded.session.scalars(
            select(Ownership).where(Ownership.community_id == loaded.community.id)
        )
    )


def _party_by_phone(loaded: Loaded, phone: str) -> Party:
    party = registry.find_party_by_phone(loaded.session, loaded.community.id, phone)
    assert party is not None
    return party


def test_the_community_has_the_facts_of_the_scenario(loaded: Loaded) -> None:
    c = loaded.community
    assert (c.code, c.name, c.name_en) == ("jcdy", "荆川东园", "Jingchuan Dongyuan")
    assert (c.city, c.district, c.street, c.neighbourhood) == (
        "常州市",
        "钟楼区",
        "永红街道",
        "锦阳苑社区",
    )
    assert c.built_year == 1995
    assert c.trustee_company == "常州鼎盛物业服务有限责任公司"
    assert c.trustee_since == date(2024, 9, 1)
    assert c.committee_kind is CommitteeKind.PROPERTY_COMMITTEE


def test_it_has_four_buildings_192_households_and_60_plus_9_spaces(loaded: Loaded) -> None:
    summary = registry.summarise(loaded.session, loaded.community)
    assert summary.buildings == 4
    assert summary.units == 192
    assert summary.households == 192
    assert summary.resident_spaces == 60
    assert summary.visitor_spaces == 9
    assert summary.vehicles == 64
    spaces = registry.list_parking_spaces(loaded.session, loaded.community.id)
    resident = [s.code for s in spaces if s.kind is SpaceKind.RESIDENT]
    visitor = [s.code for s in spaces if s.kind is SpaceKind.VISITOR]
    assert resident == [f"P{n:02d}" for n in range(1, 61)]
    assert visitor == ["V1", "V2", "V3", "V4", "V5", "V6", "V7", "V8", "V9"]


def test_each_building_has_six_floors_and_48_units(loaded: Loaded) -> None:
    buildings = registry.list_buildings(loaded.session, loaded.community.id)
    assert [(b.code, b.name, b.floors) for b in buildings] == [
        ("1", "1幢", 6),
        ("2", "2幢", 6),
        ("3", "3幢", 6),
        ("4", "4幢", 6),
    ]
    per_building = Counter(u.number.split("-")[0] for u in _units(loaded))
    assert per_building == {"1": 48, "2": 48, "3": 48, "4": 48}


def test_every_area_has_two_decimals_a_plausible_size_and_a_source(loaded: Loaded) -> None:
    units = _units(loaded)
    assert all(u.area.as_tuple().exponent == -2 for u in units)
    assert all(Decimal("55.00") <= u.area <= Decimal("95.00") for u in units)
    assert Counter(u.area_source for u in units) == {
        AreaSource.REGISTRY: 185,
        AreaSource.SURVEY: 4,
        AreaSource.CONTRACT: 3,
    }


def test_the_units_and_areas_are_the_same_on_every_load(loaded: Loaded) -> None:
    lines = sorted(
        f"{u.number} {u.area} {u.area_source.value} {u.sale_state.value}" for u in _units(loaded)
    )
    assert hashlib.sha256("\n".join(lines).encode()).hexdigest() == UNITS_DIGEST


def test_the_developer_holds_the_two_unsold_units(loaded: Loaded) -> None:
    held = {u.id: u.number for u in _units(loaded) if u.sale_state is SaleState.DEVELOPER_HELD}
    assert sorted(held.values()) == ["4-4-101", "4-4-102"]
    developers = {
        o.unit_id: loaded.session.get(Party, (o.community_id, o.party_id))
        for o in _ownerships(loaded)
        if o.unit_id in held
    }
    assert {p.is_developer for p in developers.values() if p is not None} == {True}
    assert len(developers) == 2


def test_every_unit_has_shares_of_100_and_exactly_one_designated_voter(loaded: Loaded) -> None:
    by_unit: dict[int, list[Ownership]] = {}
    for ownership in _ownerships(loaded):
        by_unit.setdefault(ownership.unit_id, []).append(ownership)
    assert len(by_unit) == 192
    assert all(sum(o.share_percent for o in os) == 100 for os in by_unit.values())
    assert all(sum(o.is_designated_voter for o in os) == 1 for os in by_unit.values())
    assert sum(len(os) == 2 for os in by_unit.values()) == 6  # the co-owned units


def test_four_owners_hold_two_units_each(loaded: Loaded) -> None:
    units_per_party = Counter(o.party_id for o in _ownerships(loaded))
    developer_units = 2
    twice = [p for p, n in units_per_party.items() if n == 2]
    assert len(twice) == 4 + 1  # four people, and the developer with its two unsold units
    assert max(units_per_party.values()) == developer_units


def test_unregistered_owners_have_contract_areas(loaded: Loaded) -> None:
    numbers = {u.id: u for u in _units(loaded)}
    unregistered = sorted(
        numbers[o.unit_id].number for o in _ownerships(loaded) if not o.registered
    )
    assert unregistered == ["2-2-101", "3-3-602", "4-1-201"]
    assert {numbers[o.unit_id].area_source for o in _ownerships(loaded) if not o.registered} == {
        AreaSource.CONTRACT
    }


def test_people_are_clearly_synthetic(loaded: Loaded) -> None:
    parties = loaded.session.scalars(
        select(Party).where(Party.community_id == loaded.community.id)
    ).all()
    people = [p for p in parties if not p.is_developer]
    assert len(people) == 208
    assert all(p.phone.startswith("1990000") and len(p.phone) == 11 for p in people)
    assert all("某" in p.name for p in people)
    assert len({p.phone for p in people}) == len(people)


def test_tenants_live_in_sixteen_let_units(loaded: Loaded) -> None:
    residencies = loaded.session.scalars(
        select(Residency).where(Residency.community_id == loaded.community.id)
    ).all()
    kinds = Counter(r.kind for r in residencies)
    assert kinds == {ResidentKind.OWNER_OCCUPIER: 179, ResidentKind.TENANT: 16}


def test_every_plate_is_valid_and_already_in_normal_form(loaded: Loaded) -> None:
    vehicles = registry.list_vehicles(loaded.session, loaded.community.id)
    assert len(vehicles) == 64
    for vehicle in vehicles:
        checked = check_plate(vehicle.plate)
        assert checked.problems == ()
        assert checked.plate == vehicle.plate
        assert vehicle.plate.startswith("苏D")
    assert Counter(len(v.plate) for v in vehicles) == {7: 52, 8: 12}


def test_every_demo_login_exists_with_its_role(loaded: Loaded) -> None:
    cid = loaded.community.id
    for login in demo.LOGINS:
        if login.by_phone:
            user = identity.find_user_by_phone(loaded.session, login.login)
        else:
            user = identity.find_user_by_username(loaded.session, login.login)
        assert user is not None, login
        if login.role in (Role.PLATFORM_ADMIN, Role.CITY_SUPERVISOR):
            assert user.global_role is login.role
            assert identity.roles_of(loaded.session, user.id) == {}
        else:
            assert user.global_role is None
            assert login.role.value in identity.roles_of(loaded.session, user.id)[cid]


def test_every_password_login_takes_the_documented_password(loaded: Loaded) -> None:
    for login in demo.LOGINS:
        if login.by_phone:
            continue
        user = identity.login_with_password(
            loaded.session, username=login.login, password="sunshine-demo", client="test"
        )
        assert user.username == login.login


def test_the_phone_logins_are_the_owner_of_1_2_301_and_the_tenant_of_1_1_501(
    loaded: Loaded,
) -> None:
    cid = loaded.community.id
    owner_user = identity.find_user_by_phone(loaded.session, demo.OWNER_PHONE)
    tenant_user = identity.find_user_by_phone(loaded.session, demo.RESIDENT_PHONE)
    assert owner_user is not None
    assert tenant_user is not None
    owner = _party_by_phone(loaded, demo.OWNER_PHONE)
    tenant = _party_by_phone(loaded, demo.RESIDENT_PHONE)
    assert owner.user_id == owner_user.id
    assert tenant.user_id == tenant_user.id
    assert [u.number for u in registry.units_of_party(loaded.session, cid, owner.id)] == ["1-2-301"]
    assert identity.roles_of(loaded.session, owner_user.id) == {cid: frozenset({"owner"})}
    residency = loaded.session.get(
        Residency, (cid, registry.units_of_party(loaded.session, cid, tenant.id)[0].id, tenant.id)
    )
    assert residency is not None
    assert residency.kind is ResidentKind.TENANT
    assert identity.roles_of(loaded.session, tenant_user.id) == {cid: frozenset({"resident"})}


def test_the_committee_members_are_owners_who_log_in(loaded: Loaded) -> None:
    cid = loaded.community.id
    members = [
        u for u, role in identity.list_members(loaded.session, cid) if role is Role.COMMITTEE
    ]
    assert sorted(u.username or "" for u in members) == [
        "committee",
        "committee2",
        "committee3",
        "committee4",
    ]
    owned_by = {o.party_id for o in _ownerships(loaded)}
    for user in members:
        party = loaded.session.scalar(
            select(Party).where(Party.community_id == cid, Party.user_id == user.id)
        )
        assert party is not None
        assert party.id in owned_by
        assert identity.roles_of(loaded.session, user.id)[cid] == {"owner", "committee"}
    committee = identity.find_user_by_username(loaded.session, "committee")
    assert committee is not None
    assert committee.phone == plan.owner_phone("2-1-302")
