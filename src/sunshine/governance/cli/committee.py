"""`sunshine governance committee|member|members|decide|announce|late|require|link CODE …`.

Each command is one transaction committed at the end; a refused decision (a member not
serving that day, a vote from someone absent) writes nothing and exits with code 2.
Messages are in the deployment's language (Chinese first).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from sunshine.governance.cli import authority as authority_cli
from sunshine.governance.cli.meetings import app as meetings_app
from sunshine.governance.cli.spending import app as spending_app
from sunshine.governance.cli.surveys import announcement_app
from sunshine.governance.cli.surveys import survey_app
from sunshine.governance.cli.votes import app as votes_app
from sunshine.governance.rules.committee import CommitteeMajority
from sunshine.governance.rules.decisions import About
from sunshine.governance.rules.decisions import MemberRole
from sunshine.governance.rules.decisions import Subject
from sunshine.governance.rules.decisions import Way
from sunshine.governance.rules.tally import Choice
from sunshine.governance.service import committees
from sunshine.governance.service import decisions
from sunshine.infra import clock
from sunshine.infra import tenancy
from sunshine.infra.db import open_session
from sunshine.infra.i18n import gettext
from sunshine.infra.settings import get_settings
from sunshine.kernel.errors import Invalid
from sunshine.registry.rules import CommitteeKind

app = typer.Typer(
    no_args_is_help=True,
    help="Committees and their decisions (业委会 / 物管会 决定), counted as LAW.md 1 says.",
)
Code = Annotated[str, typer.Argument(help="Community code, e.g. jcdy.")]
Day = Annotated[str, typer.Option("--on", help="The day, YYYY-MM-DD.")]
Ids = Annotated[str, typer.Option(help="Member numbers, comma-separated, e.g. 1,2,3.")]


def _(message: str) -> str:
    return gettext(get_settings().default_locale, message)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid("{value} is not a date (YYYY-MM-DD)", args={"value": text}) from None


def _ids(text: str) -> list[int]:
    try:
        return [int(part) for part in text.replace("，", ",").split(",") if part.strip()]
    except ValueError:
        raise Invalid("{value} is not a list of member numbers", args={"value": text}) from None


def _about(text: str) -> About:
    kind, _sep, which = text.partition(":")
    try:
        return About(Subject(kind.strip()), which.strip())
    except ValueError:
        args = {"value": kind, "kinds": ", ".join(Subject)}
        raise Invalid("{value} is not one of {kinds}", args=args) from None


def _outcome(value: str) -> str:
    texts = {
        "adopted": _("adopted"),
        "not_adopted": _("not adopted"),
        "quorum_not_reached": _("not adopted: no more than half of the members took part"),
    }
    return texts.get(value, value)


def _votes(given: dict[Choice, str]) -> dict[int, Choice]:
    votes: dict[int, Choice] = {}
    for choice, text in given.items():
        for member_id in _ids(text):
            if member_id in votes:
                raise Invalid("member {id} is named in two answers", args={"id": member_id})
            votes[member_id] = choice
    return votes


@app.command("committee")
def committee(
    code: Code,
    name: Annotated[str, typer.Argument(help="Its name, e.g. 第一届业主委员会.")],
    formed: Annotated[str, typer.Option("--formed", help="The day it was formed.")],
    kind: Annotated[CommitteeKind, typer.Option("--kind")] = CommitteeKind.OWNERS_COMMITTEE,
    majority: Annotated[
        CommitteeMajority, typer.Option("--majority", help="half_or_more (半数以上) or 过半数.")
    ] = CommitteeMajority.HALF_OR_MORE,
    announce_days: Annotated[int, typer.Option("--announce-days")] = 3,
) -> None:
    """Add a committee with the settings its decisions are counted by."""
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, code)
        made = committees.add_committee(
            session, ref.id, kind=kind, name=name, formed_on=_day(formed), majority=majority,
            announce_within_days=announce_days,
        )  # fmt: skip
        session.commit()
        typer.echo(_("committee {id} added: {name}").format(id=made.id, name=made.name))


@app.command("member")
def member(
    code: Code,
    committee_id: Annotated[int, typer.Argument(help="The committee's number.")],
    party_id: Annotated[int, typer.Argument(help="The person's number in the registry.")],
    term_from: Annotated[str, typer.Option("--from", help="The term's first day.")],
    term_to: Annotated[str, typer.Option("--to", help="The term's last day, if known.")] = "",
    role: Annotated[MemberRole, typer.Option("--role")] = MemberRole.MEMBER,
) -> None:
    """Add a member to a committee for a term."""
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, code)
        made = committees.add_member(
            session, ref.id, committee_id, party_id=party_id, role=role,
            term_from=_day(term_from), term_to=_day(term_to) if term_to else None,
        )  # fmt: skip
        session.commit()
        typer.echo(_("member {id} added").format(id=made.id))


@app.command("members")
def members(code: Code, committee_id: Annotated[int, typer.Argument()], on: Day = "") -> None:
    """The members serving on a day (today by default), by number, role and term."""
    with open_session() as session:
        ref = tenancy.resolve(session, code)
        day = _day(on) if on else clock.today()
        for serving in committees.members_on(session, ref.id, committee_id, day):
            until = serving.term_to.isoformat() if serving.term_to else "…"
            typer.echo(
                f"{serving.id}\t{serving.role.value}\t{serving.term_from.isoformat()} – {until}"
            )


@app.command("decide")
def decide(
    code: Code,
    committee_id: Annotated[int, typer.Argument()],
    title: Annotated[str, typer.Argument(help="What was decided (no names or phone numbers).")],
    on: Day,
    present: Ids,
    yes: Ids = "",
    no: Ids = "",
    abstain: Ids = "",
    way: Annotated[Way, typer.Option("--way")] = Way.MEETING,
    about: Annotated[
        str, typer.Option("--about", help="KIND[:WHICH], e.g. budget:2027/v2, month_close:2024-10.")
    ] = "other",
) -> None:
    """Count a decision of the members present, append it to the public log, and print it."""
    votes = _votes({Choice.YES: yes, Choice.NO: no, Choice.ABSTAIN: abstain})
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, code)
        made = decisions.record_decision(
            session, ref.id, committee_id, title=title, way=way, decided_on=_day(on),
            present=_ids(present), votes=votes, actor_id=None, about=_about(about),
        )  # fmt: skip
        session.commit()
        record = decisions.record_of(made)
    counted = record["counted"]
    assert isinstance(counted, dict)
    typer.echo(
        _("decision {id}: {outcome}; {yes} of {members} members agreed, {present} took part")
        .format(id=made.id, outcome=_outcome(str(record["outcome"])), yes=counted["yes"],
                members=counted["members"], present=counted["present"])
    )  # fmt: skip
    typer.echo(_("announce it by {day}").format(day=record["announce_by"]))


@app.command("announce")
def announce(code: Code, decision_id: Annotated[int, typer.Argument()], on: Day) -> None:
    """Note the day a decision went up on the owners' board."""
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, code)
        decisions.announce(session, ref.id, decision_id, on=_day(on))
        session.commit()
    typer.echo(_("decision {id} announced on {day}").format(id=decision_id, day=on))


