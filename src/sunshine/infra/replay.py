"""Every HTTP request as a unit of work, run again when it meets a transient database failure.

One mechanism for every route. This ASGI middleware sits outside the app's other
middleware (the body limit and the locale middleware run again on each attempt) and,
for each request:

1. makes it a unit of work (`infra.work`): unsafe methods write, so their transactions
   take SQLite's write lock when they begin (and `infra.web.DbSession` lets one writing
   request at a time into the database on SQLite, waiting without a thread);
2. keeps the body's messages as the app reads them (the body limit inside has bounded
   them), to give them again to the next attempt;
3. when the app raises a transient failure (SQLite busy, a PostgreSQL deadlock or
   serialization failure, a lost unique-key race), runs the whole request again with
   the same body after a short jittered pause, as a writer from the start.

It runs a request again only if nothing went out yet and nothing was committed: the
edges commit once, so the failed attempt left nothing behind and the next one cannot
book twice. The app's error handlers (entrypoints/web.py) re-raise a transient failure
while `Work.may_run_again()` holds and answer 503 or 409 once it does not, so the last
attempt's answer is a clear message, never a 500.
"""

from __future__ import annotations

import logging

import anyio
from starlette.types import ASGIApp
from starlette.types import Message
from starlette.types import Receive
from starlette.types import Scope
from starlette.types import Send

from sunshine.infra import work as units
from sunshine.infra.settings import get_settings

log = logging.getLogger(__name__)
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class _RecordedBody:
    """The request body's messages, kept as the app reads them so an attempt can replay them."""

    def __init__(self, receive: Receive) -> None:
        self._receive = receive
        self._seen: list[Message] = []

    def replay(self) -> Receive:
        """A `receive` for one attempt: what earlier attempts read, then the client's rest."""
        position = 0

        async def receive() -> Message:
            nonlocal position
            if position < len(self._seen):
                position += 1
                return self._seen[position - 1]
            message = await self._receive()
            if message["type"] == "http.request":
                self._seen.append(message)
                position += 1
            return message

        return receive


class _Started:
    """Whether this attempt's response has begun to go out (then it is too late to retry)."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.started = False

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.started = True
        await self._send(message)


class ReplayTransientFailures:
    """ASGI middleware: each HTTP request a unit of work, run again on a transient failure."""

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
        body = _RecordedBody(receive)
        with units.unit_of_work(work):
            for _ in range(work.attempts):
                pause = await self._attempt(scope, body.replay(), send, work)
                if pause is None:
                    return
                await anyio.sleep(pause)  # jittered: the requests that collided spread out

    async def _attempt(
        self, scope: Scope, receive: Receive, send: Send, work: units.Work
    ) -> float | None:
        """Run the app once; None when done, else the pause before the next attempt."""
        sent = _Started(send)
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
