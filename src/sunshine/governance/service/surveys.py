"""Surveys (意见征求): opened and closed, each logged; responses online or entered by staff.

A survey asks the owners (one response per unit) or the households living there
non-binding single-choice questions, between two days (inclusive, local time). Opening
logs a `governance.survey` record (ref `survey/ID`): what it asks, of whom, how many
units, its days, `binding: false` and the label 意见征求，不具表决效力. Responses come online
(the owner, or for a household survey also a resident, logged in) or are entered by staff
from door-to-door, phone and paper rounds, with the channel. One response counts per
unit: a later one replaces it (history kept) until the survey closes. Closing, on or
after its last day, counts them (rules.survey) and logs the record again with the result:
counts and shares only, no unit and no person. The survey keeps its latest record.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from collections.abc import Sequence
from datetime import date
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.governance.models import Survey
from sunshine.governance.models import SurveyResponse
from sunshine.governance.models.surveys import SurveyState
from sunshine.governance.rules.survey import LABEL
from sunshine.governance.rules.survey import AskedOf
from sunshine.governance.rules.survey import Channel
from sunshine.governance.rules.survey import Question
from sunshine.governance.rules.survey import SurveyResult
from sunshine.governance.rules.survey import count
from sunshine.governance.rules.survey import result_record
from sunshine.governance.service.decisions import public_title
from sunshine.infra import clock
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Forbidden
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.registry import service as registry
from sunshine.transparency import service as transparency
from sunshine.transparency.rules import records
from sunshine.transparency.rules.records import LogKind

LOG_KIND = LogKind("governance.survey")
MAX_QUESTIONS = 20
MAX_OPTIONS = 10


def ref_of(survey_id: int) -> str:
    return f"survey/{survey_id}"


def _questions_json(questions: Sequence[tuple[str, Sequence[str]]]) -> str:
    if not 0 < len(questions) <= MAX_QUESTIONS:
        raise Invalid("a survey asks 1 to 20 questions")
    shaped = []
    for number, (text, options) in enumerate(questions, start=1):
        cleaned = [public_title(option) for option in options]
        if not 2 <= len(cleaned) <= MAX_OPTIONS or len(set(cleaned)) != len(cleaned):
            raise Invalid("question {n} needs 2 to 10 different options", args={"n": number})
        shaped.append({"number": number, "text": public_title(text), "options": cleaned})
    return json.dumps(shaped, ensure_ascii=False)


def questions_of(survey: Survey) -> tuple[Question, ...]:
    loaded: list[dict[str, Any]] = json.loads(survey.questions)
    return tuple(Question(q["number"], q["text"], tuple(q["options"])) for q in loaded)


def survey_record(survey: Survey, result: SurveyResult | None = None) -> dict[str, object]:
    """The public record of a survey: what it asks, of whom, when; its result once closed."""
    body: dict[str, object] = {
        "survey": survey.id,
        "state": survey.state.value,
        "binding": False,
        "label": LABEL,
        "title": survey.title,
        "questions": json.loads(survey.questions),
        "asked_of": survey.asked_of.value,
        "asked": survey.asked,
        "opens": survey.opens_on.isoformat(),
        "closes": survey.closes_on.isoformat(),
    }
    if result is not None:
        body["result"] = result_record(result)
    return body


def _log(session: Session, survey: Survey, body: dict[str, object]) -> None:
    logged = transparency.append(
        session, survey.community_id, kind=LOG_KIND, record=body, ref=ref_of(survey.id)
    )
    survey.body, survey.log_seq = records.canonical(body).decode("utf-8"), logged.seq
    session.flush()


def open_survey(
    session: Session,
    community_id: int,
    *,
    title: str,
    questions: Sequence[tuple[str, Sequence[str]]],
    asked_of: AskedOf,
    opens_on: date,
    closes_on: date,
    actor_id: int | None,
    asked: int | None = None,
) -> Survey:
    """Open a survey of every unit of the community (or `asked` of them) and log it."""
    if closes_on < opens_on:
        raise Invalid("a survey closes on or after the day it opens")
    units = len(registry.list_units(session, community_id))
    asked = units if asked is None else asked
    if not 0 < asked <= units:
        raise Invalid(
            "a survey asks between 1 and the community's {units} units", args={"units": units}
        )
    survey = Survey(
        community_id=community_id, title=public_title(title),
        questions=_questions_json(questions), asked_of=asked_of, asked=asked,
        opens_on=opens_on, closes_on=closes_on, state=SurveyState.OPEN, body="", log_seq=0,
        created_by=actor_id, created_at=clock.now(),
    )  # fmt: skip
    session.add(survey)
    session.flush()
    _log(session, survey, survey_record(survey))
    return survey


def get_survey(session: Session, community_id: int, survey_id: int) -> Survey:
    survey = session.get(Survey, (community_id, survey_id))
    if survey is None:
        raise NotFound("no survey {id} in this community", args={"id": survey_id})
    return survey


def list_surveys(session: Session, community_id: int) -> list[Survey]:
    """Newest first."""
    query = select(Survey).where(Survey.community_id == community_id)
    return list(session.scalars(query.order_by(Survey.opens_on.desc(), Survey.id.desc())))


def record_of(survey: Survey) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(survey.body)
    return loaded


def _answers(survey: Survey, answers: Mapping[int, int]) -> str:
    """The answers as stored: {"1": 2}; a question left out is a blank."""
    questions = {q.number: q for q in questions_of(survey)}
    shaped = {}
    for number, option in sorted(answers.items()):
        question = questions.get(number)
        if question is None:
            raise Invalid("the survey has no question {n}", args={"n": number})
        if not 1 <= option <= len(question.options):
            raise Invalid("question {n} has no option {o}", args={"n": number, "o": option})
        shaped[str(number)] = option
    return json.dumps(shaped)


def _taking(session: Session, community_id: int, survey_id: int, on: date) -> Survey:
    survey = get_survey(session, community_id, survey_id)
    if survey.state is not SurveyState.OPEN or not survey.opens_on <= on <= survey.closes_on:
        raise Conflict(
            "survey {id} takes responses from {opens} to {closes}, while it is open",
            args={"id": survey_id, "opens": survey.opens_on.isoformat(),
                  "closes": survey.closes_on.isoformat()},
        )  # fmt: skip
    return survey


def _store(
    session: Session,
    survey: Survey,
    *,
    unit_id: int,
    answers: Mapping[int, int],
    channel: Channel,
    answered_by: int | None,
    entered_by: int | None,
    at: datetime,
) -> SurveyResponse:
    stored = _answers(survey, answers)
    earlier = current_response(session, survey.community_id, survey.id, unit_id)
    if earlier is not None:
        earlier.replaced = True
        session.flush()  # before the new row, for the unique index of counting responses
    response = SurveyResponse(
        community_id=survey.community_id, survey_id=survey.id, unit_id=unit_id, answers=stored,
        channel=channel, answered_by=answered_by, entered_by=entered_by, answered_at=at,
        replaced=False,
    )  # fmt: skip
    session.add(response)
    session.flush()
    return response


def answerable_units(
    session: Session, community_id: int, survey: Survey, user_id: int
) -> list[tuple[int, str, int]]:
    """(unit id, unit number, party id) the login may answer for.

    As an owner; for a household survey also as someone living there.
    """
    parties = set(registry.parties_of_user(session, community_id, user_id))
    found: list[tuple[int, str, int]] = []
    for item in registry.household_of(session, community_id, user_id):
        unit = item.unit
        owners = [o.party_id for o in registry.owners_of(session, community_id, unit.id)]
        by = [p for p in owners if p in parties]
        if not by and survey.asked_of is AskedOf.HOUSEHOLDS:
            residents = registry.residents_of(session, community_id, unit.id)
            by = [party.id for _res, party in residents if party.id in parties]
        if by:
            found.append((unit.id, unit.number, min(by)))
    return found


def answer_online(
    session: Session,
    community_id: int,
    survey_id: int,
    *,
    user_id: int,
    unit_id: int,
    answers: Mapping[int, int],
    at: datetime,
) -> SurveyResponse:
    """The logged-in owner's (or resident's) response for a unit; replaces an earlier one."""
    survey = _taking(session, community_id, survey_id, clock.local(at).date())
    mine = {unit: party for unit, _number, party in answerable_units(
        session, community_id, survey, user_id)}  # fmt: skip
    if unit_id not in mine:
        raise Forbidden("you may not answer this survey for that unit")
    return _store(
        session, survey, unit_id=unit_id, answers=answers, channel=Channel.ONLINE,
        answered_by=mine[unit_id], entered_by=None, at=at,
    )  # fmt: skip


def enter_response(
    session: Session,
    community_id: int,
    survey_id: int,
    *,
    unit_id: int,
    answers: Mapping[int, int],
    channel: Channel,
    actor_id: int,
    at: datetime,
) -> SurveyResponse:
    """A response staff took at the door, by phone or on paper; replaces an earlier one."""
    if channel is Channel.ONLINE:
        raise Invalid("online responses are given by the owner or resident, not entered")
    survey = _taking(session, community_id, survey_id, clock.local(at).date())
    registry.get_unit(session, community_id, unit_id)
    return _store(
        session, survey, unit_id=unit_id, answers=answers, channel=channel, answered_by=None,
        entered_by=actor_id, at=at,
    )  # fmt: skip


def current_response(
    session: Session, community_id: int, survey_id: int, unit_id: int
) -> SurveyResponse | None:
    return session.scalar(
        select(SurveyResponse).where(
            SurveyResponse.community_id == community_id,
            SurveyResponse.survey_id == survey_id,
            SurveyResponse.unit_id == unit_id,
            SurveyResponse.replaced.is_(False),
        )
    )


def history(
    session: Session, community_id: int, survey_id: int, unit_id: int
) -> list[SurveyResponse]:
    query = select(SurveyResponse).where(
        SurveyResponse.community_id == community_id,
        SurveyResponse.survey_id == survey_id,
        SurveyResponse.unit_id == unit_id,
    )
    return list(session.scalars(query.order_by(SurveyResponse.id)))


def counting_responses(session: Session, community_id: int, survey_id: int) -> list[SurveyResponse]:
    query = select(SurveyResponse).where(
        SurveyResponse.community_id == community_id,
        SurveyResponse.survey_id == survey_id,
        SurveyResponse.replaced.is_(False),
    )
    return list(session.scalars(query.order_by(SurveyResponse.unit_id)))


def count_now(session: Session, community_id: int, survey: Survey) -> SurveyResult:
    """The responses counted as they stand (a closed survey's logged result is `record_of`)."""
    answers = [
        (r.channel, {k: int(v) for k, v in json.loads(r.answers).items()})
        for r in counting_responses(session, community_id, survey.id)
    ]
    return count(questions_of(survey), answers, asked=survey.asked)


def close_survey(session: Session, community_id: int, survey_id: int, *, on: date) -> Survey:
    """Close on or after its last day: count the responses and log the result."""
    survey = get_survey(session, community_id, survey_id)
    if survey.state is SurveyState.CLOSED:
        raise Conflict("survey {id} is closed already", args={"id": survey_id})
    if on < survey.closes_on:
        raise Conflict(
            "survey {id} takes responses until {closes}",
            args={"id": survey_id, "closes": survey.closes_on.isoformat()},
        )
    result = count_now(session, community_id, survey)
    survey.state = SurveyState.CLOSED
    _log(session, survey, survey_record(survey, result) | {"closed": on.isoformat()})
    return survey
