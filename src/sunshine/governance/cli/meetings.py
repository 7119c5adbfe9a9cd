"""`sunshine governance meeting …`: the four-party joint meeting (四方联席).

create, attend, agenda, minutes, resolve, action, done, publish, correct, show, list and
overdue (exit 1 when any action is overdue). Each command is one transaction committed at
the end; a refusal writes nothing and exits with code 2. Messages are in the deployment's
language (Chinese first).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from sunshine.governance.rules.meetings import MeetingParty
from sunshine.governance.service import meetings
from sunshine.infra import clock
from sunshine.infra import tenancy
from sunshine.infra.db import open_session
from sunshine.infra.i18n import gettext
from sunshine.infra.settings import get_settings
from sunshine.kernel.errors import Invalid

app = typer.Typer(no_args_is_help=True, help="The four-party joint meeting (四方联席会议).")
Code = Annotated[str, typer.Argument(help="Community code, e.g. jcdy.")]
MeetingId = Annotated[int, typer.Argument(help="The meeting's number.")]
Party = Annotated[
    MeetingParty,
    typer.Option(
        "--party",
        help="party_committee (社区党委), grid_branch (网格党支部), committee, trustee, guest.",
    ),
]
PARTY_NAMES = {
    MeetingParty.PARTY_COMMITTEE: "Neighbourhood Party committee",
    MeetingParty.GRID_BRANCH: "Grid Party branch",
    MeetingParty.COMMITTEE: "Owners' or property committee",
    MeetingParty.TRUSTEE: "Property company (trustee)",
    MeetingParty.GUEST: "Guest",
}


def _(message: str) -> str:
    return gettext(get_settings().default_locale, message)


def _day(text: str) -> date:
    if not text:
        return clock.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid("{value} is not a date (YYYY-MM-DD)", args={"value": text}) from None


def _text_or_file(text: str, path: Path | None) -> str:
    if path is None:
        return text
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise Invalid("{path} cannot be read", args={"path": str(path)}) from error


@app.command("create")
def create(
    code: Code,
    title: Annotated[str, typer.Argument(help="Its title (no names or phone numbers).")],
    on: Annotated[str, typer.Option("--on", help="The day it was held, YYYY-MM-DD.")],
    place: Annotated[str, typer.Option("--place", help="Where it was held.")],
) -> None:
    """Start recording a joint meeting (a draft until its minutes are published)."""
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, code)
        made = meetings.create_meeting(
            session, ref.id, title=title, held_on=_day(on), place=place, actor_id=None
        )
        session.commit()
        typer.echo(_("meeting {id} recorded: {title}").format(id=made.id, title=made.title))


@app.command("attend")
def attend(
    code: Code,
    meeting_id: MeetingId,
    party: Party,
    organisation: Annotated[str, typer.Option("--organisation", help="e.g. 锦阳苑社区党委.")],
    role: Annotated[str, typer.Option("--role", help="e.g. 书记, 项目经理.")] = "",
    name: Annotated[
        str, typer.Option("--name", help="Masked on owners' pages and in the log.")
    ] = "",
) -> None:
    """Note an attendee: the party they speak for, organisation, role and name."""
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, code)
        meeting = meetings.attend(
            session, ref.id, meeting_id, party=party, organisation=organisation, role=role,
            name=name,
        )  # fmt: skip
        missing = meetings.missing_parties(meeting)
        session.commit()
    _print_gap(missing)


def _print_gap(missing: list[MeetingParty]) -> None:
    if missing:
        names = "、".join(_(PARTY_NAMES[party]) for party in missing)
        typer.echo(_("not yet a joint meeting: missing {parties}").format(parties=names))
    else:
        typer.echo(_("all four parties are represented"))


@app.command("agenda")
def agenda(
    code: Code, meeting_id: MeetingId, item: Annotated[str, typer.Argument(help="An agenda item.")]
) -> None:
    """Add an item to the agenda."""
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, code)
        meeting = meetings.add_agenda(session, ref.id, meeting_id, item)
        count = len(meetings.agenda_of(meeting))
        session.commit()
    typer.echo(_("agenda item {n} added").format(n=count))


@app.command("minutes")
def minutes(
    code: Code,
    meeting_id: MeetingId,
    text: Annotated[str, typer.Argument(help="The minutes (or --file).")] = "",
    file: Annotated[
        Path | None, typer.Option("--file", help="Read the minutes from a file.")
    ] = None,
) -> None:
    """Write the minutes of a meeting not yet published."""
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, code)
        meetings.set_minutes(session, ref.id, meeting_id, _text_or_file(text, file))
        session.commit()
    typer.echo(_("minutes saved"))


@app.command("resolve")
def resolve(
    code: Code,
    meeting_id: MeetingId,
    text: Annotated[str, typer.Argument(help="What the meeting resolved.")],
) -> None:
    """Add a resolution (议定事项)."""
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, code)
        meeting = meetings.resolve(session, ref.id, meeting_id, text)
        count = len(meetings.resolutions_of(meeting))
        session.commit()
    typer.echo(_("resolution {n} added").format(n=count))


@app.command("action")
def action(
    code: Code,
    meeting_id: MeetingId,
    text: Annotated[str, typer.Argument(help="What is to be done.")],
    party: Party,
    owner: Annotated[str, typer.Option("--owner", help="A role (物业项目经理) or a name.")],
    due: Annotated[str, typer.Option("--due", help="Due day, YYYY-MM-DD.")],
    ref: Annotated[
        list[str] | None,
        typer.Option(
            "--ref", help="What it concerns: expense:12, vote:3, vote:3/2, ticket:5, decision:7."
        ),
    ] = None,
) -> None:
    """Add an action with its owner, due day and what it concerns."""
    with open_session(writes=True) as session:
        community = tenancy.resolve(session, code)
        made = meetings.add_action(
            session, community.id, meeting_id, text=text, party=party, owner=owner,
            due_on=_day(due), refs=ref or [],
        )  # fmt: skip
        session.commit()
        typer.echo(_("action {id} added, due {day}").format(id=made.id, day=made.due_on))


@app.command("done")
def done(
    code: Code,
    action_id: Annotated[int, typer.Argument(help="The action's number.")],
    on: Annotated[str, typer.Option("--on", help="The day it was done; today by default.")] = "",
) -> None:
    """Mark an action done (also after the minutes are published: it is follow-up)."""
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, code)
        made = meetings.mark_done(session, ref.id, action_id, on=_day(on), actor_id=None)
        session.commit()
        typer.echo(_("action {id} done on {day}").format(id=made.id, day=made.done_on))


@app.command("publish")
def publish(
    code: Code,
    meeting_id: MeetingId,
    on: Annotated[str, typer.Option("--on", help="The day of publication; today by default.")] = "",
) -> None:
    """Publish the minutes to owners and append them to the public log (names masked)."""
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, code)
        made = meetings.publish(session, ref.id, meeting_id, on=_day(on), actor_id=None)
        meeting = meetings.get_meeting(session, ref.id, meeting_id)
        missing = meetings.missing_parties(meeting)
        session.commit()
        typer.echo(
            _("meeting {id}: minutes version {version} published, log record {seq}")
            .format(id=meeting_id, version=made.version, seq=made.log_seq)
        )  # fmt: skip
    _print_gap(missing)


@app.command("correct")
def correct(
    code: Code,
    meeting_id: MeetingId,
    reason: Annotated[str, typer.Option("--reason", help="Why the minutes are corrected.")],
    minutes_text: Annotated[str, typer.Option("--minutes", help="The corrected minutes.")] = "",
    file: Annotated[
        Path | None, typer.Option("--file", help="Corrected minutes from a file.")
    ] = None,
    resolution: Annotated[
        list[str] | None, typer.Option("--resolution", help="The resolutions, all of them.")
    ] = None,
    on: Annotated[str, typer.Option("--on", help="The day of publication; today by default.")] = "",
) -> None:
    """Correct published minutes: a new version, logged with its reason."""
    text = _text_or_file(minutes_text, file)
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, code)
        made = meetings.correct(
            session, ref.id, meeting_id, reason=reason, on=_day(on), actor_id=None,
            minutes=text or None, resolutions=resolution,
        )  # fmt: skip
        session.commit()
        typer.echo(
            _("meeting {id}: minutes version {version} published, log record {seq}")
            .format(id=meeting_id, version=made.version, seq=made.log_seq)
        )  # fmt: skip


@app.command("show")
def show(code: Code, meeting_id: MeetingId) -> None:
    """A meeting: day, place, attendees by party, agenda, minutes, resolutions, actions."""
    today = clock.today()
    with open_session() as session:
        ref = tenancy.resolve(session, code)
        meeting = meetings.get_meeting(session, ref.id, meeting_id)
        typer.echo(f"{meeting.id}\t{meeting.held_on.isoformat()}\t{meeting.place}\t{meeting.title}")
        typer.echo(_("state: {state}, version {version}").format(
            state=meeting.state.value, version=meeting.version))  # fmt: skip
        for one in meetings.attendees_of(meeting):
            typer.echo(f"{one.party.value}\t{one.organisation}\t{one.role}\t{one.name}")
        _print_gap(meetings.missing_parties(meeting))
        for number, item in enumerate(meetings.agenda_of(meeting), start=1):
            typer.echo(f"{_('agenda')} {number}\t{item}")
        if meeting.minutes:
            typer.echo(meeting.minutes)
        for number, item in enumerate(meetings.resolutions_of(meeting), start=1):
            typer.echo(f"{_('resolution')} {number}\t{item}")
        for act in meetings.actions_of(session, ref.id, meeting_id):
            state = act.done_on.isoformat() if act.done_on else _("not done")
            if act.done_on is None and today > act.due_on:
                state = _("overdue")
            refs = ",".join(meetings.refs_of(act))
            typer.echo(f"{act.id}\t{act.party.value}\t{act.owner}\t{act.due_on.isoformat()}"
                       f"\t{state}\t{act.text}\t{refs}")  # fmt: skip


@app.command("list")
def list_(code: Code) -> None:
    """The meetings, latest first, with their state and version."""
    with open_session() as session:
        ref = tenancy.resolve(session, code)
        for meeting in meetings.list_meetings(session, ref.id):
            typer.echo(f"{meeting.id}\t{meeting.held_on.isoformat()}\t{meeting.state.value}"
                       f"\tv{meeting.version}\t{meeting.title}")  # fmt: skip


@app.command("overdue")
def overdue(code: Code, today: Annotated[str, typer.Option("--today")] = "") -> None:
    """Actions not done by their due day; exit 1 when there is any."""
    with open_session() as session:
        ref = tenancy.resolve(session, code)
        found = meetings.overdue(session, ref.id, today=_day(today))
        for item in found:
            typer.echo(
                f"{item.action.id}\t{_('meeting')} {item.meeting.id}\t{item.action.party.value}"
                f"\t{item.action.owner}\t{item.action.due_on.isoformat()}\t"
                + _("{days} days overdue").format(days=item.days)
                + f"\t{item.action.text}"
            )
    if found:
        raise typer.Exit(1)
    typer.echo(_("no action is overdue"))
