"""Two clerks taking payment for the same bills at the same moment, in truly concurrent
transactions (two threads, two connections) on SQLite and on PostgreSQL, over rounds.

Each round starts both payments at a barrier. When both chose the same bill, exactly one
pays it and the other is refused (the bill is no longer open); when both pay oldest first,
they pay two different bills. After every round no bill is paid beyond its amount, every
payment has exactly one ledger entry, and the receivable agrees with the open bills.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC
from datetime import date
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.billing import service as billing
from sunshine.billing.models import Bill
from sunshine.billing.models import Payment
from sunshine.billing.rules.charges import ChargeKind
from sunshine.infra import migrate
from sunshine.infra import work
from sunshine.kernel.errors import Invalid
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import service as ledger
from tests.billing.builders import community_with_units
from tests.billing.builders import item

CONTESTED = 4  # rounds in which both clerks chose the same bill
OLDEST_FIRST = 3  # rounds in which both pay the oldest open bill


def _setup(engine: Engine) -> tuple[int, int]:
    with Session(engine) as session:
        place = community_with_units(session, ["100.00"])
        fee = item(session, place, ChargeKind.PER_AREA_MONTH, "1.00")  # 100.00 a month
        for month in range(CONTESTED + 2 * OLDEST_FIRST):
            period = Period(2024, 9).shift(month)
            billing.post_run(session, place.community_id, fee, period, actor="m")
        session.commit()
        return place.community_id, place.units[0]


def _clerk(
    engine: Engine,
    barrier: threading.Barrier,
    pay: Callable[[Session], object],
    outcomes: list[str],
) -> None:
    with work.unit_of_work(work.Work(writes=True)), Session(engine) as session:
        barrier.wait()
        try:
            pay(session)
            session.commit()
            outcomes.append("paid")
        except Invalid:
            session.rollback()
            outcomes.append("refused")


def _round(engine: Engine, pay: Callable[[Session], object]) -> list[str]:
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    threads = [
        threading.Thread(target=_clerk, args=(engine, barrier, pay, outcomes)) for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(outcomes)


def test_two_clerks_never_overpay_a_bill_nor_book_twice(fresh_engine: Engine) -> None:
    migrate.upgrade(fresh_engine)
    community_id, unit_id = _setup(fresh_engine)
    with Session(fresh_engine) as session:
        bill_ids = list(
            session.scalars(
                select(Bill.id).where(Bill.community_id == community_id).order_by(Bill.id)
            )
        )

    def payment(bills: list[int] | None) -> Callable[[Session], object]:
        return lambda session: billing.take_payment(
            session,
            community_id=community_id,
            unit_id=unit_id,
            amount=Fen(10000),
            method="cash",
            reference="",
            received_at=datetime(2025, 9, 1, tzinfo=UTC),
            bill_ids=bills,
            actor="clerk",
        )

    for bill_id in bill_ids[-CONTESTED:]:
        assert _round(fresh_engine, payment([bill_id])) == ["paid", "refused"]
    for _ in range(OLDEST_FIRST):
        assert _round(fresh_engine, payment(None)) == ["paid", "paid"]

    with Session(fresh_engine) as session:
        bills = list(session.scalars(select(Bill).where(Bill.community_id == community_id)))
        assert all(bill.paid_fen == bill.amount_fen for bill in bills)  # each paid once, fully
        payments = session.scalar(
            select(func.count()).select_from(Payment).where(Payment.community_id == community_id)
        )
        assert payments == CONTESTED + 2 * OLDEST_FIRST
        entries = ledger.entry_count(session, community_id)
        assert entries == len(bill_ids) + payments  # one per run, one per payment
        owed = ledger.account_balance(
            session, community_id, account_code="1122", on=date(2026, 1, 1)
        )
        assert owed == Fen(0)
        assert billing.prepayment_of(session, community_id, unit_id) == Fen(0)
