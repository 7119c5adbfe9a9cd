"""The ASGI app object for uvicorn (`sunshine serve`)."""

from __future__ import annotations

from sunshine.entrypoints.web import create_app

app = create_app()
