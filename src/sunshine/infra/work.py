"""A unit of work (one web request, one CLI command) as the database plumbing sees it.

It says whether the unit writes, so that its transactions take SQLite's write lock up
front (`BEGIN IMMEDIATE`, in `infra.db`) instead of upgrading a read lock later, which
SQLite refuses at once when another writer got in between (SQLITE_BUSY_SNAPSHOT: no
busy timeout helps). It counts its commits, so a request that failed after committing
is never run again. And it says which database failures are transient, worth running
the whole unit again for: the replay itself is `infra.replay` (web) and nothing (CLI).

The current unit lives in a context variable: FastAPI runs sync routes in a thread with
a copy of the request's context, so the route's sessions see the object the request's
middleware made. Nothing here imports a database driver.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout


@dataclass(slots=True)
class Work:
    """One unit of work: whether it writes, what it committed, and which attempt this is.

    `sticky` keeps taking the write lock after a commit (a CLI command that commits batch
    after batch); a request's transactions after its one commit only read what it wrote.
    """

    writes: bool
    sticky: bool = True
    commits: int = 0
    attempt: int = 1
    attempts: int = 1
    retry_seconds: float = math.inf
    first_failure: float | None = None

    def locks_up_front(self) -> bool:
        """Whether the next transaction should begin holding the write lock."""
        return self.writes and (self.sticky or self.commits == 0)

    def may_run_again(self) -> bool:
        """Whether running the unit again, now that it failed, is safe and still allowed.

        Safe: nothing was committed. Allowed: attempts are left, and `retry_seconds` have
        not passed since its first failure (time spent waiting to be admitted is no reason
        to give up on it).
        """
        now = time.monotonic()
        if self.first_failure is None:
            self.first_failure = now
        in_time = now - self.first_failure < self.retry_seconds
        return self.commits == 0 and self.attempt < self.attempts and in_time

    def again(self) -> float:
        """Start the next attempt, as a writer from the start; returns the pause before it.

        The pause is jittered so that requests that collided do not collide again in step.
        """
        self.attempt += 1
        self.writes = True
        base: float = min(0.4, 0.025 * 2.0 ** (self.attempt - 2))
        return base * random.uniform(0.5, 1.5)  # noqa: S311 - jitter, not a secret


_current: ContextVar[Work | None] = ContextVar("sunshine_work", default=None)


def current() -> Work | None:
    """The unit of work of this request or command, if one was started."""
    return _current.get()


@contextmanager
def unit_of_work(work: Work) -> Iterator[Work]:
    """Make `work` the current unit for the block (and the threads it starts routes in)."""
    token = _current.set(work)
    try:
        yield work
    finally:
        _current.reset(token)


def mark_writing() -> None:
    """Take the write lock up front from now on: this request writes though its method is safe."""
    work = current()
    if work is not None:
        work.writes = True


class Transient(StrEnum):
    """A failure that says nothing about the request itself, only about its timing."""

    BUSY = "busy"  # the database could not take it in time: 503, try again shortly
    CONFLICT = "conflict"  # another transaction won a race for the same rows: 409


_SQLITE_BUSY = frozenset({5, 6})  # SQLITE_BUSY, SQLITE_LOCKED (low byte of extended codes)
_SQLITE_UNIQUE = frozenset({1555, 2067})  # SQLITE_CONSTRAINT_PRIMARYKEY, _UNIQUE
_POSTGRES = {
    "40001": Transient.CONFLICT,  # serialization_failure
    "40P01": Transient.CONFLICT,  # deadlock_detected
    "23505": Transient.CONFLICT,  # unique_violation: two inserts raced for one key
    "55P03": Transient.BUSY,  # lock_not_available
}


def transient(exc: BaseException) -> Transient | None:
    """What kind of transient failure `exc` is, or None for any other error.

    A unique-key violation counts: run again, the loser sees the winner's row and either
    goes on (a counter) or gets the service's own Conflict; a true bug fails every time
    and ends as a 409, as before.
    """
    if isinstance(exc, PoolTimeout):
        return Transient.BUSY
    if not isinstance(exc, DBAPIError):
        return None
    driver = exc.orig
    code = getattr(driver, "sqlite_errorcode", None)
    if isinstance(code, int):
        if code & 0xFF in _SQLITE_BUSY:
            return Transient.BUSY
        unique = isinstance(exc, IntegrityError) and code in _SQLITE_UNIQUE
        return Transient.CONFLICT if unique else None
    sqlstate = getattr(driver, "sqlstate", None)
    return _POSTGRES.get(sqlstate) if isinstance(sqlstate, str) else None
