"""`sunshine registry transfer|history|move-in|move-out|edit-person|remove-vehicle`.

One-at-a-time changes to a community's register, as the staff pages make them. A
unit is named by its number (1-1-101), a person by their id or mobile number. Refused
changes raise kernel errors: the root command prints every problem and exits with 2;
each change commits once.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from sunshine.infra.db import open_session
from sunshine.infra.i18n import translations
from sunshine.infra.settings import get_settings
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.kernel.errors import Problem
from sunshine.registry import rules
from sunshine.registry import service
from sunshine.registry.models import Community
from sunshine.registry.models import Unit

app = typer.Typer(
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    help="The register, one change at a time: transfers (过户), moves, people, vehicles.",
)
CommunityOption = Annotated[str, typer.Option("--community", help="The community's code.")]
UnitOption = Annotated[str, typer.Option("--unit", help="The unit's number, 1-1-101.")]
PersonOption = Annotated[str, typer.Option("--person", help="The person's id or mobile number.")]
DayOption = Annotated[str, typer.Option("--on", help="The day, YYYY-MM-DD.")]


def _(message: str) -> str:
    return translations(get_settings().default_locale).gettext(message)


def _day(text: str, where: str = "on") -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        problem = Problem("day", "{value} is not a day (YYYY-MM-DD)", {"value": text}, where)
        raise Invalid("the day could not be read", problems=[problem]) from None


def _community(session: Session, code: str) -> Community:
    found = service.find_community(session, code)
    if found is None:
        raise NotFound("there is no community {code}", args={"code": code})
    return found


def _unit(session: Session, community_id: int, number: str) -> Unit:
    unit = service.find_unit(session, community_id, number.strip())
    if unit is None:
        raise NotFound("unit {number} does not exist", args={"number": number})
    return unit


def _person(session: Session, community_id: int, text: str) -> int:
    """A person by their mobile number (11 digits), else by their id."""
    typed = text.strip()
    if len(rules.normalise_phone(typed)) == 11:
        party = service.find_party_by_phone(session, community_id, rules.normalise_phone(typed))
        if party is not None:
            return party.id
    if typed.isdigit():
        return service.get_party(session, community_id, int(typed)).id
    raise NotFound("no person is known by {who}", args={"who": typed})


def _new_owner(session: Session, community_id: int, text: str, *, voter: bool) -> service.NewOwner:
    """PERSON or PERSON:SHARE (whole percent; alone, 100)."""
    who, _sep, share = text.partition(":")
    if share and not share.strip().isdigit():
        problem = Problem(
            "share_value", "the share {value} is not a whole percent", {"value": share}, "to"
        )
        raise Invalid("the transfer was not recorded", problems=[problem])
    party_id = _person(session, community_id, who)
    return service.NewOwner(party_id, int(share) if share else 100, designated_voter=voter)


@app.command("transfer")
def transfer(
    community: CommunityOption,
    unit: UnitOption,
    to: Annotated[
        list[str],
        typer.Option(
            "--to", help="A new owner: PERSON or PERSON:SHARE%; the first is the designated voter."
        ),
    ],
    on: Annotated[str, typer.Option("--on", help="The day it takes effect, YYYY-MM-DD.")],
    reason: Annotated[
        rules.TransferReason, typer.Option(help="sale, inheritance, gift or co_owner_change.")
    ],
    voucher: Annotated[str, typer.Option(help="The voucher's reference, if any.")] = "",
) -> None:
    """Transfer a unit's ownership as of a day: the present owners to the new ones."""
    with open_session(writes=True) as session:
        found = _community(session, community)
        target = _unit(session, found.id, unit)
        owners = [
            _new_owner(session, found.id, text, voter=index == 0) for index, text in enumerate(to)
        ]
        draft = service.TransferDraft(
            unit_id=target.id,
            from_party_ids=[o.party_id for o in service.owners_of(session, found.id, target.id)],
            to=owners,
            effective_on=_day(on),
            reason=reason,
            voucher_ref=voucher,
        )
        service.transfer_ownership(session, found.id, draft, actor="cli")
        session.commit()
        typer.echo(
            _("Unit {number} is transferred as of {day}.").format(number=target.number, day=on)
        )


@app.command("history")
def history(community: CommunityOption, unit: UnitOption) -> None:
    """Every owner the unit had, with the days they held it."""
    with open_session() as session:
        found = _community(session, community)
        lines = service.ownership_history(session, found.id, _unit(session, found.id, unit).id)
        table = Table()
        for header in (_("Owner"), _("Share"), _("From"), _("Until"), _("Reason")):
            table.add_column(header)
        for line in lines:
            table.add_row(
                line.party.name, f"{line.share_percent}%", str(line.valid_from or "—"),
                str(line.valid_to or "—"), line.transfer.reason.value if line.transfer else "",
            )  # fmt: skip
    Console().print(table)


@app.command("move-in")
def move_in(
    community: CommunityOption,
    unit: UnitOption,
    person: PersonOption,
    on: DayOption,
    kind: Annotated[rules.ResidentKind, typer.Option(help="owner_occupier, family or tenant.")],
) -> None:
    """A person moves into a unit on a day."""
    with open_session(writes=True) as session:
        found = _community(session, community)
        target = _unit(session, found.id, unit)
        party_id = _person(session, found.id, person)
        service.move_in(
            session, found.id, unit_id=target.id, party_id=party_id, kind=kind, on=_day(on)
        )
        session.commit()
        typer.echo(_("Moved in on {day}.").format(day=on))


@app.command("move-out")
def move_out(
    community: CommunityOption, unit: UnitOption, person: PersonOption, on: DayOption
) -> None:
    """A person moves out of a unit on a day; the residency is kept with its dates."""
    with open_session(writes=True) as session:
        found = _community(session, community)
        target = _unit(session, found.id, unit)
        party_id = _person(session, found.id, person)
        service.move_out(session, found.id, unit_id=target.id, party_id=party_id, on=_day(on))
        session.commit()
        typer.echo(_("Moved out on {day}.").format(day=on))


@app.command("edit-person")
def edit_person(
    community: CommunityOption,
    person: PersonOption,
    name: Annotated[str | None, typer.Option(help="The new name.")] = None,
    phone: Annotated[str | None, typer.Option(help="The new mobile number; '' clears it.")] = None,
    id_number: Annotated[str | None, typer.Option(help="Resident ID number (checked).")] = None,
    note: Annotated[str | None, typer.Option(help="Remarks (备注), staff only.")] = None,
) -> None:
    """Correct a person's name, phone, resident ID number or remarks."""
    with open_session(writes=True) as session:
        found = _community(session, community)
        change = service.PartyChange(name=name, phone=phone, id_number=id_number, note=note)
        party = service.edit_party(session, found.id, _person(session, found.id, person), change)
        session.commit()
        typer.echo(_("Saved the changes to {name}.").format(name=party.name))


@app.command("remove-vehicle")
def remove_vehicle(
    community: CommunityOption, plate: Annotated[str, typer.Option(help="The plate, 苏D12345.")]
) -> None:
    """Remove a vehicle from the register by its plate."""
    with open_session(writes=True) as session:
        found = _community(session, community)
        vehicle = service.find_vehicle(session, found.id, plate.strip().upper())
        if vehicle is None:
            raise NotFound("no vehicle has the plate {plate}", args={"plate": plate})
        service.remove_vehicle(session, found.id, vehicle.id)
        session.commit()
        typer.echo(_("Removed the vehicle {plate}.").format(plate=vehicle.plate))
