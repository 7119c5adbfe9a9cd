"""What other parts put on the owners' board, without the board importing them (a port).

The disclosure board lists the latest announcements (公告) of governance, which disclosure
may not import. A part installs a named source here (the entrypoints do, once); the board
asks `latest` and gets plain items: title, day, where to read it, a tag, and whether it
came out late. No source installed: nothing listed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session


@dataclass(frozen=True, slots=True)
class BoardItem:
    title: str
    day: date
    href: str  # a path under /c/{code}/
    tag: str  # a label the template translates (an English message id)
    late: bool = False


Source = Callable[[Session, int, int], list[BoardItem]]  # (session, community id, limit)
_sources: dict[str, Source] = {}


def use_board_items(name: str, source: Source) -> None:
    """Install (or replace) the source called `name`."""
    _sources[name] = source


def latest(session: Session, community_id: int, limit: int = 5) -> list[BoardItem]:
    """The newest items of every source, newest first."""
    found = [item for source in _sources.values() for item in source(session, community_id, limit)]
    return sorted(found, key=lambda item: item.day, reverse=True)[:limit]
