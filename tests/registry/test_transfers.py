"""Ownership transfers with an effective date, and who is liable for a unit on a day.

A unit sold mid-year owes from its old owner before the date and its new owner from it;
an overlapping or back-dated transfer, shares not adding to 100% and owners changed
meanwhile are refused with nothing written; co-owners' shares change; a tenant who
moves out stops being liable. On both databases.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Invalid
from sunshine.registry import rules
from sunshine.registry import service as registry
from sunshine.registry.models import Community
from sunshine.registry.models import Ownership
from sunshine.registry.models import PastOwnership
from sunshine.registry.models import Transfer
from sunshine.registry.models import Unit
from tests.factories import make_community
from tests.factories import make_unit

SALE = rules.TransferReason.SALE


@pytest.fixture
def sold(session: Session) -> tuple[Community, Unit, int, int]:
    """A unit owned by 张三 since before the registry, and 李四 who will buy it."""
    community = make_community(session)
    unit = make_unit(session, community)
    old = registry.add_party(session, community.id, name="张三").id
    new = registry.add_party(session, community.id, name="李四").id
    registry.set_owner(session, community.id, unit_id=unit.id, party_id=old)
    return community, unit, old, new


def _sell(session: Session, cid: int, unit_id: int, old: list[int], to: list[tuple[int, int]],
          on: date) -> Transfer:  # fmt: skip
    draft = registry.TransferDraft(
        unit_id=unit_id,
        from_party_ids=old,
        to=[registry.NewOwner(party_id, share) for party_id, share in to],
        effective_on=on,
        reason=SALE,
        voucher_ref="过户-2025-07",
    )
    return registry.transfer_ownership(session, cid, draft, actor="staff")


def _payer(session: Session, cid: int, unit_id: int, on: date, who: registry.Who = "owner") -> int:
    return registry.liable_on(session, cid, on, who)[unit_id].party_id


def test_a_sale_mid_year_moves_liability_on_its_date_and_keeps_the_history(
    session: Session, sold: tuple[Community, Unit, int, int]
) -> None:
    community, unit, old, new = sold
    _sell(session, community.id, unit.id, [old], [(new, 100)], date(2025, 7, 1))
    assert _payer(session, community.id, unit.id, date(2025, 1, 1)) == old
    assert _payer(session, community.id, unit.id, date(2025, 6, 30)) == old
    assert _payer(session, community.id, unit.id, date(2025, 7, 1)) == new
    assert _payer(session, community.id, unit.id, date(2026, 1, 1)) == new
    assert [o.party_id for o in registry.owners_of(session, community.id, unit.id)] == [new]
    history = registry.ownership_history(session, community.id, unit.id)
    assert [(h.party.name, h.valid_from, h.valid_to) for h in history] == [
        ("李四", date(2025, 7, 1), None),
        ("张三", None, date(2025, 7, 1)),
    ]
    assert history[1].transfer is not None
    assert history[1].transfer.voucher_ref == "过户-2025-07"


def test_a_second_sale_leaves_each_owner_liable_for_their_own_days(
    session: Session, sold: tuple[Community, Unit, int, int]
) -> None:
    community, unit, old, new = sold
    third = registry.add_party(session, community.id, name="王五").id
    _sell(session, community.id, unit.id, [old], [(new, 100)], date(2025, 3, 1))
    _sell(session, community.id, unit.id, [new], [(third, 100)], date(2025, 9, 1))
    days = [date(2025, 2, 28), date(2025, 3, 1), date(2025, 8, 31), date(2025, 9, 1)]
    assert [_payer(session, community.id, unit.id, d) for d in days] == [old, new, new, third]


@pytest.mark.parametrize("on", [date(2025, 7, 1), date(2025, 5, 1)])
def test_an_overlapping_or_back_dated_transfer_is_refused_with_nothing_written(
    session: Session, sold: tuple[Community, Unit, int, int], on: date
) -> None:
    community, unit, old, new = sold
    _sell(session, community.id, unit.id, [old], [(new, 100)], date(2025, 7, 1))
    before = _counts(session)
    with pytest.raises(Invalid) as caught:
        _sell(session, community.id, unit.id, [new], [(old, 100)], on)
    assert [p.code for p in caught.value.problems] == ["transfer_overlap"]
    assert _counts(session) == before


def test_shares_not_adding_to_a_whole_and_stale_owners_are_refused(
    session: Session, sold: tuple[Community, Unit, int, int]
) -> None:
    community, unit, old, new = sold
    before = _counts(session)
    with pytest.raises(Invalid) as caught:
        _sell(session, community.id, unit.id, [old], [(new, 60), (old, 30)], date(2025, 7, 1))
    assert [p.code for p in caught.value.problems] == ["share_total"]
    with pytest.raises(Conflict):
        _sell(session, community.id, unit.id, [new], [(old, 100)], date(2025, 7, 1))
    with pytest.raises(Invalid) as caught:
        _sell(session, community.id, unit.id, [old], [(new, 100)], date(2999, 1, 1))
    assert [p.code for p in caught.value.problems] == ["transfer_future"]
    assert _counts(session) == before


def test_co_owners_change_their_shares_and_the_designated_owner_pays(
    session: Session, sold: tuple[Community, Unit, int, int]
) -> None:
    community, unit, old, new = sold
    draft = registry.TransferDraft(
        unit_id=unit.id,
        from_party_ids=[old],
        to=[registry.NewOwner(old, 40), registry.NewOwner(new, 60, designated_voter=True)],
        effective_on=date(2025, 4, 1),
        reason=rules.TransferReason.CO_OWNER_CHANGE,
    )
    registry.transfer_ownership(session, community.id, draft, actor="staff")
    liable = registry.liable_on(session, community.id, date(2025, 4, 1), "owner")[unit.id]
    assert (liable.party_id, liable.name, liable.party_ids) == (new, "李四", (new, old))
    shares = {
        o.party_id: o.share_percent for o in registry.owners_of(session, community.id, unit.id)
    }
    assert shares == {old: 40, new: 60}
    assert _payer(session, community.id, unit.id, date(2025, 3, 31)) == old


def test_a_tenant_is_liable_while_living_there_and_the_owner_after_moving_out(
    session: Session, sold: tuple[Community, Unit, int, int]
) -> None:
    community, unit, old, new = sold
    tenant = new
    registry.move_in(
        session, community.id, unit_id=unit.id, party_id=tenant,
        kind=rules.ResidentKind.TENANT, on=date(2025, 2, 1),
    )  # fmt: skip
    registry.move_out(session, community.id, unit_id=unit.id, party_id=tenant, on=date(2025, 8, 1))
    days = [date(2025, 1, 31), date(2025, 2, 1), date(2025, 7, 31), date(2025, 8, 1)]
    payers = [_payer(session, community.id, unit.id, d, "resident") for d in days]
    assert payers == [old, tenant, tenant, old]
    assert registry.residents_of(session, community.id, unit.id) == []
    assert [p.name for _r, p in registry.past_residents_of(session, community.id, unit.id)] == [
        "李四"
    ]
    assert _payer(session, community.id, unit.id, date(2025, 3, 1), "owner") == old


def test_liability_is_one_query_for_every_unit_and_leaves_out_units_nobody_owned(
    session: Session, sold: tuple[Community, Unit, int, int]
) -> None:
    community, unit, _old, _new = sold
    empty = make_unit(session, community, number="1-1-102")
    session.flush()
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    connection = session.connection()
    event.listen(connection, "before_cursor_execute", count)
    liable = registry.liable_on(session, community.id, date(2025, 1, 1), "resident")
    event.remove(connection, "before_cursor_execute", count)
    assert set(liable) == {unit.id}
    assert empty.id not in liable
    assert len(statements) == 1
    assert liable[unit.id].as_resident is False


def _counts(session: Session) -> tuple[int, ...]:
    return tuple(
        session.scalar(select(func.count()).select_from(model)) or 0
        for model in (Transfer, Ownership, PastOwnership)
    )


def test_the_first_sale_of_a_unit_nobody_owned_makes_the_buyer_liable_from_its_date(
    session: Session, sold: tuple[Community, Unit, int, int]
) -> None:
    community, _unit, _old, new = sold
    unsold = make_unit(session, community, number="1-1-102")
    _sell(session, community.id, unsold.id, [], [(new, 100)], date(2025, 5, 1))
    liable = registry.liable_on(session, community.id, date(2025, 4, 30), "owner")
    assert unsold.id not in liable
    assert _payer(session, community.id, unsold.id, date(2025, 5, 1)) == new
