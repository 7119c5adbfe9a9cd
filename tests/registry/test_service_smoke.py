from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from sunshine.kernel.errors import Invalid
from sunshine.registry import rules
from sunshine.registry import service


def _community(session: Session, code: str = "t1") -> int:
    draft = service.CommunityDraft(
        code=code,
        name="测试小区",
        city="常州市",
        district="钟楼区",
        street="永红街道",
        neighbourhood="锦阳苑社区",
        committee_kind=rules.CommitteeKind.PROPERTY_COMMITTEE,
    )
    return service.create_community(session, draft).id


def test_unit_ids_count_up_per_community_and_areas_stay_exact(session: Session) -> None:
    first, second = _community(session, "a1"), _community(session, "b1")
    for cid in (first, second):
        service.add_building(session, cid, code="1", name="1幢", floors=6)
    a = service.add_unit(session, first, service.UnitDraft(number="1-1-101", area=Decimal("85.37")))
    b = service.add_unit(session, first, service.UnitDraft(number="1-1-102", area=Decimal("60.10")))
    c = service.add_unit(
        session, second, service.UnitDraft(number="1-1-101", area=Decimal("70.00"))
    )
    session.expire_all()
    assert (a.id, b.id, c.id) == (1, 2, 1)
    assert service.get_unit(session, first, 1).area == Decimal("85.37")


def test_a_unit_above_the_top_floor_is_refused_with_its_reason(session: Session) -> None:
    cid = _community(session)
    service.add_building(session, cid, code="1", name="1幢", floors=6)
    with pytest.raises(Invalid) as caught:
        service.add_unit(session, cid, service.UnitDraft(number="1-1-701", area=Decimal(80)))
    assert [p.code for p in caught.value.problems] == ["floor_range"]


def test_text_longer_than_its_column_is_refused_with_a_message_not_a_server_error(
    session: Session,
) -> None:
    cid = _community(session)
    with pytest.raises(Invalid) as caught:
        service.add_building(session, cid, code="123456789", name="楼" * 41, floors=6)
    assert sorted((p.code, p.where) for p in caught.value.problems) == [
        ("too_long", "building_name"),
        ("too_long", "code"),
    ]
    with pytest.raises(Invalid) as caught:
        service.add_party(session, cid, name="王" * 81)
    assert [(p.code, p.where) for p in caught.value.problems] == [("too_long", "name")]
