"""The ASGI app object for uvicorn (`sunshine serve`), with the server's background work."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import AsyncIterator

import anyio
from anyio.lowlevel import current_token
from fastapi import FastAPI

from sunshine.billing.jobs import booking
from sunshine.entrypoints.web import create_app


@contextlib.asynccontextmanager
async def _lifespan(_app: FastAPI) -> AsyncIterator[None]:
    # Paid online orders are booked in batches just after their notifications are answered:
    # on SQLite in a thread taking the writer turns on this loop with the requests
    # (infra.turns), on PostgreSQL in a process of its own.
    booking.start_booker(current_token(), own_process=True)
    # What start-up built (modules, the app, the ORM's mappings) lives as long as the server:
    # out of the collector's sight, a full collection walks only what requests made since,
    # a few ms instead of 70-150 ms with every request waiting (bench/RESULTS.md).
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        # From a thread: the booker may be waiting for a turn, which this loop hands out.
        await anyio.to_thread.run_sync(booking.stop_booker)


app = create_app()
app.router.lifespan_context = _lifespan
