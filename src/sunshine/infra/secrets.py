"""The server's own secret key, for keyed hashes of short-lived secrets (login codes).

Taken from settings.secret_key (SUNSHINE_SECRET_KEY) when set, else from
var/keys/server-secret, which is made on first use: 32 random bytes, readable by the
server's user only. It never enters the database, so a copy of the database alone does
not let anyone test the million possible codes against a stored hash.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path

from sunshine.infra.settings import get_settings

MIN_BYTES = 16
_FILE = ("keys", "server-secret")


def server_secret() -> bytes:
    """The secret: configured, or read from (or first written to) the var folder."""
    settings = get_settings()
    if settings.secret_key:
        configured = settings.secret_key.encode()
        if len(configured) < MIN_BYTES:
            raise RuntimeError(f"SUNSHINE_SECRET_KEY needs at least {MIN_BYTES} characters")
        return configured
    path = settings.var_dir.joinpath(*_FILE)
    if not path.exists():
        _make(path)
    secret = path.read_bytes()
    if len(secret) < MIN_BYTES:
        raise RuntimeError(f"{path} holds fewer than {MIN_BYTES} bytes")
    return secret


def _make(path: Path) -> None:
    """Write a new secret whole, then link it into place: a second process keeps the first's."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent)  # mode 0600
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(secrets.token_bytes(32))
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        os.unlink(temporary)  # noqa: PTH108 - a str from mkstemp
