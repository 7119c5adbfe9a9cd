"""The ASGI app object for uvicorn (`sunshine serve`), with the server's background work."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import anyio
from anyio.lowlevel import current_token
from fastapi import FastAPI

from sunshine.billing.jobs import booking
from sunshine.entrypoints.web import create_app


@contextlib.asynccontextmanager
async def _lifespan(_app: FastAPI) -> AsyncIterator[None]:
    # Paid online orders are booked in batches just after their notifications are answered,
    # taking SQLite's writer turns on this loop with the requests (infra.turns).
    booking.start_booker(current_token())
    try:
        yield
    finally:
        # From a thread: the booker may be waiting for a turn, which this loop hands out.
        await anyio.to_thread.run_sync(booking.stop_booker)


app = create_app()
app.router.lifespan_context = _lifespan
