"""A size limit on every request body, enforced while it streams in (ASGI middleware).

A body is refused with `BodyTooLarge` (413) the moment it is known to be too large: at
once when its Content-Length says so, before a byte of it is read; otherwise (chunked,
or a Content-Length that lies) as soon as the bytes received pass the limit. Nothing
larger than the limit is ever held in memory. The exception reaches the app's handler
(entrypoints/web.py), which answers in the project's error shape, or with a page.

Every route gets `request_max_bytes` (a setting, 1 MiB), except the few that take files,
which say how much they take with `@allow_body(...)` beneath the route decorator. The
limit is looked up when the route first reads its body, so routing has chosen the
endpoint by then; a route that never reads its body is not held up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from typing import TypeVar

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp
from starlette.types import Message
from starlette.types import Receive
from starlette.types import Scope
from starlette.types import Send

from sunshine.infra.settings import get_settings


class BodyTooLarge(HTTPException):
    """The request body is larger than `limit` bytes.

    An HTTPException, so that FastAPI passes it through as it is when it happens while
    reading the body (any other exception there becomes a 400).
    """

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=f"request body larger than {limit} bytes")
        self.limit = limit


Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])
FORM_OVERHEAD = 2**20  # the other fields and the multipart framing around a file


def allow_body(file_limit: Callable[[], int], *, times: int = 1) -> Callable[[Endpoint], Endpoint]:
    """Let a route that takes files read `times` files of `file_limit()` bytes, and the form.

    The limit is read per request, so a changed setting holds at once.
    """

    def mark(endpoint: Endpoint) -> Endpoint:
        endpoint.body_limit = lambda: times * file_limit() + FORM_OVERHEAD  # type: ignore[attr-defined]
        return endpoint

    return mark


def upload_max_bytes() -> int:
    """The most a form with several files may carry (setting SUNSHINE_UPLOAD_MAX_BYTES)."""
    return get_settings().upload_max_bytes


def limit_for(scope: Scope) -> int:
    """The largest body accepted for the routed request, in bytes."""
    limit = getattr(scope.get("endpoint"), "body_limit", None)
    return limit() if callable(limit) else get_settings().request_max_bytes


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class BodyLimit:
    """Wrap `receive` so that no request body larger than its limit gets through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _declared_length(scope)
        limit: int | None = None
        received = 0

        async def limited() -> Message:
            nonlocal limit, received
            if limit is None:  # the first read: the router has chosen the endpoint
                limit = limit_for(scope)
                if declared is not None and declared > limit:
                    raise BodyTooLarge(limit)  # before reading a byte of it
            message: dict[str, Any] = dict(await receive())
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, limited, send)
