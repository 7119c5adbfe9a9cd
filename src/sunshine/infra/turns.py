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

Another process of the server's that writes (the booker's, `billing.jobs.booking`) takes
the turn too: once `share_with_processes` names a lock file, a request holding its turn
also holds that file's lock (`flock`), which the other process takes for each of its
transactions (`turn_in_process`). Either then waits for the other's transaction on the
lock, woken when it ends, not in SQLite's busy handler.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import AsyncIterator
from collections.abc import Iterator
from contextlib import asynccontextmanager
from contextlib import contextmanager
from pathlib import Path

import anyio
import anyio.from_thread
from anyio.lowlevel import EventLoopToken
from anyio.lowlevel import RunVar

_TURNS: RunVar[anyio.Semaphore] = RunVar("sunshine_write_turns")
_shared: list[int] = []  # the lock file's descriptor, once shared with other processes
_holding: list[bool] = [False]  # whether this process holds the lock file's lock


def _turns() -> anyio.Semaphore:
    try:
        return _TURNS.get()
    except LookupError:
        turns = anyio.Semaphore(1)  # first come, first served
        _TURNS.set(turns)
        return turns


def share_with_processes(lock_file: Path) -> None:
    """From now on this process's turns also take `lock_file`'s lock (see the module's doc)."""
    if not _shared:
        _shared.append(os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o600))


def stop_sharing() -> None:
    while _shared:
        os.close(_shared.pop())  # releases the lock if held
    _holding[0] = False


async def _lock_shared() -> None:
    if not _shared or _holding[0]:  # handed on by the writer before this one
        return
    try:  # free almost always: one system call on the loop
        fcntl.flock(_shared[0], fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:  # the other process is in its transaction: wait off the loop
        try:
            await anyio.to_thread.run_sync(fcntl.flock, _shared[0], fcntl.LOCK_EX)
        except BaseException:  # cancelled while the thread took it: give it back
            fcntl.flock(_shared[0], fcntl.LOCK_UN)
            raise
    _holding[0] = True


def _unlock_shared() -> None:
    """Let the other process in, unless writers of this one wait: they go first.

    The other process (the booker) has no one waiting on its answer; the requests do. Given
    back after each request, the lock would go to the booker between any two of them, and
    every queued request would wait for one of its transactions.
    """
    if _shared and _holding[0] and _turns().statistics().tasks_waiting == 0:
        fcntl.flock(_shared[0], fcntl.LOCK_UN)
        _holding[0] = False


@asynccontextmanager
async def write_turn() -> AsyncIterator[None]:
    """This writer's turn, waited for on the event loop; kept until the block ends."""
    async with _turns():
        await _lock_shared()
        try:
            yield
        finally:
            _unlock_shared()


async def _acquire() -> None:
    await _turns().acquire()
    try:
        await _lock_shared()
    except BaseException:
        _turns().release()
        raise


def _release() -> None:
    _unlock_shared()
    _turns().release()


@contextmanager
def turn_in_process(lock_file: Path) -> Iterator[None]:
    """The turn of a server's other process that writes: `lock_file`'s lock, for the block."""
    descriptor = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing it releases the lock


@contextmanager
def turn_from_thread(token: EventLoopToken) -> Iterator[None]:
    """The same turn, taken from another thread of the server for the block (one transaction)."""
    anyio.from_thread.run(_acquire, token=token)
    try:
        yield
    finally:
        anyio.from_thread.run_sync(_release, token=token)
