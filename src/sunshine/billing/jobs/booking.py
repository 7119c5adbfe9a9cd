"""The server's booker: paid online orders into the ledger moments after their notifications.

`sunshine serve` starts one per server process (`entrypoints.asgi`). It books every
community's paid, unbooked orders (`online_booking.book_paid_orders`) once notifications
pause (none for `QUIET_SECONDS`), and every `SWEEP_SECONDS` besides, `CHUNK` orders per
transaction.

It gives way to a burst: while notifications keep coming it waits, and it stops between
chunks when one comes, because each chunk takes the books' writer and a core from the
answers the channels are waiting for, while the booking is owed to nobody waiting. It
resumes at the next pause, or after `HOLD_SECONDS` of a burst that does not pause (counted
again from each chunk it books), from when it books its chunks one after another until none
is left (bench/RESULTS.md, payment notifications). A notification tells it by writing the
time into a shared number (`wake`), which costs the server no system call and never waits
for the booker, as setting an event shared with another process would.

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
from typing import NamedTuple
from typing import Protocol

from anyio.lowlevel import EventLoopToken
from sqlalchemy import Engine

from sunshine.billing.service import online_booking
from sunshine.infra import db
from sunshine.infra import turns
from sunshine.infra.db import make_engine
from sunshine.infra.db import open_session
from sunshine.infra.db import session_factory
from sunshine.infra.db import single_writer
from sunshine.infra.db import use_engine
from sunshine.infra.turns import turn_from_thread

log = logging.getLogger(__name__)
SWEEP_SECONDS = 30.0
# Orders per transaction: a few queries for all of them, and short enough that a
# notification waiting for the writer behind it still answers in time (booked as payments,
# an order takes about 1 ms: bench/RESULTS.md, payment notifications).
CHUNK = 10
# A burst is notifications less than this apart; the booker books in its pauses, so a busy
# channel's notifications are booked a chunk at a time, not one entry each.
QUIET_SECONDS = 0.25
# ...but gives way no longer than this at a time.
HOLD_SECONDS = 30.0
# How often the booker looks at the time of the last notification.
LOOK_SECONDS = 0.05

Turn = Callable[[], AbstractContextManager[None]]
# How often a booker process looks whether the server that started it is still there.
PARENT_CHECK_SECONDS = 2.0


class Stopping(Protocol):
    """A threading or a multiprocessing Event: set when the booker is to stop."""

    def wait(self, timeout: float | None = None) -> bool: ...
    def set(self) -> None: ...
    def is_set(self) -> bool: ...


class LastNotice(Protocol):
    """When the last notification was taken (`time.monotonic()`, the same in every process)."""

    value: float


class _InThread:
    value = 0.0


def _book_in_pauses(
    last_notice: LastNotice,
    stopped: Stopping,
    turn: Turn,
    *,
    sweep_seconds: float,
    still_wanted: Callable[[], bool] = lambda: True,
) -> None:
    """Book what notifications paid, in their pauses, and every `sweep_seconds`, until stopped."""
    booked_for = 0.0  # notifications taken up to this time are booked
    next_sweep = time.monotonic() + sweep_seconds
    next_check = time.monotonic() + PARENT_CHECK_SECONDS
    # When booking fell due and was not yet done: at once, for what was paid before we began.
    owed_since: float | None = time.monotonic()
    while not stopped.wait(LOOK_SECONDS):
        now, last = time.monotonic(), last_notice.value
        if now >= next_check:
            if not still_wanted():
                return
            next_check = now + PARENT_CHECK_SECONDS
        if owed_since is None and (last > booked_for or now >= next_sweep):
            owed_since = now
        if owed_since is None or (now - last < QUIET_SECONDS and now < owed_since + HOLD_SECONDS):
            continue  # nothing owed, or a burst to give way to
        began, hold_until = last, owed_since + HOLD_SECONDS

        def go_on(began: float = began, hold_until: float = hold_until) -> bool:
            return last_notice.value == began or time.monotonic() >= hold_until

        next_sweep = now + sweep_seconds
        try:
            done = book_everything(turn, go_on=go_on)
        except Exception:  # the next notification or sweep tries again; nothing half-booked
            log.exception("booking paid orders failed")
            owed_since = None
            booked_for = began
            continue
        if done.finished:
            owed_since = None
            booked_for = began
        elif done.booked:  # a burst came: give way again, for at most HOLD_SECONDS from now
            owed_since = time.monotonic()


class Booker:
    """A thread that books paid orders in the notifications' pauses, and every so often (tests)."""

    def __init__(
        self, *, sweep_seconds: float = SWEEP_SECONDS, token: EventLoopToken | None = None
    ) -> None:
        self._sweep_seconds = sweep_seconds
        self._turn: Turn = contextlib.nullcontext
        if token is not None and single_writer():
            self._turn = functools.partial(turn_from_thread, token)
        self._last_notice = _InThread()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sunshine-booker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        self._last_notice.value = time.monotonic()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        _book_in_pauses(
            self._last_notice, self._stopped, self._turn, sweep_seconds=self._sweep_seconds
        )


