"""The staff area's one-at-a-time changes: transfers, moves, editing a person, vehicles.

Under /c/{code}/registry: MANAGE_REGISTRY to change, VIEW_REGISTRY to read; as in `staff`,
a refused form leaves no trace and comes back (422) with its problems and what was typed.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from typing import Any

from fastapi import APIRouter
from fastapi import Form
from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from sunshine.identity.rules import Action
from sunshine.infra.inputs import RowId
from sunshine.infra.web import CsrfChecked
from sunshine.infra.web import CurrentViewer
from sunshine.infra.web import DbSession
from sunshine.infra.web import Viewer
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import Problem
from sunshine.kernel.masking import mask_id_number
from sunshine.registry import rules
from sunshine.registry import service as registry
from sunshine.registry.models import Community
from sunshine.registry.pages.common import STAFF
from sunshine.registry.pages.common import FormText
from sunshine.registry.pages.common import open_community
from sunshine.registry.pages.common import render_page
from sunshine.registry.pages.common import saved
from sunshine.registry.pages.staff import chosen_party
from sunshine.registry.pages.staff import unit_page

router = APIRouter(include_in_schema=False)
FormList = Annotated[list[str], Form()]


def _day(text: str, where: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        problem = Problem("day", "{value} is not a day (YYYY-MM-DD)", {"value": text}, where)
        raise Invalid("the day could not be read", problems=[problem]) from None


def _new_owners(
    session: Session, community: Community, people: list[str], shares: list[str]
) -> list[registry.NewOwner]:
    """The filled rows of the transfer form; the first is the designated voter."""
    owners: list[registry.NewOwner] = []
    for person, share in zip(people, shares, strict=False):
        if not person.strip():
            continue
        if not share.strip().isdigit():
            problem = Problem("share_value", "the share {value} is not a whole percent",
                              {"value": share}, "share_percent")  # fmt: skip
            raise Invalid("the transfer was not recorded", problems=[problem])
        party_id = chosen_party(session, community, person, None)
        owners.append(registry.NewOwner(party_id, int(share), designated_voter=not owners))
    return owners


@router.post(f"{STAFF}/units/{{unit_id}}/transfer", dependencies=[CsrfChecked])
def transfer(  # noqa: PLR0913, PLR0917 - one form field each
    request: Request,
    code: str,
    unit_id: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    effective_on: FormText = "",
    reason: Annotated[rules.TransferReason, Form()] = rules.TransferReason.SALE,
    voucher_ref: FormText = "",
    from_party: Annotated[list[RowId], Form()] = [],  # noqa: B006 - FastAPI copies it
    to_party: FormList = [],  # noqa: B006
    to_share: FormList = [],  # noqa: B006
) -> Response:
    """Transfer the unit's ownership as of a day (过户): from its owners to those typed."""
    community = open_community(session, viewer, code, Action.MANAGE_REGISTRY)
    try:
        with session.begin_nested():  # a refused form leaves no trace
            draft = registry.TransferDraft(
                unit_id=unit_id,
                from_party_ids=from_party,
                to=_new_owners(session, community, to_party, to_share),
                effective_on=_day(effective_on, "effective_on"),
                reason=reason,
                voucher_ref=voucher_ref,
            )
            registry.transfer_ownership(session, community.id, draft, actor=viewer.display_name)
    except Invalid as exc:
        return unit_page(
            request, session, viewer, community, unit_id, transfer_error=exc, status_code=422
        )
    session.commit()
    unit_number = registry.get_unit(session, community.id, unit_id).number
    return saved(f"/c/{community.code}/registry/units/{unit_id}", unit_number)


