"""Use cases of the registry: people (parties), who owns which unit, who lives where.

Also the views of them that pages need: every party with its units, every unit's
owners, and a viewer's own household (matched by the login linked to the party).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.kernel.errors import Problem
from sunshine.registry import rules
from sunshine.registry.models import Ownership
from sunshine.registry.models import Party
from sunshine.registry.models import Residency
from sunshine.registry.models import Unit
from sunshine.registry.models import Vehicle
from sunshine.registry.service.units import get_unit


def add_party(
    session: Session,
    community_id: int,
    *,
    name: str,
    phone: str = "",
    kind: rules.PartyKind = rules.PartyKind.PERSON,
    id_number: str = "",
    is_developer: bool = False,
    note: str = "",
) -> Party:
    """Add a person or organisation (owner, resident, developer).

    A person's resident ID number, where given, must be valid (`rules.id_number_problems`).
    """
    phone = rules.normalise_phone(phone) if phone else ""
    problems = rules.length_problems(name=name, id_number=id_number, note=note)
    if kind == rules.PartyKind.PERSON:
        problems += rules.id_number_problems(id_number)
    if not name.strip():
        problems.append(Problem("name_empty", "the name is empty", where="name"))
    if phone:
        problems.extend(rules.phone_problems(phone))
    if problems:
        raise Invalid("the person was not added", problems=problems)
    party = Party(
        community_id=community_id,
        kind=kind,
        name=name.strip(),
        phone=phone,
        id_number=rules.clean_id_number(id_number)
        if kind == rules.PartyKind.PERSON
        else id_number.strip(),
        is_developer=is_developer,
        note=note.strip(),
    )
    session.add(party)
    session.flush()
    return party


def link_login(session: Session, community_id: int, *, party_id: int, user_id: int) -> Party:
    """Link a person to the login they use, so that they see their own household."""
    party = get_party(session, community_id, party_id)
    party.user_id = user_id
    session.flush()
    return party


def get_party(session: Session, community_id: int, party_id: int) -> Party:
    """The party with this id in this community. Raises NotFound."""
    party = session.get(Party, (community_id, party_id))
    if party is None:
        raise NotFound("person {id} does not exist", args={"id": party_id})
    return party


def parties_of_user(session: Session, community_id: int, user_id: int) -> list[int]:
    """The ids of the people here whose login is this user (Party.user_id)."""
    query = select(Party.id).where(Party.community_id == community_id, Party.user_id == user_id)
    return list(session.scalars(query.order_by(Party.id)))


def find_party_by_phone(session: Session, community_id: int, phone: str) -> Party | None:
    return session.scalar(
        select(Party)
        .where(Party.community_id == community_id, Party.phone == phone)
        .order_by(Party.id)
        .limit(1)
    )


def set_owner(
    session: Session,
    community_id: int,
    *,
    unit_id: int,
    party_id: int,
    share_percent: int = 100,
    designated_voter: bool = True,
    registered: bool = True,
    since_on: date | None = None,
) -> Ownership:
    """Record that a party owns (a share of) a unit; shares of one unit may not pass 100%.

    Co-owners are one person for votes (LAW.md 1): exactly one of them is the designated voter.
    """
    get_unit(session, community_id, unit_id)
    get_party(session, community_id, party_id)
    others = [o for o in owners_of(session, community_id, unit_id) if o.party_id != party_id]
    problems: list[Problem] = []
    if not 0 < share_percent <= 100 or sum(o.share_percent for o in others) + share_percent > 100:
        problems.append(
            Problem(
                "share_total",
                "the owners' shares of a unit must add up to at most 100%",
                where="share_percent",
            )
        )
    if problems:
        raise Invalid("the ownership was not recorded", problems=problems)
    if designated_voter:
        for other in others:
            other.is_designated_voter = False
    ownership = session.get(Ownership, (community_id, unit_id, party_id)) or Ownership(
        community_id=community_id, unit_id=unit_id, party_id=party_id
    )
    ownership.share_percent = share_percent
    ownership.is_designated_voter = designated_voter or not others
    ownership.registered = registered
    ownership.since_on = since_on
    session.add(ownership)
    session.flush()
    return ownership


def owners_of(session: Session, community_id: int, unit_id: int) -> list[Ownership]:
    return list(
        session.scalars(
            select(Ownership).where(
                Ownership.community_id == community_id, Ownership.unit_id == unit_id
            )
        )
    )


def units_of_party(session: Session, community_id: int, party_id: int) -> list[Unit]:
    """The units a party owns or lives in."""
    owned = select(Ownership.unit_id).where(
        Ownership.community_id == community_id, Ownership.party_id == party_id
    )
    lived = select(Residency.unit_id).where(
        Residency.community_id == community_id, Residency.party_id == party_id
    )
    query = (
        select(Unit)
        .where(Unit.community_id == community_id, Unit.id.in_(owned.union(lived)))
        .order_by(Unit.number)
    )
    return list(session.scalars(query))


def add_resident(
    session: Session,
    community_id: int,
    *,
    unit_id: int,
    party_id: int,
    kind: rules.ResidentKind,
    since_on: date | None = None,
) -> Residency:
    """Record that a party lives in a unit (owner, family member or tenant)."""
    get_unit(session, community_id, unit_id)
    get_party(session, community_id, party_id)
    residency = session.get(Residency, (community_id, unit_id, party_id)) or Residency(
        community_id=community_id, unit_id=unit_id, party_id=party_id
    )
    residency.kind = kind
    residency.since_on = since_on
    session.add(residency)
    session.flush()
    return residency


@dataclass(frozen=True, slots=True)
class PartyUnits:
    """A party with the numbers of the units it owns and lives in."""

    party: Party
    owned: list[str]
    lived: list[str]


@dataclass(frozen=True, slots=True)
class HouseholdUnit:
    """One unit of a viewer's own household, with its vehicles."""

    unit: Unit
    share_percent: int | None  # None: lives there without owning it
    resident_kind: rules.ResidentKind | None
    vehicles: list[Vehicle]


