"""Charge items, their rates over time, and the parking leases billed per space."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.billing.models import ChargeItem
from sunshine.billing.models import ParkingLease
from sunshine.billing.models import Rate
from sunshine.billing.rules import charges
from sunshine.infra import clock
from sunshine.infra.authority import authorise
from sunshine.infra.authority import authorised_by
from sunshine.infra.authority import fee_change_matter
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.kernel.errors import Problem
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import rules as ledger_rules
from sunshine.ledger import service as ledger


def income_accounts(session: Session, community_id: int) -> dict[str, str]:
    """Open income accounts of the chart a charge item may credit: code → Chinese name."""
    return {
        code: account.name("zh_CN")
        for code, account in ledger.accounts_by_code(session, community_id).items()
        if account.kind is ledger_rules.AccountKind.INCOME and account.closed_on is None
    }


def add_item(
    session: Session,
    community_id: int,
    *,
    code: str,
    name: str,
    kind: charges.ChargeKind,
    account_code: str,
    liable: charges.Liable,
    first_month: int = 1,
) -> ChargeItem:
    """A new charge item; it bills nothing until it has a rate."""
    problems = charges.item_problems(
        code=code,
        name=name,
        account_code=account_code,
        income_codes=frozenset(income_accounts(session, community_id)),
        first_month=first_month,
    )
    if problems:
        raise Invalid("the charge item was not added", problems=problems)
    if find_item(session, community_id, code) is not None:
        raise Conflict("a charge item {code} exists already", args={"code": code})
    item = ChargeItem(
        community_id=community_id,
        code=code,
        name=name.strip(),
        kind=kind,
        account_code=account_code,
        liable=liable,
        first_month=first_month,
        created_at=clock.now(),
    )
    session.add(item)
    session.flush()
    return item


def find_item(session: Session, community_id: int, code: str) -> ChargeItem | None:
    return session.scalar(
        select(ChargeItem).where(ChargeItem.community_id == community_id, ChargeItem.code == code)
    )


def get_item(session: Session, community_id: int, item_id: int) -> ChargeItem:
    item = session.get(ChargeItem, (community_id, item_id))
    if item is None:
        raise NotFound("no charge item {id}", args={"id": item_id})
    return item


def item_by_code(session: Session, community_id: int, code: str) -> ChargeItem:
    item = find_item(session, community_id, code)
    if item is None:
        raise NotFound("no charge item {code}", args={"code": code})
    return item


def list_items(session: Session, community_id: int) -> list[ChargeItem]:
    query = select(ChargeItem).where(ChargeItem.community_id == community_id)
    return list(session.scalars(query.order_by(ChargeItem.code)))


def set_rate(
    session: Session,
    community_id: int,
    item_id: int,
    *,
    rate: Fen,
    effective_from: date,
    actor: str,
    authority: str | None = None,
    actor_id: int | None = None,
) -> Rate:
    """A new rate from `effective_from` on; bills already issued keep the rate they have.

    A fee change may cite the owners' vote (`vote:V/M`) or committee decision
    (`decision:N`) that decided it; it is checked and linked through `infra.authority`
    (matter `fee_change:ITEM/YYYY-MM-DD`), and a community that requires one for fee
    changes refuses a rate without it.
    """
    item = get_item(session, community_id, item_id)
    if problems := charges.rate_problems(rate):
        raise Invalid("the rate was not set", problems=problems)
    taken = session.scalar(
        select(Rate).where(
            Rate.community_id == community_id,
            Rate.item_id == item_id,
            Rate.effective_from == effective_from,
        )
    )
    if taken is not None:
        raise Conflict(
            "a rate from {day} is set already; set the new one from another day",
            args={"day": effective_from.isoformat()},
        )
    matter = fee_change_matter(item.code, effective_from)
    authorise(session, community_id, matter, authority, actor_id=actor_id)
    row = Rate(
        community_id=community_id,
        item_id=item_id,
        effective_from=effective_from,
        rate_fen=rate,
        set_by=actor,
        set_at=clock.now(),
    )
    session.add(row)
    session.flush()
    return row


def rates_of(session: Session, community_id: int, item_id: int) -> list[Rate]:
    query = select(Rate).where(Rate.community_id == community_id, Rate.item_id == item_id)
    return list(session.scalars(query.order_by(Rate.effective_from)))


def rate_authorities(session: Session, community_id: int, item_id: int) -> dict[int, str]:
    """The vote or decision each of an item's rates cites, by rate id (those that cite one)."""
    item = get_item(session, community_id, item_id)
    found = {
        row.id: authorised_by(
            session, community_id, fee_change_matter(item.code, row.effective_from)
        )
        for row in rates_of(session, community_id, item_id)
    }
    return {rate_id: cited for rate_id, cited in found.items() if cited}


def rate_for(session: Session, community_id: int, item_id: int, period: Period) -> Fen:
    """The rate in force on the period's first day; Invalid when none is set yet."""
    steps = [
        charges.RateStep(row.effective_from, row.rate_fen)
        for row in rates_of(session, community_id, item_id)
    ]
    rate = charges.rate_on(steps, period.first_day)
    if rate is None:
        raise Invalid(
            "nothing was billed",
            problems=[
                Problem(
                    "no_rate",
                    "the charge item has no rate in force on {day}",
                    {"day": period.first_day.isoformat()},
                    where="period",
                )
            ],
        )
    return rate


def add_lease(
    session: Session,
    community_id: int,
    *,
    space: str,
    unit_id: int,
    starts_on: date,
    ends_on: date | None = None,
) -> ParkingLease:
    """A parking space let to a unit (billing's own list until the parking part brings leases)."""
    if not space.strip() or len(space) > 16 or (ends_on is not None and ends_on < starts_on):
        raise Invalid(
            "the lease was not added",
            problems=[Problem("lease", "a space code and an end no earlier than the start")],
        )
    lease = ParkingLease(
        community_id=community_id,
        space=space.strip(),
        unit_id=unit_id,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    session.add(lease)
    session.flush()
    return lease


def leases_in(session: Session, community_id: int, period: Period) -> list[tuple[int, int]]:
    """(lease id, unit id) of every lease running on any day of `period`, as rows."""
    table = ParkingLease.__table__.c
    query = (
        select(table.id, table.unit_id)
        .where(
            table.community_id == community_id,
            table.starts_on <= period.last_day,
            (table.ends_on.is_(None)) | (table.ends_on >= period.first_day),
        )
        .order_by(table.id)
    )
    return [(int(lease), int(unit)) for lease, unit in session.execute(query)]


def list_leases(session: Session, community_id: int) -> list[ParkingLease]:
    query = select(ParkingLease).where(ParkingLease.community_id == community_id)
    return list(session.scalars(query.order_by(ParkingLease.space, ParkingLease.starts_on)))
