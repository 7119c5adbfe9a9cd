"""Surveys (意见征求) at /c/{code}/surveys: the list, one survey, answering, staff entry.

Everyone who may read the community's public notices sees the surveys, each labelled as a
survey that decides nothing, and a closed survey's logged result; staff (MANAGE_SURVEY) also
see the counts while it is open, open a survey, enter responses taken at the door, by phone
or on paper, and close it. An owner or resident (ANSWER_SURVEY) answers online for the units
they may answer for, and may change the answer until the survey closes. The result prints
on A4 for the paper board (`result.pdf`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Annotated
from typing import Any

from fastapi import APIRouter
from fastapi import Depends
from fastapi import Request
from fastapi.responses import RedirectResponse
from fastapi.responses import Response
from sqlalchemy.orm import Session

from sunshine.governance.models.surveys import SurveyState
from sunshine.governance.pages.surveys_common import REFUSALS
from sunshine.governance.pages.surveys_common import SURVEYS
from sunshine.governance.pages.surveys_common import FormText
from sunshine.governance.pages.surveys_common import Refusal
from sunshine.governance.pages.surveys_common import render_governance
from sunshine.governance.pages.surveys_common import status_of
from sunshine.governance.rules.survey import LABEL
from sunshine.governance.rules.survey import LABEL_EN
from sunshine.governance.rules.survey import MAX_QUESTION_FIELDS
from sunshine.governance.rules.survey import AskedOf
from sunshine.governance.rules.survey import Channel
from sunshine.governance.service import printing
from sunshine.governance.service import surveys
from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra import clock
from sunshine.infra.inputs import RowId
from sunshine.infra.tenancy import CommunityRef
from sunshine.infra.web import CsrfChecked
from sunshine.infra.web import CurrentCommunity
from sunshine.infra.web import CurrentViewer
from sunshine.infra.web import DbSession
from sunshine.infra.web import OptionalViewer
from sunshine.infra.web import Viewer
from sunshine.kernel.errors import Invalid
from sunshine.registry import service as registry

router = APIRouter(include_in_schema=False)
SURVEY = SURVEYS + "/{number}"


async def _posted(request: Request) -> dict[str, str]:
    """The form's text fields (parsed once per request; the CSRF check read it already)."""
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


Posted = Annotated[dict[str, str], Depends(_posted)]


@router.get(SURVEYS)
def survey_list(
    request: Request, session: DbSession, viewer: OptionalViewer, community: CurrentCommunity
) -> Response:
    """Every survey, newest first, labelled as a survey."""
    identity.authorize(viewer, Action.READ_PUBLIC, community)
    return render_governance(
        request, viewer, community, "governance/surveys.html",
        surveys=surveys.list_surveys(session, community.id), label=LABEL, label_en=LABEL_EN,
    )  # fmt: skip


@router.get(SURVEYS + "/new")
def new_survey(request: Request, viewer: CurrentViewer, community: CurrentCommunity) -> Response:
    identity.authorize(viewer, Action.MANAGE_SURVEY, community)
    return _form(request, viewer, community)


def _form(
    request: Request,
    viewer: Viewer,
    community: CommunityRef,
    *,
    status_code: int = 200,
    **context: Any,
) -> Response:
    return render_governance(
        request, viewer, community, "governance/survey_new.html", status_code=status_code,
        label=LABEL, today=clock.today(), **context,
    )  # fmt: skip


@router.post(SURVEYS, dependencies=[CsrfChecked])
def create_survey(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    title: FormText = "",
    question: FormText = "",
    options: FormText = "",
    asked_of: FormText = "owners",
    opens_on: FormText = "",
    closes_on: FormText = "",
) -> Response:
    """Open a survey with one question; its options one a line."""
    identity.authorize(viewer, Action.MANAGE_SURVEY, community)
    try:
        with session.begin_nested():
            made = surveys.open_survey(
                session, community.id, title=title,
                questions=[(question, [o for o in options.splitlines() if o.strip()])],
                asked_of=_asked_of(asked_of), opens_on=_day(opens_on), closes_on=_day(closes_on),
                actor_id=viewer.user_id,
            )  # fmt: skip
    except REFUSALS as exc:
        form = {"title": title, "question": question, "options": options}
        return _form(request, viewer, community, status_code=status_of(exc), error=exc, form=form)
    session.commit()
    return RedirectResponse(f"/c/{community.code}/surveys/{made.id}", status_code=303)


def _asked_of(text: str) -> AskedOf:
    try:
        return AskedOf(text)
    except ValueError:
        raise Invalid("choose whom the survey asks") from None


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise Invalid("{value} is not a date (YYYY-MM-DD)", args={"value": text[:20]}) from None


@router.get(SURVEY)
def survey_page(
    request: Request,
    number: RowId,
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
) -> Response:
    """One survey: what it asks, its result (staff: counted so far), the owner's form."""
    identity.authorize(viewer, Action.READ_PUBLIC, community)
    return _survey(request, session, viewer, community, number)