def owners_by_unit(session: Session, community_id: int) -> dict[int, list[tuple[Ownership, Party]]]:
    """Every unit's owners with their parties, keyed by unit id."""
    query = (
        select(Ownership, Party)
        .join(
            Party,
            (Party.community_id == Ownership.community_id) & (Party.id == Ownership.party_id),
        )
        .where(Ownership.community_id == community_id)
        .order_by(Ownership.unit_id, Ownership.share_percent.desc(), Party.id)
    )
    result: dict[int, list[tuple[Ownership, Party]]] = {}
    for ownership, party in session.execute(query):
        result.setdefault(ownership.unit_id, []).append((ownership, party))
    return result


def residents_of(
    session: Session, community_id: int, unit_id: int
) -> list[tuple[Residency, Party]]:
    """Who lives in a unit, with their parties."""
    query = (
        select(Residency, Party)
        .join(
            Party,
            (Party.community_id == Residency.community_id) & (Party.id == Residency.party_id),
        )
        .where(Residency.community_id == community_id, Residency.unit_id == unit_id)
        .order_by(Party.id)
    )
    return [(residency, party) for residency, party in session.execute(query)]


def list_parties(session: Session, community_id: int) -> list[PartyUnits]:
    """Every party in the community, with the units it owns and lives in."""
    parties = session.scalars(
        select(Party).where(Party.community_id == community_id).order_by(Party.id)
    )
    return units_of_parties(session, community_id, list(parties))


def units_of_parties(session: Session, community_id: int, parties: list[Party]) -> list[PartyUnits]:
    """These parties, each with the numbers of the units it owns and lives in."""
    ids = [p.id for p in parties]
    rows = session.execute(select(Unit.id, Unit.number).where(Unit.community_id == community_id))
    numbers = {unit_id: number for unit_id, number in rows}  # noqa: C416 - rows are not pairs to mypy
    owned: dict[int, list[str]] = {}
    lived: dict[int, list[str]] = {}
    for ownership in session.scalars(
        select(Ownership).where(Ownership.community_id == community_id, Ownership.party_id.in_(ids))
    ):
        owned.setdefault(ownership.party_id, []).append(numbers[ownership.unit_id])
    for residency in session.scalars(
        select(Residency).where(Residency.community_id == community_id, Residency.party_id.in_(ids))
    ):
        lived.setdefault(residency.party_id, []).append(numbers[residency.unit_id])
    return [
        PartyUnits(p, sorted(owned.get(p.id, [])), sorted(lived.get(p.id, []))) for p in parties
    ]


def household_of(session: Session, community_id: int, user_id: int) -> list[HouseholdUnit]:
    """The units a user owns or lives in here (matched by Party.user_id), with their vehicles."""
    party_ids = list(
        session.scalars(
            select(Party.id).where(Party.community_id == community_id, Party.user_id == user_id)
        )
    )
    if not party_ids:
        return []
    shares: dict[int, int] = {}
    for ownership in session.scalars(
        select(Ownership).where(
            Ownership.community_id == community_id, Ownership.party_id.in_(party_ids)
        )
    ):
        shares[ownership.unit_id] = shares.get(ownership.unit_id, 0) + ownership.share_percent
    kinds = {
        r.unit_id: r.kind
        for r in session.scalars(
            select(Residency).where(
                Residency.community_id == community_id, Residency.party_id.in_(party_ids)
            )
        )
    }
    units = list(
        session.scalars(
            select(Unit)
            .where(Unit.community_id == community_id, Unit.id.in_(set(shares) | set(kinds)))
            .order_by(Unit.number)
        )
    )
    vehicles = session.scalars(
        select(Vehicle)
        .where(
            Vehicle.community_id == community_id,
            Vehicle.unit_id.in_([u.id for u in units]) | Vehicle.party_id.in_(party_ids),
        )
        .order_by(Vehicle.plate)
    ).all()
    return [
        HouseholdUnit(
            unit=u,
            share_percent=shares.get(u.id),
            resident_kind=kinds.get(u.id),
            vehicles=[v for v in vehicles if v.unit_id == u.id],
        )
        for u in units
    ]
