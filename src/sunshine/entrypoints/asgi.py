"""The ASGI app object for uvicorn (`sunshine serve`), with the server's background work."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI

from sunshine.billing.jobs import booking
from sunshine.entrypoints.web import create_app


@contextlib.asynccontextmanager
async def _lifespan(_app: FastAPI) -> AsyncIterator[None]:
    # Paid online orders are booked in batches just after their notifications are answered.
    booking.start_booker()
    try:
        yield
    finally:
        booking.stop_booker()


app = create_app()
app.router.lifespan_context = _lifespan
