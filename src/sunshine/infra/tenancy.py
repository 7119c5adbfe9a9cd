"""Find a community by its code from any part, including those below registry.

Registry owns communities, but ledger, transparency and identity sit beside or below it
and may not import it. The root command and the app factory install registry's lookup
here once (`use_lookup`); pages, API routes and commands of every part then resolve a
`{code}` through `resolve` and get a small `CommunityRef`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sunshine.kernel.errors import NotFound

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@dataclass(frozen=True, slots=True)
class CommunityRef:
    """Who a community is, as far as other parts need to know."""

    id: int
    code: str
    name: str
    # Its public disclosure (公开披露) is on: anyone may read its public notices
    # (identity.authorize gives the public reading right). Off unless registry says so.
    disclosure_public: bool = False

    @property
    def origin(self) -> str:
        """The name of the community's transparency log."""
        return f"sunshine/{self.code}"


Lookup = Callable[["Session", str], CommunityRef | None]
Listing = Callable[["Session"], list[CommunityRef]]
_lookup: Lookup | None = None
_listing: Listing | None = None


def use_lookup(lookup: Lookup, *, every: Listing | None = None) -> None:
    """Install registry's lookup, and its list of every community (done by entrypoints)."""
    global _lookup, _listing  # noqa: PLW0603 - one lookup per process, installed at start-up
    _lookup = lookup
    if every is not None:
        _listing = every


def every_community(session: Session) -> list[CommunityRef]:
    """Every community, by code (scheduled jobs that visit each community's data)."""
    if _listing is None:
        raise RuntimeError("no community listing installed; entrypoints installs registry's")
    return _listing(session)


def resolve(session: Session, code: str) -> CommunityRef:
    """The community with this code. Raises NotFound."""
    if _lookup is None:
        raise RuntimeError("no community lookup installed; entrypoints installs registry's")
    found = _lookup(session, code.strip().lower())
    if found is None:
        raise NotFound("there is no community {code}", args={"code": code})
    return found
