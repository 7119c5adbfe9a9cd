"""Use cases of the registry: one-at-a-time changes staff make and can explain.

Editing a person (name, phone, resident ID number checked with python-stdnum, remarks),
moving a resident in and out (the residency ends in `PastResidency`, so who lived there
on a day stays answerable) and removing a vehicle. A vehicle is neither logged nor
referenced by anything (its table is `not_audited`, no other table points at it), so
removing it deletes it, as the roster import's "never removes" leaves to these pages.
Each change is checked whole first: on a problem nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.kernel.errors import Problem
from sunshine.registry import rules
from sunshine.registry.models import Party
from sunshine.registry.models import PastResidency
from sunshine.registry.models import Residency
from sunshine.registry.models import Vehicle
from sunshine.registry.service.people import get_party
from sunshine.registry.service.units import lock_unit


@dataclass(frozen=True, slots=True)
class PartyChange:
    """What staff may change on a person; None leaves a fact as it is, "" clears it."""

    name: str | None = None
    phone: str | None = None
    id_number: str | None = None
    note: str | None = None


def party_problems(change: PartyChange, kind: rules.PartyKind) -> list[Problem]:
    """Every reason `change` cannot be stored on a person of this kind."""
    fields = {k: v for k, v in (("name", change.name), ("id_number", change.id_number),
              ("note", change.note)) if v is not None}  # fmt: skip
    problems = rules.length_problems(**fields)
    if change.name is not None and not change.name.strip():
        problems.append(Problem("name_empty", "the name is empty", where="name"))
    if change.phone:
        problems += rules.phone_problems(rules.normalise_phone(change.phone))
    if change.id_number and kind == rules.PartyKind.PERSON:
        problems += rules.id_number_problems(change.id_number)
    return problems


def edit_party(session: Session, community_id: int, party_id: int, change: PartyChange) -> Party:
    """Correct a person's name, phone, ID number or remarks; all of them or none."""
    party = get_party(session, community_id, party_id)
    problems = party_problems(change, party.kind)
    if problems:
        raise Invalid("the person was not changed", problems=problems)
    if change.name is not None:
        party.name = change.name.strip()
    if change.phone is not None:
        party.phone = rules.normalise_phone(change.phone) if change.phone.strip() else ""
    if change.id_number is not None:
        cleaned = change.id_number.strip()
        person = party.kind == rules.PartyKind.PERSON
        party.id_number = rules.clean_id_number(cleaned) if person else cleaned
    if change.note is not None:
        party.note = change.note.strip()
    session.flush()
    return party


def move_in(
    session: Session,
    community_id: int,
    *,
    unit_id: int,
    party_id: int,
    kind: rules.ResidentKind,
    on: date,
) -> Residency:
    """A person moves into a unit on a day.

    Refused if they live there already, or if the day is before their last move-out.
    """
    lock_unit(session, community_id, unit_id)
    get_party(session, community_id, party_id)
    if session.get(Residency, (community_id, unit_id, party_id)) is not None:
        raise Conflict("this person already lives in this unit")
    left = session.scalar(
        select(PastResidency.until_on)
        .where(
            PastResidency.community_id == community_id,
            PastResidency.unit_id == unit_id,
            PastResidency.party_id == party_id,
        )
        .order_by(PastResidency.until_on.desc())
        .limit(1)
    )
    if left is not None and on < left:
        raise Invalid(
            "the resident was not moved in",
            problems=[
                _date_problem(
                    "this person moved out on {last}; a move-in must not come before", left
                )
            ],
        )
    residency = Residency(
        community_id=community_id, unit_id=unit_id, party_id=party_id, kind=kind, since_on=on
    )
    session.add(residency)
    session.flush()
    return residency


def move_out(
    session: Session, community_id: int, *, unit_id: int, party_id: int, on: date
) -> PastResidency:
    """A person moves out of a unit on a day; the residency is kept with its dates."""
    lock_unit(session, community_id, unit_id)
    residency = session.get(Residency, (community_id, unit_id, party_id), populate_existing=True)
    if residency is None:
        raise NotFound("this person does not live in this unit")
    if residency.since_on is not None and on < residency.since_on:
        raise Invalid(
            "the resident was not moved out",
            problems=[
                _date_problem(
                    "this person moved in on {last}; a move-out must not come before",
                    residency.since_on,
                )
            ],
        )
    past = PastResidency(
        community_id=community_id,
        unit_id=unit_id,
        party_id=party_id,
        kind=residency.kind,
        since_on=residency.since_on,
        until_on=on,
    )
    session.add(past)
    session.delete(residency)
    session.flush()
    return past


def _date_problem(message: str, last: date) -> Problem:
    return Problem("residency_dates", message, {"last": last.isoformat()}, "on")


def past_residents_of(
    session: Session, community_id: int, unit_id: int
) -> list[tuple[PastResidency, Party]]:
    """Who lived in a unit and moved out, the latest first."""
    query = (
        select(PastResidency, Party)
        .join(
            Party,
            (Party.community_id == PastResidency.community_id)
            & (Party.id == PastResidency.party_id),
        )
        .where(PastResidency.community_id == community_id, PastResidency.unit_id == unit_id)
        .order_by(PastResidency.until_on.desc(), Party.id)
    )
    return [(past, party) for past, party in session.execute(query)]


def remove_vehicle(session: Session, community_id: int, vehicle_id: int) -> Vehicle:
    """Remove a vehicle (it is neither logged nor referenced). Raises NotFound."""
    vehicle = session.get(Vehicle, (community_id, vehicle_id))
    if vehicle is None:
        raise NotFound("vehicle {id} does not exist", args={"id": vehicle_id})
    session.delete(vehicle)
    session.flush()
    return vehicle
