"""The 物管会's decisions in the demo: each budget, and the committee's signing key, rest on one.

Issue 14: one member alone no longer approves a budget by uploading a file. The 物管会
(`demo/service/committee.py`, four members) meets and decides, and the approval cites its
decision (`infra.authority`):

- 2024-08-28, at a meeting, all four present: the 2024—2025 budget (version 1), three in
  favour and one abstaining; announced on the owners' board two days later;
- each later trust year's budget likewise, on 28 August before its year begins;
- 2024-09-28, by written circulation: registering the committee's co-signing key, which
  the manager then confirms citing it.

The decisions are logged just before the step they authorise, so they sit before the
October 2024 notice's checkpoint and moved its fingerprint (docs/trust-model.md).
"""

from __future__ import annotations

from datetime import date
from datetime import timedelta

from sqlalchemy.orm import Session

from sunshine.demo.service.committee import find_committee
from sunshine.governance.rules.decisions import About
from sunshine.governance.rules.decisions import Subject
from sunshine.governance.rules.decisions import Way
from sunshine.governance.rules.tally import Choice
from sunshine.governance.service import committees
from sunshine.governance.service import decisions
from sunshine.infra.authority import Matter
from sunshine.infra.authority import budget_matter
from sunshine.infra.authority import signing_key_matter
from sunshine.kernel.periods import Period

ANNOUNCED_AFTER = timedelta(days=2)
KEY_DECIDED_ON = date(2024, 9, 28)


def _decide(
    session: Session,
    community_id: int,
    matter: Matter,
    *,
    title: str,
    on: date,
    way: Way,
    abstaining: int = 0,
    actor_id: int | None,
) -> str | None:
    """The 物管会's decision about `matter`, announced two days later: `decision:N`.

    All members are present; the last `abstaining` of them abstain, the rest agree.
    None in a community without the demo's committee (the budget then cites nothing and
    the community's requirement decides whether that is allowed).
    """
    committee = find_committee(session, community_id)
    if committee is None:
        return None
    about = About(Subject(matter.kind.value), matter.ref)
    existing = decisions.decisions_about(session, community_id, about.kind, about.ref)
    if existing:  # loading again: the decision stands
        return f"decision:{existing[0].id}"
    members = [m.id for m in committees.members_on(session, community_id, committee.id, on)]
    voting = len(members) - abstaining
    votes = {m: Choice.YES if i < voting else Choice.ABSTAIN for i, m in enumerate(members)}
    row = decisions.record_decision(
        session,
        community_id,
        committee.id,
        title=title,
        way=way,
        decided_on=on,
        present=members,
        votes=votes,
        actor_id=actor_id,
        about=about,
    )
    decisions.announce(session, community_id, row.id, on=on + ANNOUNCED_AFTER)
    return f"decision:{row.id}"


def budget_decision(
    session: Session, community_id: int, first: Period, *, actor_id: int | None
) -> str | None:
    """The meeting of 28 August approving the budget of the trust year from `first`."""
    return _decide(
        session,
        community_id,
        budget_matter(first.year, 1),
        title=f"批准{first.year}—{first.year + 1}年度预算",
        on=date(first.year, 8, 28),
        way=Way.MEETING,
        abstaining=1 if first == Period(2024, 9) else 0,
        actor_id=actor_id,
    )


def key_decision(
    session: Session, community_id: int, key_name: str, *, actor_id: int | None
) -> str | None:
    """The written circulation agreeing to register the committee's co-signing key."""
    return _decide(
        session,
        community_id,
        signing_key_matter(key_name),
        title="同意登记物管会公示联署密钥",
        on=KEY_DECIDED_ON,
        way=Way.CIRCULATION,
        actor_id=actor_id,
    )
