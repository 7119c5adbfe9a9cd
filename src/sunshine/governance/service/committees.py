"""A community's committees and their members with terms."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.governance.models import Committee
from sunshine.governance.models import Member
from sunshine.governance.rules.committee import CommitteeMajority
from sunshine.governance.rules.committee import CommitteeSettings
from sunshine.governance.rules.decisions import MemberRole
from sunshine.infra import clock
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.kernel.errors import Problem
from sunshine.registry import service as registry
from sunshine.registry.rules import CommitteeKind

MAX_ANNOUNCE_DAYS = 60


def add_committee(
    session: Session,
    community_id: int,
    *,
    kind: CommitteeKind,
    name: str,
    formed_on: date,
    majority: CommitteeMajority = CommitteeMajority.HALF_OR_MORE,
    announce_within_days: int = 3,
) -> Committee:
    """A committee with its settings: 半数以上 by default, announced within 3 days."""
    problems = []
    if not name.strip() or len(name.strip()) > 80:
        problems.append(Problem("name", "a committee's name is 1 to 80 characters", {}, "name"))
    if not 0 <= announce_within_days <= MAX_ANNOUNCE_DAYS:
        problems.append(
            Problem("announce", "decisions are announced within 0 to 60 days", {}, "announce")
        )
    if problems:
        raise Invalid("the committee is refused", problems=problems)
    committee = Committee(
        community_id=community_id,
        kind=kind,
        name=name.strip(),
        formed_on=formed_on,
        majority=majority,
        announce_within_days=announce_within_days,
        created_at=clock.now(),
    )
    session.add(committee)
    session.flush()
    return committee


def get_committee(session: Session, community_id: int, committee_id: int) -> Committee:
    committee = session.get(Committee, (community_id, committee_id))
    if committee is None:
        raise NotFound("no committee {id} in this community", args={"id": committee_id})
    return committee


def list_committees(session: Session, community_id: int) -> list[Committee]:
    query = select(Committee).where(Committee.community_id == community_id)
    return list(session.scalars(query.order_by(Committee.formed_on, Committee.id)))


def settings_of(committee: Committee) -> CommitteeSettings:
    return CommitteeSettings(committee.majority, committee.announce_within_days)


def add_member(
    session: Session,
    community_id: int,
    committee_id: int,
    *,
    party_id: int,
    role: MemberRole = MemberRole.MEMBER,
    term_from: date,
    term_to: date | None = None,
    user_id: int | None = None,
) -> Member:
    """A member for a term; Conflict if the party already serves on it in that term."""
    get_committee(session, community_id, committee_id)
    registry.get_party(session, community_id, party_id)  # NotFound for a stranger
    if term_to is not None and term_to < term_from:
        raise Invalid("a term ends on or after the day it starts")
    overlapping = select(Member.id).where(
        Member.community_id == community_id,
        Member.committee_id == committee_id,
        Member.party_id == party_id,
        or_(Member.term_to.is_(None), Member.term_to >= term_from),
    )
    if term_to is not None:
        overlapping = overlapping.where(Member.term_from <= term_to)
    if session.scalar(overlapping) is not None:
        raise Conflict("this person already serves on the committee in that term")
    member = Member(
        community_id=community_id,
        committee_id=committee_id,
        party_id=party_id,
        user_id=user_id,
        role=role,
        term_from=term_from,
        term_to=term_to,
    )
    session.add(member)
    session.flush()
    return member


def end_term(session: Session, community_id: int, member_id: int, *, on: date) -> Member:
    member = session.get(Member, (community_id, member_id))
    if member is None:
        raise NotFound("no committee member {id} in this community", args={"id": member_id})
    if member.term_to is not None:
        raise Conflict("this member's term already ended on {on}", args={"on": member.term_to})
    if on < member.term_from:
        raise Invalid("a term ends on or after the day it starts")
    member.term_to = on
    session.flush()
    return member


def members_on(session: Session, community_id: int, committee_id: int, on: date) -> list[Member]:
    """The members serving on day `on` (a term includes its first and last day)."""
    query = select(Member).where(
        Member.community_id == community_id,
        Member.committee_id == committee_id,
        Member.term_from <= on,
        or_(Member.term_to.is_(None), Member.term_to >= on),
    )
    return list(session.scalars(query.order_by(Member.id)))


def member_names(session: Session, community_id: int, members: list[Member]) -> dict[int, str]:
    """Each member's name from the registry, by member number (for the committee page)."""
    return {m.id: registry.get_party(session, community_id, m.party_id).name for m in members}


def all_members(session: Session, community_id: int, committee_id: int) -> list[Member]:
    """Every member the committee ever had, serving or not, by member number."""
    query = select(Member).where(
        Member.community_id == community_id, Member.committee_id == committee_id
    )
    return list(session.scalars(query.order_by(Member.id)))