@router.post(f"{STAFF}/units/{{unit_id}}/move-in", dependencies=[CsrfChecked])
def move_in(
    request: Request,
    code: str,
    unit_id: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    kind: Annotated[rules.ResidentKind, Form()],
    party: FormText = "",
    on: FormText = "",
) -> Response:
    """A person moves into the unit on a day."""
    community = open_community(session, viewer, code, Action.MANAGE_REGISTRY)
    try:
        with session.begin_nested():  # a refused form leaves no trace
            registry.move_in(
                session, community.id, unit_id=unit_id,
                party_id=chosen_party(session, community, party, None), kind=kind,
                on=_day(on, "on"),
            )  # fmt: skip
    except Invalid as exc:
        return unit_page(
            request, session, viewer, community, unit_id, resident_error=exc, status_code=422
        )
    session.commit()
    unit_number = registry.get_unit(session, community.id, unit_id).number
    return saved(f"/c/{community.code}/registry/units/{unit_id}", unit_number)


@router.post(
    f"{STAFF}/units/{{unit_id}}/residents/{{party_id}}/move-out", dependencies=[CsrfChecked]
)
def move_out(
    request: Request,
    code: str,
    unit_id: RowId,
    party_id: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    on: FormText = "",
) -> Response:
    """A resident moves out on a day; the residency is kept with its dates."""
    community = open_community(session, viewer, code, Action.MANAGE_REGISTRY)
    try:
        with session.begin_nested():  # a refused form leaves no trace
            registry.move_out(
                session, community.id, unit_id=unit_id, party_id=party_id, on=_day(on, "on")
            )
    except Invalid as exc:
        return unit_page(
            request, session, viewer, community, unit_id, resident_error=exc, status_code=422
        )
    session.commit()
    unit_number = registry.get_unit(session, community.id, unit_id).number
    return saved(f"/c/{community.code}/registry/units/{unit_id}", unit_number)


# --- a person -----------------------------------------------------------------


def _person_page(
    request: Request,
    session: Session,
    viewer: Viewer,
    community: Community,
    party_id: int,
    **context: Any,
) -> Response:
    party = registry.get_party(session, community.id, party_id)
    [item] = registry.units_of_parties(session, community.id, [party])
    form = context.pop("form", {"name": party.name, "phone": party.phone, "note": party.note})
    return render_page(
        request, viewer, community, "registry/person.html", party=party, item=item,
        id_masked=mask_id_number(party.id_number), form=form, **context,
    )  # fmt: skip


@router.get(f"{STAFF}/people/{{party_id}}")
def person(
    request: Request, code: str, party_id: RowId, session: DbSession, viewer: CurrentViewer
) -> Response:
    """One person: their units, and a form to correct them (ID number shown masked)."""
    community = open_community(session, viewer, code, Action.VIEW_REGISTRY)
    return _person_page(request, session, viewer, community, party_id)


@router.post(f"{STAFF}/people/{{party_id}}", dependencies=[CsrfChecked])
def edit_person(
    request: Request,
    code: str,
    party_id: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    name: FormText = "",
    phone: FormText = "",
    id_number: FormText = "",
    note: FormText = "",
) -> Response:
    """Correct a person; an ID number left blank stays as it is."""
    community = open_community(session, viewer, code, Action.MANAGE_REGISTRY)
    change = registry.PartyChange(name=name, phone=phone, id_number=id_number or None, note=note)
    try:
        with session.begin_nested():  # a refused form leaves no trace
            party = registry.edit_party(session, community.id, party_id, change)
    except Invalid as exc:
        form = {"name": name, "phone": phone, "note": note}
        return _person_page(
            request, session, viewer, community, party_id, form=form, error=exc, status_code=422
        )
    session.commit()
    return saved(f"/c/{community.code}/registry/people/{party_id}", party.name)


@router.post(f"{STAFF}/vehicles/{{vehicle_id}}/remove", dependencies=[CsrfChecked])
def remove_vehicle(
    code: str, vehicle_id: RowId, session: DbSession, viewer: CurrentViewer
) -> Response:
    """Remove a vehicle from the register."""
    community = open_community(session, viewer, code, Action.MANAGE_REGISTRY)
    vehicle = registry.remove_vehicle(session, community.id, vehicle_id)
    session.commit()
    return saved(f"/c/{community.code}/registry/vehicles", vehicle.plate)
