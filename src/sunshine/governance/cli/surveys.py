"""`sunshine governance survey …` and `sunshine governance announcement …`.

Surveys (意见征求, not binding): open one, enter a response taken at the door, by phone or on
paper, close it (its result is logged), show it. Announcements (公告): publish one (logged;
a decision's is noted on the decision), list them with their deadlines and lateness.
`governance announce` (a decision's day on the board, without a notice) is left as it is.
Each command is one transaction; a refusal writes nothing and exits with code 2.
"""

from __future__ import annotations

from datetime import date
from datetime import datetime
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from sunshine.governance.rules.announcements import AnnouncementKind
from sunshine.governance.rules.survey import LABEL
from sunshine.governance.rules.survey import AskedOf
from sunshine.governance.rules.survey import Channel
from sunshine.governance.service import announcements
from sunshine.governance.service import surveys
from sunshine.identity import service as identity
from sunshine.infra import clock
from sunshine.infra import tenancy
from sunshine.infra.db import open_session
from sunshine.infra.i18n import gettext
from sunshine.infra.settings import get_settings
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.registry import service as registry

survey_app = typer.Typer(
    no_args_is_help=True, help="Surveys (意见征求): non-binding, never a vote."
)
announcement_app = typer.Typer(no_args_is_help=True, help="Announcements (公告) to owners.")
Code = Annotated[str, typer.Argument(help="Community code, e.g. jcdy.")]
SurveyId = Annotated[int, typer.Argument(help="The survey's number.")]


def _(message: str) -> str:
    return gettext(get_settings().default_locale, message)


def _day(text: str) -> date:
    if not text:
        return clock.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid("{value} is not a date (YYYY-MM-DD)", args={"value": text}) from None


def _question(text: str) -> tuple[str, list[str]]:
    question, _sep, options = text.partition("|")
    return question.strip(), [o.strip() for o in options.split("/") if o.strip()]


def _answers(given: list[str]) -> dict[int, int]:
    answers: dict[int, int] = {}
    for text in given:
        number, _sep, option = text.partition("=")
        try:
            answers[int(number)] = int(option)
        except ValueError:
            raise Invalid(
                "{value} is not QUESTION=OPTION, e.g. 1=1", args={"value": text}
            ) from None
    return answers


def _staff(session: Session, username: str) -> int:
    user = identity.find_user_by_username(session, username)
    if user is None:
        raise NotFound("no user {name}", args={"name": username})
    return user.id


@survey_app.command("open")
def open_(
    code: Code,
    title: Annotated[str, typer.Argument(help="The survey's title.")],
    question: Annotated[
        list[str], typer.Option(help='"QUESTION|OPTION/OPTION/…", once per question.')
    ],
    opens: Annotated[str, typer.Option(help="First day, YYYY-MM-DD.")],
    closes: Annotated[str, typer.Option(help="Last day, YYYY-MM-DD.")],
    households: Annotated[bool, typer.Option(help="Ask households, not owners.")] = False,
) -> None:
    """Open a survey of the community's units; it is logged."""
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, code)
        made = surveys.open_survey(
            session, ref.id, title=title, questions=[_question(q) for q in question],
            asked_of=AskedOf.HOUSEHOLDS if households else AskedOf.OWNERS,
            opens_on=_day(opens), closes_on=_day(closes), actor_id=None,
        )  # fmt: skip
        session.commit()
        typer.echo(
            _("survey {id} opened: {asked} units asked").format(id=made.id, asked=made.asked)
        )


@survey_app.command("respond")
def respond(
    code: Code,
    survey_id: SurveyId,
    unit: Annotated[str, typer.Argument(help="The unit's number, e.g. 1-2-301.")],
    channel: Annotated[Channel, typer.Option(help="door, phone or paper.")],
    by: Annotated[str, typer.Option("--by", help="The staff login entering it.")],
    answer: Annotated[list[str] | None, typer.Option(help="QUESTION=OPTION, e.g. 1=1.")] = None,
    at: Annotated[str, typer.Option(help="When it was taken (ISO); now by default.")] = "",
) -> None:
    """Enter a response taken at the door, by phone or on paper (a blank: no --answer)."""
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, code)
        found = registry.find_unit(session, ref.id, unit)
        if found is None:
            raise NotFound("no unit {number}", args={"number": unit})
        when = clock.now() if not at else _instant(at)
        surveys.enter_response(
            session, ref.id, survey_id, unit_id=found.id, answers=_answers(answer or []),
            channel=channel, actor_id=_staff(session, by), at=when,
        )  # fmt: skip
        session.commit()
        typer.echo(_("response of {unit} entered").format(unit=unit))


def _instant(text: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise Invalid("{value} is not a time (YYYY-MM-DDTHH:MM)", args={"value": text}) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=clock.SHANGHAI)


@survey_app.command("close")
def close(code: Code, survey_id: SurveyId, on: Annotated[str, typer.Option("--on")] = "") -> None:
    """Close the survey on or after its last day: its result is counted and logged."""
    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, code)
        surveys.close_survey(session, ref.id, survey_id, on=_day(on))
        session.commit()
    typer.echo(_("survey {id} closed").format(id=survey_id))


@survey_app.command("show")
def show(code: Code, survey_id: SurveyId) -> None:
    """The survey, labelled as one, with its result (counted now while it is open)."""
    with open_session() as session:
        ref = tenancy.resolve(session, code)
        survey = surveys.get_survey(session, ref.id, survey_id)
        result = surveys.count_now(session, ref.id, survey)
        typer.echo(f"{survey.id}\t{survey.title}\t{LABEL}")
        typer.echo(
            _("asked {asked}, responses {responses}").format(
                asked=result.asked, responses=result.responses
            )
        )
        for question in result.questions:
            typer.echo(f"{question.question.number}. {question.question.text}")
            typer.echo(_("valid responses {valid}").format(valid=question.valid))
            for option in question.options:
                typer.echo(f"  {option.text}\t{option.count}\t{option.percent}%")


@announcement_app.command("publish")
def publish(
    code: Code,
    kind: Annotated[AnnouncementKind, typer.Argument(help="What it announces.")],
    title: Annotated[str, typer.Argument()],
    text: Annotated[str, typer.Option(help="The notice's text.")] = "",
    ref: Annotated[str, typer.Option(help="decision:N, vote:N, survey:N or meeting:N.")] = "",
    on: Annotated[str, typer.Option("--on", help="Publishing day; today by default.")] = "",
    due: Annotated[str, typer.Option(help="Its deadline, when no rule gives one.")] = "",
) -> None:
    """Publish an announcement; it is logged, and flagged if later than its deadline."""
    with open_session(writes=True) as session:
        cid = tenancy.resolve(session, code).id
        row = announcements.publish(
            session, cid, kind=kind, title=title, text=text, on=_day(on), ref=ref,
            due_by=_day(due) if due else None, actor_id=None,
        )  # fmt: skip
        session.commit()
        late = announcements.is_late(row)
        typer.echo(_("announcement {id} published").format(id=row.id) + (
            " " + _("(late)") if late else ""))  # fmt: skip


@announcement_app.command("list")
def list_(code: Code) -> None:
    """Announcements, newest first: day, deadline, late or not, kind, title."""
    with open_session() as session:
        cid = tenancy.resolve(session, code).id
        for row in announcements.list_announcements(session, cid):
            due = row.due_by.isoformat() if row.due_by else "-"
            late = _("late") if announcements.is_late(row) else ""
            typer.echo(
                f"{row.id}\t{row.published_on.isoformat()}\t{due}\t{late}\t{row.kind.value}"
                f"\t{row.title}"
            )
