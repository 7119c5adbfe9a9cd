"""Ask governance whether a step rests on the committee's decision, or on the owners' vote.

Approving a budget or its revision, co-signing a month's close, confirming a member's
signing key and paying an expense above the approval limit are steps the product asks a
committee decision for (issue 14). Disclosure, the ledger and transparency take those
steps but sit below governance and may not import it, so they call `authorise` here with
the matter (`budget:2024/v1`, `month_close:2024-10`, `signing_key:jcdy-committee-m3-1`,
`expense:12`) and the authority the user cites (`decision:7`, or `vote:3/2` for matter 2
of an owners' vote). A fee change (`fee_change:GARBAGE/2025-01-01`, billing's new rate)
and a change of trustee (`trustee:2025-01-01`, the registry's) are asked the same way,
but governance requires a decision for them only where a community switches that on;
a change of use of common parts (`common_parts:…`) may cite one likewise. The root
command, the app factory and the tests install governance's check (`use_authority`):
whether the community requires a decision for that kind of matter, that the cited
decision exists, was adopted and is about this very matter (or that the vote's matter
passed), and the link recorded and logged.

Without an installed check nothing can be authorised: `authorise` raises RuntimeError,
as `tenancy.resolve` does without its lookup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

from sunshine.kernel.periods import Period

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


class MatterKind(StrEnum):
    """The kinds of step a community may require a committee decision for."""

    BUDGET = "budget"  # approving a budget or a revision: ref YEAR/vN
    EXPENSE = "expense"  # paying an expense above the approval limit: ref its number
    MONTH_CLOSE = "month_close"  # co-signing a month's close: ref YYYY-MM
    SIGNING_KEY = "signing_key"  # registering (confirming) a member's signing key: its name
    # Asked only where a community switches them on (governance's defaults say off):
    FEE_CHANGE = "fee_change"  # a charge item's new rate: ref ITEM/YYYY-MM-DD (its first day)
    TRUSTEE = "trustee"  # hiring or dismissing the trustee: ref YYYY-MM-DD (its first day)
    # a change of use of common parts, say a close-the-gap lever (visitor parking charges,
    # advertising): ref USE/YYYY-MM-DD (`advertising/2025-01-01`, the day it starts)
    COMMON_PARTS = "common_parts"


@dataclass(frozen=True, slots=True)
class Matter:
    """One step asking for authority: its kind and which one."""

    kind: MatterKind
    ref: str

    def text(self) -> str:
        return f"{self.kind.value}:{self.ref}"


def budget_matter(year: int, version: int) -> Matter:
    """Approving version `version` of the budget whose year starts in `year`."""
    return Matter(MatterKind.BUDGET, f"{year}/v{version}")


def month_close_matter(period: Period) -> Matter:
    return Matter(MatterKind.MONTH_CLOSE, str(period))


def signing_key_matter(name: str) -> Matter:
    return Matter(MatterKind.SIGNING_KEY, name)


def expense_matter(number: int) -> Matter:
    return Matter(MatterKind.EXPENSE, str(number))


def trustee_matter(effective_from: date) -> Matter:
    """Hiring (or dismissing) the community's trustee from `effective_from` on."""
    return Matter(MatterKind.TRUSTEE, effective_from.isoformat())


def common_parts_matter(use: str, effective_from: date) -> Matter:
    """Putting common parts to `use` (`visitor_parking`, `advertising`) from a day on."""
    return Matter(MatterKind.COMMON_PARTS, f"{use}/{effective_from.isoformat()}")


def fee_change_matter(item_code: str, effective_from: date) -> Matter:
    """Changing charge item `item_code`'s rate from `effective_from` on (`6004/2025-01-01`)."""
    return Matter(MatterKind.FEE_CHANGE, f"{item_code}/{effective_from.isoformat()}")


# (session, community, matter, cited authority or None, acting user) -> the authority linked
Check = Callable[["Session", int, Matter, str | None, int | None], str | None]
# (session, community, matter) -> the authority linked to it, if any
Find = Callable[["Session", int, Matter], str | None]
_check: list[Check] = []
_find: list[Find] = []


def use_authority(check: Check, find: Find) -> None:
    """Install governance's check and its lookup of links (done by entrypoints)."""
    _check[:] = [check]
    _find[:] = [find]


def authorise(
    session: Session,
    community_id: int,
    matter: Matter,
    authority: str | None,
    *,
    actor_id: int | None,
) -> str | None:
    """Check that `authority` authorises `matter` and record the link (caller's transaction).

    Returns the authority linked, or None where the community does not require one and
    none was cited. Raises Invalid when the community requires a decision and the
    citation is missing, unknown, not adopted or about another matter.
    """
    if not _check:
        raise RuntimeError("no authority check installed; entrypoints installs governance's")
    return _check[0](session, community_id, matter, authority, actor_id)


def authorised_by(session: Session, community_id: int, matter: Matter) -> str | None:
    """The decision or vote linked to `matter` (`decision:7`, `vote:3/2`), or None."""
    if not _find:
        return None
    return _find[0](session, community_id, matter)


def authority_href(code: str, authority: str | None) -> str | None:
    """Where owners read a cited authority: the decision's page, or the vote's."""
    if authority is None:
        return None
    kind, _, rest = authority.partition(":")
    if kind == "decision" and rest.isdigit():
        return f"/c/{code}/decisions/{rest}"
    if kind == "vote":
        number = rest.partition("/")[0]
        return f"/c/{code}/votes/{number}" if number.isdigit() else None
    return None
