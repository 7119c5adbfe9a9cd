"""Receipt numbers under truly concurrent payments (threads, own connections), both databases.

Each round three clerks take payment for three units at one barrier; one of them then
changes their mind and rolls back. Afterwards the receipts are numbered 1..n without a
gap or a repeat, one per committed payment, whatever order the transactions ran in.
"""

from __future__ import annotations

import threading
from datetime import UTC
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.billing import service as billing
from sunshine.billing.models import Payment
from sunshine.billing.models import Receipt
from sunshine.billing.rules.charges import ChargeKind
from sunshine.infra import migrate
from sunshine.infra import work
from sunshine.kernel.money import Fen
from tests.billing.builders import SEPT
from tests.billing.builders import community_with_units
from tests.billing.builders import item

ROUNDS = 4
CLERKS = 3


def _setup(engine: Engine) -> tuple[int, list[int]]:
    with Session(engine) as session:
        place = community_with_units(session, ["100.00"] * CLERKS)
        fee = item(session, place, ChargeKind.PER_AREA_MONTH, "1.00")
        billing.post_run(session, place.community_id, fee, SEPT, actor="m")
        session.commit()
        return place.community_id, place.units


def _clerk(
    engine: Engine, barrier: threading.Barrier, community_id: int, unit_id: int, keep: bool
) -> None:
    with work.unit_of_work(work.Work(writes=True)), Session(engine) as session:
        barrier.wait()
        billing.take_payment(
            session,
            community_id=community_id,
            unit_id=unit_id,
            amount=Fen(500),
            method="cash",
            reference="",
            received_at=datetime(2024, 10, 8, tzinfo=UTC),
            actor="clerk",
        )
        if keep:
            session.commit()
        else:
            session.rollback()


def test_concurrent_payments_never_share_nor_skip_a_receipt_number(fresh_engine: Engine) -> None:
    migrate.upgrade(fresh_engine)
    community_id, units = _setup(fresh_engine)
    for round_ in range(ROUNDS):
        barrier = threading.Barrier(CLERKS)
        threads = [
            threading.Thread(
                target=_clerk,
                args=(fresh_engine, barrier, community_id, unit, n != round_ % CLERKS),
            )
            for n, unit in enumerate(units)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    with Session(fresh_engine) as session:
        numbers = list(
            session.scalars(
                select(Receipt.number)
                .where(Receipt.community_id == community_id)
                .order_by(Receipt.number)
            )
        )
        kept = ROUNDS * (CLERKS - 1)
        assert numbers == list(range(1, kept + 1))
        paid = session.scalars(
            select(Payment.receipt_no).where(Payment.community_id == community_id)
        ).all()
        assert sorted(n for n in paid if n is not None) == numbers
