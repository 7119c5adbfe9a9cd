"""The server's booker: paid online orders into the ledger moments after their notifications.

`sunshine serve` starts one per server process (`entrypoints.asgi`). It books every
community's paid, unbooked orders (`online_booking.book_paid_orders`) a moment
(`GATHER_SECONDS`) after a notification wakes it, and every `SWEEP_SECONDS` besides,
`CHUNK` orders per transaction.

It is a process of its own, so that its Python runs beside the server's, not in turns with
it under one interpreter lock. On SQLite each of its transactions takes the server's writer
turn (`infra.turns`, shared through a lock file) like a request, so a notification
arriving meanwhile waits for one chunk, not for the whole batch (nor oversleeps it in
SQLite's busy handler); on PostgreSQL a notification waits for nothing of the booker's (it
locks only the orders it books). Tests run it as a thread of theirs (`Booker`), taking the
turns on their loop. Two bookers at once (two server processes) book nothing twice: the
orders are locked and the entries' external ids are the channels' transactions.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from multiprocessing.synchronize import Event as ProcessEvent
from pathlib import Path
from typing import Protocol

from anyio.lowlevel import EventLoopToken
from sqlalchemy import Engine

from sunshine.billing.service import online_booking
from sunshine.infra import turns
from sunshine.infra.db import make_engine
from sunshine.infra.db import open_session
from sunshine.infra.db import session_factory
from sunshine.infra.db import single_writer
from sunshine.infra.db import use_engine
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
# How often a booker process looks whether the server that started it is still there.
PARENT_CHECK_SECONDS = 2.0


class Waiting(Protocol):
    """A threading or a multiprocessing Event: what the booking loop waits on."""

    def wait(self, timeout: float | None = None) -> bool: ...
    def set(self) -> None: ...
    def clear(self) -> None: ...
    def is_set(self) -> bool: ...


def _book_when_woken(
    woken: Waiting,
    stopped: Waiting,
    turn: Turn,
    *,
    sweep_seconds: float,
    still_wanted: Callable[[], bool] = lambda: True,
) -> None:
    """Book after each wake (gathering a moment first) and every `sweep_seconds`, until stopped."""
    next_sweep = time.monotonic() + sweep_seconds
    while not stopped.is_set() and still_wanted():
        left = max(0.0, next_sweep - time.monotonic())
        if woken.wait(min(left, PARENT_CHECK_SECONDS)):
            stopped.wait(GATHER_SECONDS)
        elif time.monotonic() < next_sweep:
            continue  # only looked whether it is still wanted
        next_sweep = time.monotonic() + sweep_seconds
        woken.clear()  # before booking: a notice taken meanwhile wakes us again
        try:
            book_everything(turn)
        except Exception:  # the next wake or sweep tries again; nothing was half-booked
            log.exception("booking paid orders failed")


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
        _book_when_woken(self._woken, self._stopped, self._turn, sweep_seconds=self._sweep_seconds)


class BookerProcess:
    """The same booking, in a process of its own (spawned, so nothing crosses a fork)."""

    def __init__(
        self, *, sweep_seconds: float = SWEEP_SECONDS, turn_file: Path | None = None
    ) -> None:
        context = multiprocessing.get_context("spawn")
        self._woken = context.Event()
        self._stopped = context.Event()
        self._turn_file = turn_file
        if turn_file is not None:  # this process's writers take the same turns
            turns.share_with_processes(turn_file)
        self._process = context.Process(
            target=_follow,
            args=(
                _engine().url.render_as_string(hide_password=False),
                turn_file,
                self._woken,
                self._stopped,
                sweep_seconds,
                os.getpid(),
            ),
            name="sunshine-booker",
            daemon=True,
        )

    def start(self) -> None:
        self._process.start()

    def wake(self) -> None:
        self._woken.set()

    def stop(self) -> None:
        self._stopped.set()
        self._woken.set()
        self._process.join(timeout=10)
        if self._process.is_alive():  # mid-chunk past the timeout: its transaction rolls back
            self._process.terminate()
            self._process.join(timeout=5)
        if self._turn_file is not None:
            turns.stop_sharing()


def _engine() -> Engine:
    bind = session_factory().kw.get("bind")
    assert isinstance(bind, Engine)
    return bind


def _turn_file() -> Path | None:
    """Where a booker process and the server share SQLite's writer turn (None: PostgreSQL)."""
    url = _engine().url
    if url.get_backend_name() != "sqlite":
        return None
    if url.database in (None, "", ":memory:"):
        raise ValueError("an in-memory database cannot be shared with a booker process")
    return Path(f"{url.database}-turn")


def _follow(
    url: str,
    turn_file: Path | None,
    woken: ProcessEvent,
    stopped: ProcessEvent,
    sweep_seconds: float,
    parent: int,
) -> None:
    """The booker process's life: book when woken, until stopped or its server is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    use_engine(make_engine(url))
    # As the server does (entrypoints.asgi): what start-up built stays out of the collector's
    # sight, else a full collection (70-150 ms) could fall inside a chunk, holding the turn.
    gc.collect()
    gc.freeze()
    turn: Turn = contextlib.nullcontext
    if turn_file is not None:
        turn = functools.partial(turns.turn_in_process, turn_file)
    _book_when_woken(
        woken,
        stopped,
        turn,
        sweep_seconds=sweep_seconds,
        still_wanted=lambda: os.getppid() == parent,
    )


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


_booker: Booker | BookerProcess | None = None


def start_booker(token: EventLoopToken | None = None, *, own_process: bool = False) -> None:
    """Start this process's booker; notifications wake it.

    In a process of its own (`sunshine serve`), or in a thread taking its writer turns on
    `token`'s loop (tests).
    """
    global _booker  # noqa: PLW0603 - one booker per server process
    if _booker is None:
        _booker = BookerProcess(turn_file=_turn_file()) if own_process else Booker(token=token)
        _booker.start()
        online_booking.use_waker(_booker.wake)


def stop_booker() -> None:
    global _booker  # noqa: PLW0603
    if _booker is not None:
        online_booking.use_waker(None)
        _booker.stop()
        _booker = None
