"""Billing runs: preview, post, idempotency, rate history, payers fixed, ledger entry."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from sunshine.billing import service as billing
from sunshine.billing.rules.charges import ChargeKind
from sunshine.billing.rules.charges import Liable
from sunshine.kernel.errors import Invalid
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import service as ledger
from sunshine.registry import service as registry
from sunshine.registry.rules import ResidentKind
from sunshine.registry.rules import TransferReason
from tests.billing.builders import SEPT
from tests.billing.builders import balance
from tests.billing.builders import bills_of
from tests.billing.builders import community_with_units
from tests.billing.builders import item


def test_a_run_previews_then_bills_each_unit_by_area_rounded_half_up(session: Session) -> None:
    place = community_with_units(session, ["85.37", "85.30", "120.00"])
    fee = item(session, place, ChargeKind.PER_AREA_MONTH, "1.85")
    plan = billing.preview_run(session, place.community_id, fee, SEPT)
    assert (plan.count, plan.total) == (3, Fen(15793 + 15781 + 22200))
    assert bills_of(session, place, fee) == []  # a preview writes nothing
    plan, run = billing.post_run(session, place.community_id, fee, SEPT, actor="manager")
    assert run is not None
    bills = bills_of(session, place, fee)
    assert [b.amount_fen.value for b in bills] == [15793, 15781, 22200]
    assert {b.payer_name for b in bills} == {"业主1", "业主2", "业主3"}
    assert all(b.due_on == date(2024, 9, 30) and b.paid_fen == Fen(0) for b in bills)
    entry = ledger.get_entry(session, place.community_id, run.entry_id)
    assert entry.period == SEPT
    assert balance(session, place, "1122") == plan.total


def test_running_the_same_period_again_creates_nothing(session: Session) -> None:
    place = community_with_units(session, ["80.00", "90.00"])
    fee = item(session, place, ChargeKind.PER_AREA_MONTH, "2.00")
    billing.post_run(session, place.community_id, fee, SEPT, actor="m")
    entries = ledger.entry_count(session, place.community_id)
    plan, run = billing.post_run(session, place.community_id, fee, SEPT, actor="m")
    assert run is None
    assert plan.count == 0
    assert plan.already == 2
    assert ledger.entry_count(session, place.community_id) == entries
    assert len(bills_of(session, place, fee)) == 2


def test_a_unit_without_an_owner_is_skipped_and_billed_once_it_has_one(session: Session) -> None:
    place = community_with_units(session, ["80.00"])
    fee = item(
        session,
        place,
        ChargeKind.PER_HOUSEHOLD_YEAR,
        "100.00",
        code="garbage",
        account="6004",
        first_month=9,
    )
    extra = community_with_units(session, ["70.00"], owners=False)  # another community
    assert (
        billing.preview_run(
            session, extra.community_id, item(session, extra, ChargeKind.ONE_OFF, "5.00"), SEPT
        ).skipped
        == 1
    )
    assert billing.preview_run(session, place.community_id, fee, SEPT).total == Fen(10000)
    with pytest.raises(Invalid):
        billing.preview_run(session, place.community_id, fee, Period(2024, 10))


def test_a_rate_change_never_alters_bills_already_issued(session: Session) -> None:
    place = community_with_units(session, ["100.00"])
    fee = item(session, place, ChargeKind.PER_AREA_MONTH, "1.50")
    billing.post_run(session, place.community_id, fee, SEPT, actor="m")
    billing.set_rate(
        session, place.community_id, fee, rate=Fen(200), effective_from=date(2024, 10, 1), actor="m"
    )
    billing.post_run(session, place.community_id, fee, Period(2024, 10), actor="m")
    sept, oct_ = bills_of(session, place, fee)
    assert (sept.rate_fen, sept.amount_fen) == (Fen(150), Fen(15000))
    assert (oct_.rate_fen, oct_.amount_fen) == (Fen(200), Fen(20000))


def test_an_item_without_a_rate_in_force_bills_nothing(session: Session) -> None:
    place = community_with_units(session, ["100.00"])
    fee = item(session, place, ChargeKind.PER_AREA_MONTH, "1.50", since=date(2024, 10, 1))
    with pytest.raises(Invalid):
        billing.post_run(session, place.community_id, fee, SEPT, actor="m")


def test_parking_rent_is_billed_per_lease_running_in_the_month(session: Session) -> None:
    place = community_with_units(session, ["80.00", "90.00"])
    rent = item(
        session, place, ChargeKind.PER_SPACE_MONTH, "120.00", code="parking", account="6002"
    )
    a, b = place.units
    billing.add_lease(
        session, place.community_id, space="P01", unit_id=a, starts_on=date(2024, 9, 1)
    )
    billing.add_lease(
        session, place.community_id, space="P02", unit_id=a, starts_on=date(2024, 9, 15)
    )
    billing.add_lease(
        session,
        place.community_id,
        space="P03",
        unit_id=b,
        starts_on=date(2024, 1, 1),
        ends_on=date(2024, 8, 31),
    )
    plan, _ = billing.post_run(session, place.community_id, rent, SEPT, actor="m")
    assert plan.count == 2
    assert plan.total == Fen(24000)
    assert {(x.unit_id, x.lease_id) for x in bills_of(session, place, rent)} == {(a, 1), (a, 2)}


def test_the_payer_is_fixed_when_the_bill_is_issued(session: Session) -> None:
    place = community_with_units(session, ["80.00"])
    fee = item(session, place, ChargeKind.PER_AREA_MONTH, "1.00")
    billing.post_run(session, place.community_id, fee, SEPT, actor="m")
    [unit] = place.units
    buyer = registry.add_party(session, place.community_id, name="新业主")
    for ownership in registry.owners_of(session, place.community_id, unit):
        session.delete(ownership)
    registry.set_owner(session, place.community_id, unit_id=unit, party_id=buyer.id)
    billing.post_run(session, place.community_id, fee, Period(2024, 10), actor="m")
    assert [b.payer_name for b in bills_of(session, place, fee)] == ["业主1", "新业主"]


def test_an_item_residents_pay_goes_to_the_tenant_or_else_the_owner(session: Session) -> None:
    place = community_with_units(session, ["80.00", "90.00"])
    row = billing.add_item(
        session,
        place.community_id,
        code="water",
        name="二次供水",
        kind=ChargeKind.ONE_OFF,
        account_code="6001",
        liable=Liable.RESIDENT,
    )
    billing.set_rate(
        session,
        place.community_id,
        row.id,
        rate=Fen(500),
        effective_from=date(2024, 1, 1),
        actor="m",
    )
    tenant = registry.add_party(session, place.community_id, name="租户甲")
    registry.add_resident(
        session,
        place.community_id,
        unit_id=place.units[0],
        party_id=tenant.id,
        kind=ResidentKind.TENANT,
    )
    billing.post_run(session, place.community_id, row.id, SEPT, actor="m")
    assert [b.payer_name for b in bills_of(session, place, row.id)] == ["租户甲", "业主2"]


def test_a_transfer_mid_year_moves_the_bills_after_its_day_to_the_new_owner(
    session: Session,
) -> None:
    place = community_with_units(session, ["80.00"])
    fee = item(session, place, ChargeKind.PER_AREA_MONTH, "1.00")
    [unit] = place.units
    [seller] = registry.owners_of(session, place.community_id, unit)
    buyer = registry.add_party(session, place.community_id, name="新业主")
    draft = registry.TransferDraft(
        unit_id=unit,
        from_party_ids=[seller.party_id],
        to=[registry.NewOwner(party_id=buyer.id, share_percent=100, designated_voter=True)],
        effective_on=date(2024, 11, 15),
        reason=TransferReason.SALE,
    )
    registry.transfer_ownership(session, place.community_id, draft, actor="m")
    for month in (9, 10, 11, 12):  # all issued after the transfer was recorded
        billing.post_run(session, place.community_id, fee, Period(2024, month), actor="m")
    names = [b.payer_name for b in bills_of(session, place, fee)]
    assert names == ["业主1", "业主1", "业主1", "新业主"]  # November's is issued on the 1st
