"""One area rule (`rules.area_problems`) for typed areas, roster rows and the unit services.

It used to be written three times, differently: text was checked for range and decimals,
a new unit only for being above 0 (so 100000 m² went in, and 85.375 reached the database
and failed there), and a correction only for range. These tests pin all of them to one rule.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import example
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import Problem
from sunshine.registry import rules
from sunshine.registry import service
from sunshine.registry.rules.roster_rows import parse_row

# Areas around every edge of the rule: tiny, huge, negative, many decimals, NaN, infinity.
areas = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True),
    st.decimals(min_value=Decimal(-1), max_value=Decimal(100001), places=3),
    st.sampled_from([Decimal(0), Decimal("0.01"), Decimal("99999.99"), Decimal(100000)]),
)
_COLUMNS = {"unit": "房号", "area": "面积", "name": "姓名"}


def _codes(problems: list[Problem]) -> list[str]:
    return [problem.code for problem in problems]


@given(areas)
@example(Decimal("85.375"))
@example(Decimal("1E+5"))
def test_typed_text_is_refused_exactly_when_the_area_rule_refuses_it(area: Decimal) -> None:
    value, problems = rules.parse_area(str(area))
    assert _codes(problems) == _codes(rules.area_problems(area))
    assert (value is None) == bool(problems)
    if value is not None:
        assert value == area


@given(areas)
def test_a_roster_row_is_refused_exactly_when_the_area_rule_refuses_it(area: Decimal) -> None:
    cells = {"unit": "1-1-101", "area": str(area), "name": "张三"}
    row, problems = parse_row(2, cells, _COLUMNS)
    assert _codes(problems) == _codes(rules.area_problems(area))
    assert (row is None) == bool(problems)


def test_the_rule_names_the_value_as_typed() -> None:
    [problem] = rules.area_problems(Decimal(0), where="面积", shown="0㎡")
    assert (problem.code, problem.where, problem.args) == ("area_range", "面积", {"value": "0㎡"})


def _unit(session: Session) -> tuple[int, int]:
    draft = service.CommunityDraft(
        code="area",
        name="测试小区",
        city="常州市",
        district="钟楼区",
        street="永红街道",
        neighbourhood="锦阳苑社区",
        committee_kind=rules.CommitteeKind.PROPERTY_COMMITTEE,
    )
    cid = service.create_community(session, draft).id
    service.add_building(session, cid, code="1", name="1幢", floors=6)
    unit = service.add_unit(session, cid, service.UnitDraft(number="1-1-101", area=Decimal(80)))
    return cid, unit.id


@pytest.mark.parametrize(
    "area", ["0", "-1", "0.001", "85.375", "100000", "1E+6", "NaN", "Infinity", "0.01", "99999.99"]
)
def test_adding_and_correcting_a_unit_obey_the_same_rule(session: Session, area: str) -> None:
    cid, unit_id = _unit(session)
    expected = _codes(rules.area_problems(Decimal(area)))
    draft = service.UnitDraft(number="1-1-102", area=Decimal(area))
    for change in (
        lambda: service.add_unit(session, cid, draft),
        lambda: service.update_unit(session, cid, unit_id, service.UnitChange(area=Decimal(area))),
    ):
        if expected:
            with pytest.raises(Invalid) as caught:
                change()
            assert _codes(caught.value.problems) == expected
        else:
            assert change().area == Decimal(area)
