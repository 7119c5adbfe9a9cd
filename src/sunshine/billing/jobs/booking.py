"""The server's booker: paid online orders into the ledger moments after their notifications.

`sunshine serve` starts one per process (`entrypoints.asgi`). It books every community's
paid, unbooked orders (`online_booking.book_paid_orders`, one transaction per batch) a
moment (`GATHER_SECONDS`) after a notification wakes it, and every `SWEEP_SECONDS`
besides. Two bookers at once (two server processes) book nothing twice: the orders are
locked and the entries' external ids are the channels' transactions.
"""

from __future__ import annotations

import logging
import threading

from sunshine.billing.service import online_booking
from sunshine.infra.db import open_session

log = logging.getLogger(__name__)
SWEEP_SECONDS = 30.0
# After a wake, gather this long before booking: a busy channel's notifications are booked
# a batch at a time (a few queries for a hundred), not one entry per notification, which
# would take the books' writer (and, on SQLite, the database's) for each.
GATHER_SECONDS = 1.0


class Booker:
    """A thread of the server's that books paid orders when woken, and every so often."""

    def __init__(self, *, sweep_seconds: float = SWEEP_SECONDS) -> None:
        self._sweep_seconds = sweep_seconds
        self._woken = threading.Event()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sunshine-booker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        self._woken.set()

    def stop(self) -> None:
        self._stopped.set()
        self._woken.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stopped.is_set():
            if self._woken.wait(self._sweep_seconds):
                self._stopped.wait(GATHER_SECONDS)
            self._woken.clear()  # before booking: a notice taken meanwhile wakes us again
            try:
                book_everything()
            except Exception:  # the next wake or sweep tries again; nothing was half-booked
                log.exception("booking paid orders failed")


def book_everything() -> int:
    """Book every community's paid, unbooked orders, one transaction per batch."""
    booked = 0
    with open_session(writes=True) as session:
        communities = online_booking.communities_with_unbooked(session)
        session.rollback()  # the read began a transaction; each batch has its own
        for community_id in communities:
            while count := online_booking.book_paid_orders(session, community_id):
                session.commit()
                booked += count
    return booked


_booker: Booker | None = None


def start_booker() -> None:
    """Start this process's booker; notifications then wake it."""
    global _booker  # noqa: PLW0603 - one booker per server process
    if _booker is None:
        _booker = Booker()
        _booker.start()
        online_booking.use_waker(_booker.wake)


def stop_booker() -> None:
    global _booker  # noqa: PLW0603
    if _booker is not None:
        online_booking.use_waker(None)
        _booker.stop()
        _booker = None
