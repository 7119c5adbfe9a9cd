"""The demo plan on paper: pure, no database, runs in milliseconds."""

from __future__ import annotations

from sunshine.demo import service as demo
from sunshine.demo.rules import plan
from sunshine.registry.rules import ResidentKind
from sunshine.registry.rules import phone_problems
from sunshine.registry.rules import unit_number_problems


def test_the_plan_is_the_same_every_time() -> None:
    assert plan.reference_plan() == plan.reference_plan()


def test_unit_numbers_read_building_staircase_room_and_are_valid() -> None:
    numbers = plan.unit_numbers()
    assert len(numbers) == len(set(numbers)) == 192
    assert numbers[:3] == ["1-1-101", "1-1-102", "1-1-201"]
    assert numbers[-1] == "4-4-602"
    assert all(unit_number_problems(n) == [] for n in numbers)


def test_the_login_phones_belong_to_the_owner_and_tenant_the_plan_names() -> None:
    assert demo.OWNER_PHONE == plan.owner_phone(plan.OWNER_UNIT) == "19900000017"
    assert demo.RESIDENT_PHONE == plan.tenant_phone(plan.TENANT_UNIT) == "19900005009"


def test_every_phone_is_a_valid_fake_mobile_number_used_once() -> None:
    phones = [p.phone for p in plan.reference_plan().people]
    assert all(phone_problems(p) == [] for p in phones)
    assert len(set(phones)) == len(phones)


def test_the_login_owners_live_alone_in_their_own_unit() -> None:
    blueprint = plan.reference_plan()
    for number in (*plan.COMMITTEE_UNITS, plan.OWNER_UNIT):
        owners = [o for o in blueprint.ownerships if o.unit == number]
        lives = [r for r in blueprint.residencies if r.unit == number]
        key = plan.person(plan.serial_of(number)).key
        assert [(o.person, o.share_percent) for o in owners] == [(key, 100)]
        assert [(r.person, r.kind) for r in lives] == [(key, ResidentKind.OWNER_OCCUPIER)]


def test_a_let_unit_has_a_tenant_and_its_owners_do_not_live_there() -> None:
    blueprint = plan.reference_plan()
    lives = [(r.person, r.kind) for r in blueprint.residencies if r.unit == plan.TENANT_UNIT]
    assert lives == [
        (plan.person(5000 + plan.serial_of(plan.TENANT_UNIT)).key, ResidentKind.TENANT)
    ]
