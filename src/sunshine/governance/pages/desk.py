"""The vote desk: drafting a vote, opening and closing it, paper and proxy ballots, recount.

- /c/{code}/votes/new (Action.MANAGE_VOTES): draft a vote with its matters, scope, times,
  notice and the silent-majority setting (off unless the rules of procedure adopt it).
- /c/{code}/votes/{n}/desk (any of MANAGE_VOTES, ENTER_BALLOTS, RECOUNT_VOTES): the vote's
  state and figures; open and close it (MANAGE_VOTES); enter a paper ballot with its scan
  or a proxy ballot with the written authorisation, record a proven ballot delivery
  (ENTER_BALLOTS).
- /c/{code}/votes/{n}/recount (RECOUNT_VOTES): counts the frozen roll and stored ballots
  again and says whether the logged result is what they give.
"""

from __future__ import annotations

from datetime import date
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter
from fastapi import File
from fastapi import Form
from fastapi import Request
from fastapi import UploadFile
from fastapi.responses import RedirectResponse
from fastapi.responses import Response
from sqlalchemy.orm import Session

from sunshine.governance.models import Vote
from sunshine.governance.models.votes import BallotWay
from sunshine.governance.pages.common import VOTE
from sunshine.governance.pages.common import VOTES
from sunshine.governance.pages.common import FormAnswers
from sunshine.governance.pages.common import desk_user
from sunshine.governance.pages.common import matter_rows
from sunshine.governance.pages.common import parse_answers
from sunshine.governance.pages.common import render_votes
from sunshine.governance.pages.common import status_of
from sunshine.governance.rules.thresholds import Item
from sunshine.governance.service import counting
from sunshine.governance.service import delivery
from sunshine.governance.service import desk
from sunshine.governance.service import votes
from sunshine.governance.service.votes import MatterDraft
from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra import clock
from sunshine.infra.body_limit import allow_body
from sunshine.infra.inputs import RowId
from sunshine.infra.tenancy import CommunityRef
from sunshine.infra.web import CsrfChecked
from sunshine.infra.web import CurrentCommunity
from sunshine.infra.web import CurrentViewer
from sunshine.infra.web import DbSession
from sunshine.infra.web import Viewer
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Forbidden
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.kernel.errors import SunshineError
from sunshine.ledger import service as ledger

router = APIRouter(include_in_schema=False)
REFUSED = (Invalid, Conflict, NotFound)
MATTER_ROWS = 4
Text = Annotated[str, Form(max_length=2000)]
Texts = Annotated[list[str] | None, Form(max_length=20)]


def _instant(text: str) -> datetime:
    """A time from the form (datetime-local): Beijing time, where the owners read it."""
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise Invalid(
            "{value} is not a time (YYYY-MM-DDTHH:MM)", args={"value": text[:40]}
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=clock.SHANGHAI)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid("{value} is not a day (YYYY-MM-DD)", args={"value": text[:40]}) from None


def _names(text: str) -> list[str]:
    return [
        name
        for name in text.replace("，", ",").replace("、", ",").replace(" ", ",").split(",")
        if name
    ]


def _new_page(
    request: Request,
    viewer: Viewer,
    community: CommunityRef,
    *,
    error: SunshineError | None = None,
    form: dict[str, object] | None = None,
) -> Response:
    return render_votes(
        request, viewer, community, "governance/vote_new.html",
        status_code=status_of(error) if error else 200, error=error, form=form or {},
        rows=MATTER_ROWS, item_numbers=[int(i) for i in Item],
    )  # fmt: skip


@router.get(f"{VOTES}/new")
def new_vote(request: Request, viewer: CurrentViewer, community: CurrentCommunity) -> Response:
    """The form that drafts a vote, prefilled from the query where a page offers to start one.

    The close-the-gap view links here with a lever's art. 278 item, question and title
    (`?item=8&question=…&title=…`); anything else in the query is ignored.
    """
    identity.authorize(viewer, Action.MANAGE_VOTES, community.id)
    return _new_page(request, viewer, community, form=_prefilled(request))


