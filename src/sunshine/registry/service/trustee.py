"""The community's trustee (受托人, the property company): hiring a new one, or dismissing it.

The registry keeps who the trustee is and since when (`trustee_company`,
`trustee_since`); the community sets them when it is created. Hiring or dismissing the
trustee is the owners' decision (Civil Code art. 278 item 4), so a change may cite the
vote (`vote:V/M`) or committee decision (`decision:N`) that decided it; the citation is
checked and linked through `infra.authority` (matter `trustee:YYYY-MM-DD`, the day the
change takes effect), and a community that requires one refuses a change without it.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from sunshine.infra.authority import authorise
from sunshine.infra.authority import authorised_by
from sunshine.infra.authority import trustee_matter
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import Problem
from sunshine.registry.models import Community

COMPANY_WIDTH = 120


def change_trustee(
    session: Session,
    community_id: int,
    *,
    company: str,
    since: date,
    authority: str | None = None,
    actor_id: int | None = None,
) -> Community:
    """Record `company` as the trustee from `since` on ("" : dismissed, none since then).

    Refused (Invalid) for a day before the present trustee's start, a name too long, the
    same trustee again, or an authority that does not fit (`infra.authority`).
    """
    community = session.get(Community, community_id)
    if community is None:
        raise Invalid("there is no community {id}", args={"id": community_id})
    name = company.strip()
    problems: list[Problem] = []
    if len(name) > COMPANY_WIDTH:
        problems.append(
            Problem("too_long", "at most {max} characters", {"max": COMPANY_WIDTH}, "company")
        )
    if name == community.trustee_company:
        problems.append(Problem("same_trustee", "this is the trustee already", where="company"))
    if community.trustee_since is not None and since <= community.trustee_since:
        problems.append(
            Problem(
                "before_trustee",
                "the change must come after the present trustee's start on {day}",
                {"day": community.trustee_since.isoformat()},
                "since",
            )
        )
    if problems:
        raise Invalid("the trustee was not changed", problems=problems)
    authorise(session, community_id, trustee_matter(since), authority, actor_id=actor_id)
    community.trustee_company, community.trustee_since = name, since
    session.flush()
    return community


def trustee_authority(session: Session, community: Community) -> str | None:
    """The vote or decision the present trustee's hiring (or the dismissal) cites, if any."""
    if community.trustee_since is None:
        return None
    return authorised_by(session, community.id, trustee_matter(community.trustee_since))
