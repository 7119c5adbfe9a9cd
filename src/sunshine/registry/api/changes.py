"""JSON API of the registry (mounted at /api/v1): transfers, ownership history, edits, moves.

As `community`: the community is found by its code and the viewer authorized first
(someone with no role there gets 404); reading needs VIEW_REGISTRY, changing
MANAGE_REGISTRY. Writes commit once, in the route, before answering.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi import Response
from sqlalchemy.orm import Session

from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra.inputs import RowId
from sunshine.infra.web import CsrfChecked
from sunshine.infra.web import CurrentViewer
from sunshine.infra.web import DbSession
from sunshine.infra.web import Viewer
from sunshine.registry import service as registry
from sunshine.registry.models import Community
from sunshine.registry.schemas import PartyRead
from sunshine.registry.schemas.changes import HistoryRead
from sunshine.registry.schemas.changes import MoveIn
from sunshine.registry.schemas.changes import MoveOut
from sunshine.registry.schemas.changes import PartyUpdate
from sunshine.registry.schemas.changes import ResidencyRead
from sunshine.registry.schemas.changes import TransferCreate
from sunshine.registry.schemas.changes import TransferRead

router = APIRouter(tags=["registry"])

BASE = "/communities/{code}"


def _open(session: Session, viewer: Viewer, code: str, action: Action) -> Community:
    community = registry.get_community(session, code)
    identity.authorize(viewer, action, registry.ref_of(community))
    return community


@router.post(f"{BASE}/units/{{unit_id}}/transfers", status_code=201, dependencies=[CsrfChecked])
def transfer_unit(
    code: str, unit_id: RowId, body: TransferCreate, session: DbSession, viewer: CurrentViewer
) -> TransferRead:
    """Transfer a unit's ownership (过户) as of a date: all of it, or 422/409 and nothing.

    `from_party_ids` must be the unit's owners now (else 409); the new shares add to 100%;
    the date comes after the unit's last transfer. Bills already issued keep their payer.
    """
    community = _open(session, viewer, code, Action.MANAGE_REGISTRY)
    transfer = registry.transfer_ownership(
        session, community.id, body.draft(unit_id), actor=viewer.display_name
    )
    session.commit()
    return TransferRead.from_model(transfer)


@router.get(f"{BASE}/units/{{unit_id}}/ownership-history")
def ownership_history(
    code: str, unit_id: RowId, session: DbSession, viewer: CurrentViewer
) -> list[HistoryRead]:
    """Every owner the unit had with the days they held, the present ones first."""
    community = _open(session, viewer, code, Action.VIEW_REGISTRY)
    lines = registry.ownership_history(session, community.id, unit_id)
    return [HistoryRead.from_line(line) for line in lines]


@router.patch(f"{BASE}/parties/{{party_id}}", dependencies=[CsrfChecked])
def edit_party(
    code: str, party_id: RowId, body: PartyUpdate, session: DbSession, viewer: CurrentViewer
) -> PartyRead:
    """Correct a person's name, phone, resident ID number (checked) or remarks."""
    community = _open(session, viewer, code, Action.MANAGE_REGISTRY)
    party = registry.edit_party(session, community.id, party_id, body.change())
    session.commit()
    [item] = registry.units_of_parties(session, community.id, [party])
    return PartyRead.from_units(item)


@router.post(f"{BASE}/units/{{unit_id}}/residents", status_code=201, dependencies=[CsrfChecked])
def move_in(
    code: str, unit_id: RowId, body: MoveIn, session: DbSession, viewer: CurrentViewer
) -> ResidencyRead:
    """A person moves into the unit on a day (owner-occupier, family member or tenant)."""
    community = _open(session, viewer, code, Action.MANAGE_REGISTRY)
    residency = registry.move_in(
        session, community.id, unit_id=unit_id, party_id=body.party_id, kind=body.kind, on=body.on
    )
    party = registry.get_party(session, community.id, body.party_id)
    session.commit()
    return ResidencyRead.from_model(residency, party)


@router.post(
    f"{BASE}/units/{{unit_id}}/residents/{{party_id}}/move-out", dependencies=[CsrfChecked]
)
def move_out(
    code: str,
    unit_id: RowId,
    party_id: RowId,
    body: MoveOut,
    session: DbSession,
    viewer: CurrentViewer,
) -> ResidencyRead:
    """A person moves out of the unit on a day; the residency is kept with its dates."""
    community = _open(session, viewer, code, Action.MANAGE_REGISTRY)
    past = registry.move_out(session, community.id, unit_id=unit_id, party_id=party_id, on=body.on)
    party = registry.get_party(session, community.id, party_id)
    session.commit()
    return ResidencyRead.from_model(past, party)


@router.delete(f"{BASE}/vehicles/{{vehicle_id}}", status_code=204, dependencies=[CsrfChecked])
def remove_vehicle(
    code: str, vehicle_id: RowId, session: DbSession, viewer: CurrentViewer
) -> Response:
    """Remove a vehicle from the register."""
    community = _open(session, viewer, code, Action.MANAGE_REGISTRY)
    registry.remove_vehicle(session, community.id, vehicle_id)
    session.commit()
    return Response(status_code=204)
