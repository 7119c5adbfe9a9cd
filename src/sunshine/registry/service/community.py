"""Use cases of the registry: communities (the tenants), found by code, and their counts.

Functions take a session, never commit, and raise kernel errors with every problem
found; every query is scoped by community_id. The other use cases are in `units`,
`people` and `vehicles`; `service/__init__.py` re-exports them all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.identity import service as identity
from sunshine.identity.rules import Role
from sunshine.infra import clock
from sunshine.infra.db import TenantKeyed
from sunshine.infra.tenancy import CommunityRef
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.kernel.errors import Problem
from sunshine.registry import rules
from sunshine.registry.models import Building
from sunshine.registry.models import Community
from sunshine.registry.models import Ownership
from sunshine.registry.models import ParkingSpace
from sunshine.registry.models import Unit
from sunshine.registry.models import Vehicle


@dataclass(frozen=True, slots=True)
class CommunityDraft:
    """The facts a community is created with."""

    code: str
    name: str
    city: str
    district: str
    street: str
    neighbourhood: str
    committee_kind: rules.CommitteeKind
    name_en: str = ""
    address: str = ""
    built_year: int | None = None
    trustee_company: str = ""
    trustee_since: date | None = None


@dataclass(frozen=True, slots=True)
class CommunitySummary:
    """What the community home page shows."""

    community: Community
    buildings: int
    units: int
    households: int  # residential units
    owners: int
    vehicles: int
    resident_spaces: int
    visitor_spaces: int


# Each text field's column width; the code also makes the community's web address.
_WIDTHS = {
    "code": 32,
    "name": 80,
    "name_en": 120,
    "city": 40,
    "district": 40,
    "street": 40,
    "neighbourhood": 40,
    "address": 200,
    "trustee_company": 120,
}
_CODE = re.compile(r"[a-z0-9][a-z0-9-]{0,31}")
_REQUIRED = ("code", "name", "city", "district", "street", "neighbourhood")


def create_community(session: Session, draft: CommunityDraft) -> Community:
    """Register a new community (tenant); Invalid with every problem of the draft.

    Every edge creates one here (`sunshine community create`, /admin/communities, the
    API, the demo), so each new community is watched at once by its street office's
    supervisors (`grant_area_supervisors`); the city supervisor's role is city-wide.
    """
    problems = draft_problems(draft)
    if not problems and find_community(session, draft.code):
        problems.append(
            Problem(
                "code_taken", "the community code {code} is taken", {"code": draft.code}, "code"
            )
        )
    if problems:
        raise Invalid("the community was not created", problems=problems)
    community = Community(
        code=draft.code.strip().lower(),
        name=draft.name.strip(),
        name_en=draft.name_en.strip(),
        city=draft.city.strip(),
        district=draft.district.strip(),
        street=draft.street.strip(),
        neighbourhood=draft.neighbourhood.strip(),
        address=draft.address.strip(),
        built_year=draft.built_year,
        trustee_company=draft.trustee_company.strip(),
        trustee_since=draft.trustee_since,
        committee_kind=draft.committee_kind,
        created_at=clock.now(),
    )
    session.add(community)
    session.flush()
    grant_area_supervisors(session, community)
    return community


def grant_area_supervisors(session: Session, community: Community) -> frozenset[int]:
    """Give the supervisors of the community's street office their role on it; their ids.

    The area is the street office (city, district, street), whose supervisors hold the
    supervisor role on each of its communities; each grant is logged by identity.
    """
    neighbours = select(Community.id).where(
        Community.city == community.city,
        Community.district == community.district,
        Community.street == community.street,
        Community.id != community.id,
    )
    supervisors = identity.holders_of(session, session.scalars(neighbours), Role.SUPERVISOR)
    for user_id in sorted(supervisors):
        identity.grant_role(
            session, user_id=user_id, community_id=community.id, role=Role.SUPERVISOR
        )
    return supervisors


def draft_problems(draft: CommunityDraft) -> list[Problem]:
    """What is wrong with a new community's facts: missing, too long, a bad code or year."""
    problems = [
        Problem("required", "{field} is required", {"field": name}, name)
        for name in _REQUIRED
        if not getattr(draft, name).strip()
    ]
    problems += [
        Problem(
            "too_long",
            "{field} may have at most {limit} characters",
            {"field": name, "limit": limit},
            name,
        )
        for name, limit in _WIDTHS.items()
        if len(getattr(draft, name).strip()) > limit
    ]
    code = draft.code.strip().lower()
    if code and len(code) <= _WIDTHS["code"] and not _CODE.fullmatch(code):
        problems.append(
            Problem(
                "code_ascii",
                "the community code {code} must use Latin letters, digits and dashes",
                {"code": draft.code[:40]},
                "code",
            )
        )
    this_year = clock.today().year
    if draft.built_year is not None and not 1900 <= draft.built_year <= this_year:
        problems.append(
            Problem(
                "built_year",
                "the year built must be between 1900 and {year}",
                {"year": this_year},
                "built_year",
            )
        )
    return problems


def find_community(session: Session, code: str) -> Community | None:
    return session.scalar(select(Community).where(Community.code == code.strip().lower()))


def community_ref(session: Session, code: str) -> CommunityRef | None:
    """The lookup other parts use through infra.tenancy (they may not import registry)."""
    row = session.execute(
        select(Community.id, Community.code, Community.name, Community.public_disclosure).where(
            Community.code == code.strip().lower()
        )
    ).first()
    return None if row is None else CommunityRef(*row)


def ref_of(community: Community) -> CommunityRef:
    """The community as other parts see it, its public disclosure (公开披露) included."""
    return CommunityRef(community.id, community.code, community.name, community.public_disclosure)


def community_refs(session: Session) -> list[CommunityRef]:
    """Every community as other parts see it, by code (listed through infra.tenancy)."""
    rows = session.execute(
        select(Community.id, Community.code, Community.name, Community.public_disclosure).order_by(
            Community.code
        )
    )
    return [CommunityRef(cid, code, name, public) for cid, code, name, public in rows]


def get_community(session: Session, code: str) -> Community:
    """The community with this code. Raises NotFound."""
    community = find_community(session, code)
    if community is None:
        raise NotFound("there is no community {code}", args={"code": code})
    return community


def list_communities(session: Session, ids: frozenset[int] | None = None) -> list[Community]:
    """Communities by name; only `ids` when given (None: all)."""
    query = select(Community).order_by(Community.name)
    if ids is not None:
        query = query.where(Community.id.in_(ids))
    return list(session.scalars(query))


def summarise(session: Session, community: Community) -> CommunitySummary:
    """Counts for the community home page."""
    cid = community.id

    def count(model: type[TenantKeyed], *where: ColumnElement[bool]) -> int:
        query = select(func.count()).select_from(model).where(model.community_id == cid, *where)
        return session.scalar(query) or 0

    return CommunitySummary(
        community=community,
        buildings=count(Building),
        units=count(Unit),
        households=count(Unit, Unit.use == rules.UnitUse.RESIDENTIAL),
        owners=session.scalar(
            select(func.count(func.distinct(Ownership.party_id))).where(
                Ownership.community_id == cid
            )
        )
        or 0,
        vehicles=count(Vehicle),
        resident_spaces=count(ParkingSpace, ParkingSpace.kind == rules.SpaceKind.RESIDENT),
        visitor_spaces=count(ParkingSpace, ParkingSpace.kind == rules.SpaceKind.VISITOR),
    )
