"""A desk payment racing an online notification for the same bill, in truly concurrent
transactions (two threads, two connections) on SQLite and on PostgreSQL, over rounds.

Each round a payer has an online order for one bill; at a barrier a clerk takes cash for
that same bill while the channel's notification arrives and the booker books it (two
transactions, as the server runs them), or, every other round, while the booker books a
notification taken just before. Whichever reaches the books first pays the bill:
the online money, which really came in, is always booked, and pays an older open bill
when the desk was first; the clerk is refused when the online payment was first. After
every round no bill is paid beyond its amount and no money is booked twice: one payment
per transaction and per cash taken, one entry and one receipt each, and the receivable,
2205 and income (the community recognises income on collection) agree with the bills.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.billing import service as billing
from sunshine.billing.models import Bill
from sunshine.billing.models import Payment
from sunshine.billing.models import Receipt
from sunshine.billing.models.orders import OnlineOrder
from sunshine.billing.rules.channels import ChannelAnswer
from sunshine.billing.rules.channels import PaidNotice
from sunshine.billing.rules.charges import ChargeKind
from sunshine.billing.rules.income import IncomeBasis
from sunshine.billing.service import online
from sunshine.billing.service import online_booking
from sunshine.billing.service import terms
from sunshine.infra import clock
from sunshine.infra import migrate
from sunshine.infra import work
from sunshine.kernel.errors import Invalid
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import service as ledger
from tests.billing.builders import community_with_units
from tests.billing.builders import item
from tests.billing.channels import senders

if TYPE_CHECKING:
    from sqlalchemy import Engine

ROUNDS = 6
MONTH = Fen(10000)
ATTEMPTS = 8


def _setup(engine: Engine) -> tuple[int, int, list[int]]:
    """A unit billed 2 x ROUNDS months; the newest ROUNDS are raced for, the older absorb."""
    with Session(engine) as session:
        place = community_with_units(session, ["100.00"])
        terms.set_terms(session, place.community_id, late_fee_bp=0, income_on=IncomeBasis.COLLECTED)
        fee = item(session, place, ChargeKind.PER_AREA_MONTH, "1.00")  # 100.00 a month
        for month in range(2 * ROUNDS):
            billing.post_run(
                session, place.community_id, fee, Period(2024, 1).shift(month), actor="m"
            )
        session.commit()
        bills = session.scalars(
            select(Bill.id).where(Bill.community_id == place.community_id).order_by(Bill.id)
        )
        return place.community_id, place.units[0], list(bills)[-ROUNDS:]


def _attempt(engine: Engine, step: Callable[[Session], str]) -> str:
    """One transaction as the web edge runs it: a transient failure (busy, a lost race) again."""
    for _ in range(ATTEMPTS):
        with work.unit_of_work(work.Work(writes=True)), Session(engine) as session:
            try:
                outcome = step(session)
                session.commit()
            except Invalid:
                return "refused"
            except Exception as exc:
                if work.transient(exc) is None:
                    raise
                continue
            return outcome
    return "gave up"


def _racers(engine: Engine, community_id: int, unit_id: int, bill_id: int, order_no: str):  # type: ignore[no-untyped-def]
    now = clock.now()
    message = senders.dev_channel().sign_notice(PaidNotice(order_no, order_no, MONTH, now), at=now)

    def desk(session: Session) -> str:
        billing.take_payment(
            session,
            community_id=community_id,
            unit_id=unit_id,
            amount=MONTH,
            method="cash",
            reference="",
            received_at=now,
            bill_ids=[bill_id],
            actor="clerk",
        )
        return "paid"

    def notified(session: Session) -> str:
        answer = online.receive_notice(session, senders.dev_channel(), *message, now=now)
        return answer.value

    def booked(session: Session) -> str:
        return str(online_booking.book_paid_orders(session, community_id))

    return desk, notified, booked


def _round(
    engine: Engine, community_id: int, unit_id: int, bill_id: int, *, noticed: bool
) -> dict[str, str]:
    """One race; `noticed`: the notification was taken before it (the booker races the desk)."""
    with Session(engine) as session:
        opened = online.open_order(
            session,
            community_id,
            unit_id=unit_id,
            amount=MONTH,
            description="物业费",
            channel=senders.dev_channel(),
            now=clock.now(),
            minutes=30,
            bill_ids=[bill_id],
        )
        order_no = opened.order.order_no
        session.commit()
    desk, notified, booked = _racers(engine, community_id, unit_id, bill_id, order_no)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {"notice": _attempt(engine, notified)} if noticed else {}

    def clerk() -> None:
        barrier.wait()
        outcomes["desk"] = _attempt(engine, desk)

    def channel() -> None:
        barrier.wait()
        if not noticed:
            outcomes["notice"] = _attempt(engine, notified)
        outcomes["booker"] = _attempt(engine, booked)

    threads = [threading.Thread(target=clerk), threading.Thread(target=channel)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_a_desk_payment_racing_a_notification_never_overpays_nor_books_twice(
    fresh_engine: Engine,
) -> None:
    migrate.upgrade(fresh_engine)
    community_id, unit_id, raced = _setup(fresh_engine)
    desk_paid = 0
    for n, bill_id in enumerate(raced):
        outcomes = _round(fresh_engine, community_id, unit_id, bill_id, noticed=n % 2 == 1)
        assert outcomes["notice"] == ChannelAnswer.SUCCESS.value
        assert outcomes["booker"] == "1"  # the online money is always booked, once
        assert outcomes["desk"] in {"paid", "refused"}
        desk_paid += outcomes["desk"] == "paid"

    with Session(fresh_engine) as session:
        bills = list(session.scalars(select(Bill).where(Bill.community_id == community_id)))
        assert all(b.paid_fen == b.amount_fen for b in bills if b.id in raced)  # paid, once
        payments = list(
            session.scalars(select(Payment).where(Payment.community_id == community_id))
        )
        assert len(payments) == ROUNDS + desk_paid
        assert sum(p.amount_fen.value for p in payments) == MONTH.value * len(payments)
        paid = sum(b.paid_fen.value for b in bills)
        assert paid == MONTH.value * len(payments)  # none left over: older bills took it
        orders = session.scalars(select(OnlineOrder.payment_id)).all()
        assert len(set(orders)) == ROUNDS
        assert None not in orders
        receipts = session.scalar(select(func.count()).select_from(Receipt))
        assert receipts == len(payments)
        assert ledger.entry_count(session, community_id) == 2 * ROUNDS + len(payments)
        on = clock.today()

        def account(code: str) -> int:
            return ledger.account_balance(session, community_id, account_code=code, on=on).value

        owed = sum(b.amount_fen.value - b.paid_fen.value for b in bills)
        assert (account("1122"), account("2205"), account("6001")) == (owed, -owed, -paid)
        assert (account("1001"), account("1002")) == (MONTH.value * ROUNDS, MONTH.value * desk_paid)
