"""Every HTTP request as a unit of work: writers admitted in turn, run again on a transient failure.

One mechanism for every route. This ASGI middleware sits outside the app's other
middleware and, for each request:

1. makes it a unit of work (`infra.work`): unsafe methods write, so their transactions
   take SQLite's write lock when they begin;
2. reads the whole body first, so that a slow client holds no lock while it uploads;
3. on SQLite, admits one writing request at a time per process, waiting without a
   thread, until its response starts. A writer holds the lock from its first query (in
   a dependency) and hops between worker threads until it ends; were the writers to
   queue inside SQLite, each waiting in a worker thread, they could take every thread
   the lock's holder needs to go on. Readers pass them under WAL. (No more requests use
   the database at once than the pool has connections: `infra.web.DbSession`.)
4. when the app raises a transient failure (SQLite busy, a PostgreSQL deadlock or
   serialization failure, a lost unique-key race), runs the whole request again with
   the same body after a short jittered pause, as a writer from the start.

It runs a request again only if nothing went out yet and nothing was committed: the
edges commit once, so the failed attempt left nothing behind and the next one cannot
book twice. The app's error handlers (entrypoints/web.py) re-raise a transient failure
while `Work.may_run_again()` holds and answer 503 or 409 once it does not, so the last
attempt's answer is a clear message, never a 500.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from collections.abc import Callable

import anyio
import anyio.lowlevel
from starlette.types import ASGIApp
from starlette.types import Message
from starlette.types import Receive
from starlette.types import Scope
from starlette.types import Send

from sunshine.infra import db
from sunshine.infra import work as units
from sunshine.infra.settings import get_settings

log = logging.getLogger(__name__)
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


# A semaphore belongs to an event loop (a test client may run each request in a new one).
_WRITER: anyio.lowlevel.RunVar[anyio.Semaphore] = anyio.lowlevel.RunVar("sunshine_writer")


class _Turn:
    """A writer's turn, given back once: when its response starts, or at the end."""

    def __init__(self, turns: anyio.Semaphore | None) -> None:
        self._turns = turns

    def release(self) -> None:
        if self._turns is not None:
            self._turns.release()
            self._turns = None


@contextlib.asynccontextmanager
async def _admitted(*, writes: bool) -> AsyncIterator[_Turn]:
    """Wait (without a thread) for this process's turn to write, if the database has one writer."""
    if not (writes and db.single_writer()):
        yield _Turn(None)
        return
    try:
        turns = _WRITER.get()
    except LookupError:
        turns = anyio.Semaphore(1)  # FIFO: writers go in the order they came
        _WRITER.set(turns)
    await turns.acquire()
    turn = _Turn(turns)
    try:
        yield turn
    finally:
        turn.release()


class _Started:
    """Whether this attempt's response has begun to go out (then it is too late to retry)."""

    def __init__(self, send: Send, on_start: Callable[[], None]) -> None:
        self._send = send
        self._on_start = on_start
        self.started = False

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.started = True
            self._on_start()  # the work is done: the next writer need not wait for the client
        await self._send(message)


class ReplayTransientFailures:
    """ASGI middleware: each HTTP request a unit of work, admitted in turn, run again if need be."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        settings = get_settings()
        work = units.Work(
            writes=scope["method"] in UNSAFE_METHODS,
            sticky=False,
            attempts=max(1, settings.request_attempts),
            retry_seconds=settings.request_retry_seconds,
        )
        body = await _read_body(receive)
        with units.unit_of_work(work):
            while True:
                async with _admitted(writes=work.writes) as turn:
                    sent = _Started(send, turn.release)
                    pause = await self._attempt(scope, _replay(body, receive), sent, work)
                if pause is None:
                    return
                await anyio.sleep(pause)

    async def _attempt(
        self, scope: Scope, receive: Receive, sent: _Started, work: units.Work
    ) -> float | None:
        """Run the app once; None when done, else the pause before the next attempt."""
        try:
            await self.app({**scope, "state": dict(scope.get("state", {}))}, receive, sent)
        except Exception as exc:
            failure = units.transient(exc)
            if failure is None or sent.started or not work.may_run_again():
                raise
            pause = work.again()
            log.warning(
                "replaying %s %s (attempt %d) after a transient failure (%s): %s",
                scope["method"],
                scope["path"],
                work.attempt,
                failure,
                type(exc.__cause__ or exc).__name__,
            )
            return pause
        return None


async def _read_body(receive: Receive) -> list[Message]:
    """Every message of the request's body, read before the request is admitted."""
    messages: list[Message] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body", False):
            return messages


def _replay(body: list[Message], receive: Receive) -> Receive:
    """A `receive` for one attempt: the body again, then the client's own (a disconnect)."""
    pending = iter(body)

    async def replayed() -> Message:
        return next(pending, None) or await receive()

    return replayed
