"""Sections other parts add to every notice, without the notice knowing their internals.

A part that has something to publish for a period (billing's arrears and collection
rates, banking's reconciliation, governance's approvals and votes, disclosure's own
budget vs actual) offers a function `(session, community_id, first, last) -> Section |
None`; the app registers it here once at start-up (entrypoints), in the order the
notice shows them. Parts beside or above disclosure never import it: they only return
`kernel.sections.Section`.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from sunshine.kernel.periods import Period
from sunshine.kernel.sections import Section

Contributor = Callable[[Session, int, Period, Period], Section | None]
_contributors: dict[str, Contributor] = {}


def register(key: str, contributor: Contributor) -> None:
    """Add (or replace) the section `key`; notices list sections in registration order."""
    _contributors[key] = contributor


def registered() -> list[str]:
    return list(_contributors)


def contributed_sections(
    session: Session, community_id: int, *, first: Period, last: Period
) -> tuple[Section, ...]:
    """Every registered part's section for the span, skipping parts with nothing to say."""
    found: list[Section] = []
    for key, contributor in _contributors.items():
        section = contributor(session, community_id, first, last)
        if section is None:
            continue
        if section.key != key:
            raise ValueError(f"the contributor registered as {key} returned section {section.key}")
        found.append(section)
    return tuple(found)