def _survey(
    request: Request,
    session: Session,
    viewer: Viewer | None,
    community: CommunityRef,
    number: int,
    *,
    status_code: int = 200,
    **context: Any,
) -> Response:
    cid = community.id
    survey = surveys.get_survey(session, cid, number)
    closed = survey.state is SurveyState.CLOSED
    staff = identity.can(viewer, Action.MANAGE_SURVEY, cid)
    mine = []
    if viewer is not None and not closed and identity.can(viewer, Action.ANSWER_SURVEY, cid):
        for unit_id, unit_number, _party in surveys.answerable_units(
            session, cid, survey, viewer.user_id
        ):
            current = surveys.current_response(session, cid, survey.id, unit_id)
            answers = json.loads(current.answers) if current is not None else {}
            mine.append({"unit_id": unit_id, "number": unit_number, "answers": answers,
                         "answered": current is not None})  # fmt: skip
    return render_governance(
        request, viewer, community, "governance/survey.html", status_code=status_code,
        survey=survey, questions=surveys.questions_of(survey),
        result=surveys.count_now(session, cid, survey) if closed or staff else None,
        closed=closed, mine=mine, label=LABEL, label_en=LABEL_EN,
        taking=not closed and survey.opens_on <= clock.today() <= survey.closes_on,
        saved=request.query_params.get("saved", ""), **context,
    )  # fmt: skip


def _answers(form: Mapping[str, str], count: int) -> dict[int, int]:
    answers = {}
    for number in range(1, min(count, MAX_QUESTION_FIELDS) + 1):
        value = form.get(f"q{number}", "")
        if value.strip():
            try:
                answers[number] = int(value)
            except ValueError:
                raise Invalid("choose one of the options") from None
    return answers


@router.post(SURVEY + "/answer", dependencies=[CsrfChecked])
def answer(
    request: Request,
    number: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    form: Posted,
) -> Response:
    """The owner's (or resident's) own answer for one unit; it replaces an earlier one."""
    identity.authorize(viewer, Action.ANSWER_SURVEY, community)
    try:
        with session.begin_nested():
            survey = surveys.get_survey(session, community.id, number)
            unit_id = _unit_id(form.get("unit"))
            surveys.answer_online(
                session, community.id, number, user_id=viewer.user_id, unit_id=unit_id,
                answers=_answers(form, len(surveys.questions_of(survey))), at=clock.now(),
            )  # fmt: skip
    except REFUSALS as exc:
        return _refused(request, session, viewer, community, number, exc)
    session.commit()
    return RedirectResponse(f"/c/{community.code}/surveys/{number}?saved=1", status_code=303)


def _unit_id(value: str | None) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise Invalid("choose the unit you answer for") from None


def _refused(
    request: Request,
    session: Session,
    viewer: Viewer,
    community: CommunityRef,
    number: int,
    exc: Refusal,
) -> Response:
    return _survey(
        request, session, viewer, community, number, status_code=status_of(exc), error=exc
    )


@router.post(SURVEY + "/responses", dependencies=[CsrfChecked])
def enter(
    request: Request,
    number: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    form: Posted,
) -> Response:
    """Staff enter a response taken at the door, by phone or on paper, with its channel."""
    identity.authorize(viewer, Action.MANAGE_SURVEY, community)
    try:
        with session.begin_nested():
            survey = surveys.get_survey(session, community.id, number)
            unit = registry.find_unit(session, community.id, str(form.get("unit", "")).strip())
            if unit is None:
                raise Invalid("no unit with that number")
            try:
                channel = Channel(str(form.get("channel", "")))
            except ValueError:
                raise Invalid("choose how the response was taken") from None
            surveys.enter_response(
                session, community.id, number, unit_id=unit.id,
                answers=_answers(form, len(surveys.questions_of(survey))), channel=channel,
                actor_id=viewer.user_id, at=clock.now(),
            )  # fmt: skip
    except REFUSALS as exc:
        return _refused(request, session, viewer, community, number, exc)
    session.commit()
    return RedirectResponse(f"/c/{community.code}/surveys/{number}?saved=1", status_code=303)


@router.post(SURVEY + "/close", dependencies=[CsrfChecked])
def close(
    request: Request,
    number: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
) -> Response:
    """Close the survey (on or after its last day): its result is counted and logged."""
    identity.authorize(viewer, Action.MANAGE_SURVEY, community)
    try:
        with session.begin_nested():
            surveys.close_survey(session, community.id, number, on=clock.today())
    except REFUSALS as exc:
        return _refused(request, session, viewer, community, number, exc)
    session.commit()
    return RedirectResponse(f"/c/{community.code}/surveys/{number}", status_code=303)


@router.get(SURVEY + "/result.pdf")
def result_pdf(
    number: RowId, session: DbSession, viewer: OptionalViewer, community: CurrentCommunity
) -> Response:
    """The result on A4 for the paper board: a closed survey's for everyone, staff's any time."""
    identity.authorize(viewer, Action.READ_PUBLIC, community)
    survey = surveys.get_survey(session, community.id, number)
    if survey.state is not SurveyState.CLOSED:
        identity.authorize(viewer, Action.MANAGE_SURVEY, community)
    pdf = printing.survey_pdf(session, community.id, community.name, number)
    disposition = f'inline; filename="survey-{number}.pdf"'
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": disposition})