@app.command("recount")
def recount(code: Code, decision_id: Annotated[int, typer.Argument()]) -> None:
    """Count a decision again from its record in the public log alone; exit 1 if it differs."""
    with open_session() as session:
        ref = tenancy.resolve(session, code)
        same = decisions.recount_from_log(session, ref.id, decision_id)
    if not same:
        typer.echo(_("decision {id}: the log's record is not what its facts count to")
                   .format(id=decision_id))  # fmt: skip
        raise typer.Exit(1)
    same_text = _("decision {id}: counted again from the log, the same result")
    typer.echo(same_text.format(id=decision_id))


@app.command("late")
def late(code: Code, today: Annotated[str, typer.Option("--today")] = "") -> None:
    """Decisions announced after their day, or not yet announced with their day gone by."""
    with open_session() as session:
        ref = tenancy.resolve(session, code)
        day = _day(today) if today else clock.today()
        found = decisions.late(session, ref.id, today=day)
        for item in found:
            shown = item.announced_on.isoformat() if item.announced_on else _("not announced")
            typer.echo(f"{item.decision.id}\t{item.due.isoformat()}\t{shown}")
    if found:
        raise typer.Exit(1)
    typer.echo(_("every decision was announced on time"))


app.command("require")(authority_cli.require)
app.command("link")(authority_cli.link)
app.add_typer(votes_app, name="vote")
app.add_typer(survey_app, name="survey")
app.add_typer(announcement_app, name="announcement")
app.add_typer(spending_app, name="expense")
app.add_typer(meetings_app, name="meeting")
