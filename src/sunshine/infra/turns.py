"""SQLite's writers in one server process take turns, first come first served.

SQLite lets one writer in at a time. Queued inside SQLite, a waiting writer would hold a
connection and a thread, and would poll: its busy handler sleeps 1, 2, 5, 10, … 100 ms
between tries, so it oversleeps the writer before it by up to as long again. So the
server's writers queue here instead, on one semaphore of the event loop's: a writing
request waits for its turn without a thread (`infra.web.DbSession`), and the server's own
threads that write (the booker, `billing.jobs.booking`) take the same turn from their
thread (`turn_from_thread`), each a short transaction at a time, so that a notification
waits behind at most one of them, never behind a whole batch.

A semaphore belongs to an event loop (a test client may run each request in a new one).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from collections.abc import Iterator
from contextlib import asynccontextmanager
from contextlib import contextmanager

import anyio
import anyio.from_thread
from anyio.lowlevel import EventLoopToken
from anyio.lowlevel import RunVar

_TURNS: RunVar[anyio.Semaphore] = RunVar("sunshine_write_turns")


def _turns() -> anyio.Semaphore:
    try:
        return _TURNS.get()
    except LookupError:
        turns = anyio.Semaphore(1)  # first come, first served
        _TURNS.set(turns)
        return turns


@asynccontextmanager
async def write_turn() -> AsyncIterator[None]:
    """This writer's turn, waited for on the event loop; kept until the block ends."""
    async with _turns():
        yield


async def _acquire() -> None:
    await _turns().acquire()


def _release() -> None:
    _turns().release()


@contextmanager
def turn_from_thread(token: EventLoopToken) -> Iterator[None]:
    """The same turn, taken from another thread of the server for the block (one transaction)."""
    anyio.from_thread.run(_acquire, token=token)
    try:
        yield
    finally:
        anyio.from_thread.run_sync(_release, token=token)
