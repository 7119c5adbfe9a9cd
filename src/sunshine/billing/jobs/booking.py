"""The server's booker: paid online orders into the ledger moments after their notifications.

`sunshine serve` starts one per process (`entrypoints.asgi`). It books every community's
paid, unbooked orders (`online_booking.book_paid_orders`) a moment (`GATHER_SECONDS`)
after a notification wakes it, and every `SWEEP_SECONDS` besides, `CHUNK` orders per
transaction. On SQLite each transaction takes the server's writer turn (`infra.turns`)
like a request, so a notification arriving meanwhile waits for one chunk, not for the
whole batch (nor oversleeps it in SQLite's busy handler). Two bookers at once (two server
processes) book nothing twice: the orders are locked and the entries' external ids are
the channels' transactions.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager

from anyio.lowlevel import EventLoopToken

from sunshine.billing.service import online_booking
from sunshine.infra.db import open_session
from sunshine.infra.db import single_writer
from sunshine.infra.turns import turn_from_thread

log = logging.getLogger(__name__)
SWEEP_SECONDS = 30.0
# After a wake, gather this long before booking: a busy channel's notifications are booked
# a chunk at a time (a few queries for many), not one entry per notification, which
# would take the books' writer (and, on SQLite, the database's) for each.
GATHER_SECONDS = 1.0
# Orders per transaction: a few queries for all of them, and short enough that a
# notification waiting for the writer behind it still answers in time (booked as payments,
# an order takes about 1 ms: bench/RESULTS.md, payment notifications).
CHUNK = 10

Turn = Callable[[], AbstractContextManager[None]]


class Booker:
    """A thread of the server's that books paid orders when woken, and every so often."""

    def __init__(
        self, *, sweep_seconds: float = SWEEP_SECONDS, token: EventLoopToken | None = None
    ) -> None:
        self._sweep_seconds = sweep_seconds
        self._turn: Turn = contextlib.nullcontext
        if token is not None and single_writer():
            self._turn = functools.partial(turn_from_thread, token)
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
                book_everything(self._turn)
            except Exception:  # the next wake or sweep tries again; nothing was half-booked
                log.exception("booking paid orders failed")


def book_everything(turn: Turn = contextlib.nullcontext) -> int:
    """Book every community's paid, unbooked orders, `CHUNK` per transaction, each in `turn`."""
    booked = 0
    with open_session(writes=True) as session:
        with turn():
            communities = online_booking.communities_with_unbooked(session)
            session.rollback()  # the read began a transaction; each chunk has its own
        for community_id in communities:
            count = CHUNK
            while count == CHUNK:
                with turn():
                    count = online_booking.book_paid_orders(session, community_id, limit=CHUNK)
                    session.commit()
                booked += count
    return booked


_booker: Booker | None = None


def start_booker(token: EventLoopToken | None = None) -> None:
    """Start this process's booker (its writer turns on `token`'s loop); notifications wake it."""
    global _booker  # noqa: PLW0603 - one booker per server process
    if _booker is None:
        _booker = Booker(token=token)
        _booker.start()
        online_booking.use_waker(_booker.wake)


def stop_booker() -> None:
    global _booker  # noqa: PLW0603
    if _booker is not None:
        online_booking.use_waker(None)
        _booker.stop()
        _booker = None