class BookerProcess:
    """The same booking, in a process of its own (spawned, so nothing crosses a fork)."""

    def __init__(
        self, *, sweep_seconds: float = SWEEP_SECONDS, turn_file: Path | None = None
    ) -> None:
        context = multiprocessing.get_context("spawn")
        # A number in shared memory, written without a lock: one aligned double.
        self._last_notice = context.RawValue("d", 0.0)
        self._stopped = context.Event()
        self._turn_file = turn_file
        if turn_file is not None:  # this process's writers take the same turns
            turns.share_with_processes(turn_file)
        self._process = context.Process(
            target=_follow,
            args=(
                _engine().url.render_as_string(hide_password=False),
                db.commits_checkpoint(),
                turn_file,
                self._last_notice,
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
        self._last_notice.value = time.monotonic()

    def stop(self) -> None:
        self._stopped.set()
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
    commits_checkpoint: bool,
    turn_file: Path | None,
    last_notice: LastNotice,
    stopped: ProcessEvent,
    sweep_seconds: float,
    parent: int,
) -> None:
    """The booker process's life: book in the pauses, until stopped or its server is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    if not commits_checkpoint:  # the server's checkpointer does (infra.checkpoints)
        db.leave_checkpoints_to_the_server()
    use_engine(make_engine(url))
    # As the server does (entrypoints.asgi): what start-up built stays out of the collector's
    # sight, else a full collection (70-150 ms) could fall inside a chunk, holding the turn.
    gc.collect()
    gc.freeze()
    turn: Turn = contextlib.nullcontext
    if turn_file is not None:
        turn = functools.partial(turns.turn_in_process, turn_file)
    _book_in_pauses(
        last_notice,
        stopped,
        turn,
        sweep_seconds=sweep_seconds,
        still_wanted=lambda: os.getppid() == parent,
    )


class Pass(NamedTuple):
    booked: int
    finished: bool  # False: stopped between two chunks (`go_on`), some are left


def book_everything(
    turn: Turn = contextlib.nullcontext, *, go_on: Callable[[], bool] = lambda: True
) -> Pass:
    """Book every community's paid, unbooked orders, `CHUNK` per transaction, each in `turn`."""
    booked = 0
    with open_session(writes=True) as session:
        with turn():
            communities = online_booking.communities_with_unbooked(session)
            session.rollback()  # the read began a transaction; each chunk has its own
        for community_id in communities:
            count = CHUNK
            while count == CHUNK:
                if not go_on():
                    return Pass(booked, finished=False)
                with turn():
                    count = online_booking.book_paid_orders(session, community_id, limit=CHUNK)
                    session.commit()
                booked += count
    return Pass(booked, finished=True)


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
