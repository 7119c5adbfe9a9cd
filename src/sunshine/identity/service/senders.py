"""How one-time login codes reach a phone. Pluggable: development writes them to a log.

A real SMS gateway is a class with the same `send(phone, code)` method, registered in
`SENDERS` under the name that settings.code_sender selects.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from sunshine.infra import clock
from sunshine.infra.settings import get_settings


class CodeSender(Protocol):
    """Delivers a login code to a phone number."""

    def send(self, phone: str, code: str) -> None:
        """Deliver `code` to `phone`; raise on failure so the user is told."""


class LogSender:
    """Development sender: appends one JSON line per code to a file that `sunshine codes` shows."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def send(self, phone: str, code: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"at": clock.now().isoformat(), "phone": phone, "code": code})
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")

    def recent(self, limit: int = 20) -> list[dict[str, str]]:
        """The newest codes first."""
        if not self.path.exists():
            return []
        lines = self.path.read_text(encoding="utf-8").splitlines()[-limit:]
        return [json.loads(line) for line in reversed(lines) if line.strip()]


SENDERS: dict[str, Callable[[], CodeSender]] = {
    "log": lambda: LogSender(get_settings().code_log),
}


def configured_sender() -> CodeSender:
    """The sender named by settings.code_sender."""
    name = get_settings().code_sender
    if name not in SENDERS:
        raise RuntimeError(f"unknown code sender {name!r}; known: {', '.join(sorted(SENDERS))}")
    return SENDERS[name]()
