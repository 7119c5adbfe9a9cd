"""Paid online orders into the ledger, a batch at a time, moments after their notifications.

A notification is answered as soon as our order records it as paid (the transaction id
unique per channel: it pays once), which takes a few milliseconds; booking it in the
ledger takes longer (the entry, its totals, its log record), and one community's books
take one writer at a time. So the booking follows: `book_paid_orders` books every paid
order that has no entry yet, in one batch (`online_settle.settle_paid_orders`), and the
server's booker (`billing.jobs.booking`, started by `sunshine serve`) runs it whenever a
notification was taken (`wake_booker`) and every half minute besides; `sunshine billing
orders book` does the same from cron, should the server have stopped in between. Two
bookers at once book nothing twice: the orders are locked and the entries' external ids
are the transactions.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.billing.models.orders import OnlineOrder
from sunshine.billing.rules.channels import OrderStatus
from sunshine.billing.service.online_settle import settle_paid_orders

BATCH = 500
_waker: Callable[[], None] | None = None


def book_paid_orders(session: Session, community_id: int, *, limit: int = BATCH) -> int:
    """Book up to `limit` of this community's paid, unbooked orders; how many were booked."""
    orders = list(
        session.scalars(
            select(OnlineOrder)
            .where(
                OnlineOrder.community_id == community_id,
                OnlineOrder.status == OrderStatus.PAID,
                OnlineOrder.entry_id.is_(None),
            )
            .order_by(OnlineOrder.id)
            .limit(limit)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )
    settle_paid_orders(session, community_id, orders)
    return len(orders)


def communities_with_unbooked(session: Session) -> list[int]:
    """The communities that have paid orders not booked yet."""
    query = select(OnlineOrder.community_id).where(
        OnlineOrder.status == OrderStatus.PAID, OnlineOrder.entry_id.is_(None)
    )
    return sorted(set(session.scalars(query.distinct())))


def use_waker(waker: Callable[[], None] | None) -> None:
    """Install what `wake_booker` calls (the server's booker installs itself)."""
    global _waker  # noqa: PLW0603 - one booker per server process
    _waker = waker


def wake_booker() -> None:
    """Ask the booker to book what was just paid (nothing happens where none runs: tests)."""
    if _waker is not None:
        _waker()