def _prefilled(request: Request) -> dict[str, object]:
    """The draft's first matter and title from the query: an item 1-9, texts cut to size."""
    query = request.query_params
    item = query.get("item", "")
    form: dict[str, object] = {"title": query.get("title", "")[:200]}
    if item.isdigit() and 1 <= int(item) <= len(Item):
        form["chosen"] = [item]
    if question := query.get("question", "")[:200]:
        form["questions"] = [question]
    return form


@router.post(f"{VOTES}/new", dependencies=[CsrfChecked])
def create_vote(  # noqa: PLR0913, PLR0917 - one argument per form field
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    title: Text = "",
    item: Texts = None,
    question: Texts = None,
    buildings: Text = "",
    units: Text = "",
    opens: Text = "",
    closes: Text = "",
    notice_text: Text = "",
    notice_on: Text = "",
    silent: Text = "",
) -> Response:
    """Draft the vote; it is shown to owners and logged when it opens."""
    identity.authorize(viewer, Action.MANAGE_VOTES, community.id)
    form: dict[str, object] = {
        "title": title, "chosen": item or [], "questions": question or [], "buildings": buildings,
        "units": units, "opens": opens, "closes": closes, "notice_text": notice_text,
        "notice_on": notice_on, "silent": bool(silent),
    }  # fmt: skip
    try:
        with session.begin_nested():
            matters = [
                MatterDraft(Item(int(i)), q.strip())
                for i, q in zip(item or [], question or [], strict=False)
                if q.strip() and i.isdigit() and 1 <= int(i) <= 9
            ]
            vote = votes.create_vote(
                session, community.id, title=title, matters=matters,
                scope=votes.scope_named(session, community.id, _names(buildings), _names(units)),
                opens_at=_instant(opens), closes_at=_instant(closes), notice_text=notice_text,
                notice_on=_day(notice_on), actor_id=viewer.user_id,
                silent_follow_majority=bool(silent),
            )  # fmt: skip
    except REFUSED as exc:
        return _new_page(request, viewer, community, error=exc, form=form)
    session.commit()
    return RedirectResponse(f"/c/{community.code}/votes/{vote.id}/desk", status_code=303)


def _desk_vote(session: Session, viewer: Viewer, community: CommunityRef, number: int) -> Vote:
    identity.authorize(viewer, Action.VIEW_COMMUNITY, community.id)
    if not desk_user(viewer, community):
        raise Forbidden("only the committee and the property office work at the vote desk")
    return votes.get_vote(session, community.id, number)


def _desk_page(
    request: Request,
    session: Session,
    viewer: Viewer,
    community: CommunityRef,
    vote: Vote,
    *,
    error: SunshineError | None = None,
    entered: str | None = None,
) -> Response:
    buildings, units = votes.scope_names(session, vote)
    return render_votes(
        request, viewer, community, "governance/desk.html",
        status_code=status_of(error) if error else 200, vote=vote, matters=matter_rows(vote),
        buildings=buildings, units=units, figures=desk.figures(session, vote),
        roll=desk.roll_entries(vote), now=clock.now(), error=error, entered=entered,
        ways=delivery.WAYS, result=counting.result_of(vote),
    )  # fmt: skip


@router.get(f"{VOTE}/desk")
def desk_page(
    request: Request,
    number: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
) -> Response:
    """The vote's state and figures, and what the viewer may do with it."""
    vote = _desk_vote(session, viewer, community, number)
    return _desk_page(request, session, viewer, community, vote)


def _step(
    request: Request,
    session: Session,
    viewer: Viewer,
    community: CommunityRef,
    vote: Vote,
    action: Action,
    step: str,
) -> Response:
    identity.authorize(viewer, action, community.id)
    try:
        with session.begin_nested():
            if step == "open":
                counting.open_vote(session, community.id, vote.id, at=clock.now())
            else:
                counting.close_vote(session, community.id, vote.id, at=clock.now())
    except REFUSED as exc:
        return _desk_page(request, session, viewer, community, vote, error=exc)
    session.commit()
    return RedirectResponse(f"/c/{community.code}/votes/{vote.id}/desk", status_code=303)


