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
from sunshine.infra import checkpoints


@contextlib.asynccontextmanager
async def _lifespan(_app: FastAPI) -> AsyncIterator[None]:
    # On SQLite, the log is copied back into the database by a thread of its own, not in
    # whichever request's commit finds it long (infra.checkpoints); before the booker
    # starts, so that its commits leave it too.
    checkpointer = checkpoints.checkpoint_beside_the_server()
    # Paid online orders are booked in a process of its own, in chunks, in the
    # notifications' pauses (billing.jobs.booking).
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
        if checkpointer is not None:
            await anyio.to_thread.run_sync(checkpointer.stop)


app = create_app()
app.router.lifespan_context = _lifespan