@router.post(f"{VOTE}/open", dependencies=[CsrfChecked])
def open_vote(
    request: Request,
    number: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
) -> Response:
    """Open the drafted vote: the roll is frozen as the registry stands, and logged."""
    vote = _desk_vote(session, viewer, community, number)
    return _step(request, session, viewer, community, vote, Action.MANAGE_VOTES, "open")


@router.post(f"{VOTE}/close", dependencies=[CsrfChecked])
def close_vote(
    request: Request,
    number: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
) -> Response:
    """Close the vote once its time is up: counted, and the result logged."""
    vote = _desk_vote(session, viewer, community, number)
    return _step(request, session, viewer, community, vote, Action.MANAGE_VOTES, "close")


@router.post(f"{VOTE}/paper", dependencies=[CsrfChecked])
@allow_body(ledger.voucher_max_bytes)
def enter_ballot(
    request: Request,
    number: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    raw: FormAnswers,
    file: Annotated[UploadFile, File()],
    voter: Annotated[str, Form(max_length=200)] = "",
    way: Annotated[str, Form(max_length=16)] = "paper",
) -> Response:
    """Enter a paper ballot with its scan, or a proxy ballot with the authorisation."""
    vote = _desk_vote(session, viewer, community, number)
    identity.authorize(viewer, Action.ENTER_BALLOTS, community.id)
    data = file.file.read(ledger.voucher_max_bytes() + 1)
    try:
        with session.begin_nested():
            if way not in (BallotWay.PAPER.value, BallotWay.PROXY.value):
                raise Invalid(
                    "the desk enters paper and proxy ballots; owners cast their own online"
                )
            desk.enter_ballot(
                session, community.id, vote, voter=voter, answers=parse_answers(raw),
                way=BallotWay(way), document=data, name=file.filename or "", at=clock.now(),
                actor_id=viewer.user_id,
            )  # fmt: skip
    except REFUSED as exc:
        return _desk_page(request, session, viewer, community, vote, error=exc)
    session.commit()
    entered = next((e.units for e in desk.roll_entries(vote) if e.key == voter), voter)
    return _desk_page(request, session, viewer, community, vote, entered=entered)


@router.post(f"{VOTE}/delivery", dependencies=[CsrfChecked])
@allow_body(ledger.voucher_max_bytes)
def record_delivery(
    request: Request,
    number: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
    file: Annotated[UploadFile, File()],
    voter: Annotated[str, Form(max_length=200)] = "",
    delivered_on: Annotated[str, Form(max_length=10)] = "",
    how: Annotated[str, Form(max_length=40)] = "",
    warned: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    """Record a proven ballot delivery (the signed receipt or mail slip as its voucher)."""
    vote = _desk_vote(session, viewer, community, number)
    identity.authorize(viewer, Action.ENTER_BALLOTS, community.id)
    data = file.file.read(ledger.voucher_max_bytes() + 1)
    try:
        with session.begin_nested():
            proof = ledger.store_voucher(
                session, community.id, data, name=file.filename or "", actor_id=viewer.user_id
            )
            delivery.record_delivery(
                session, community.id, vote.id, voter=voter, delivered_on=_day(delivered_on),
                how=how, warned=bool(warned), proof_sha256=proof.sha256,
                actor_id=viewer.user_id, at=clock.now(),
            )  # fmt: skip
    except REFUSED as exc:
        return _desk_page(request, session, viewer, community, vote, error=exc)
    session.commit()
    return RedirectResponse(f"/c/{community.code}/votes/{vote.id}/desk", status_code=303)


@router.get(f"{VOTE}/recount")
def recount(
    request: Request,
    number: RowId,
    session: DbSession,
    viewer: CurrentViewer,
    community: CurrentCommunity,
) -> Response:
    """Count the frozen roll and the stored ballots again; equal to the log, or not."""
    identity.authorize(viewer, Action.RECOUNT_VOTES, community.id)
    vote = votes.get_vote(session, community.id, number)
    equal = counting.recount_from_log(session, community.id, vote.id)
    return render_votes(
        request, viewer, community, "governance/recount.html", vote=vote, equal=equal,
        result=counting.result_of(vote),
    )  # fmt: skip
