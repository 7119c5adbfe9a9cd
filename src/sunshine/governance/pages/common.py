"""What the vote pages share: the paths, rendering with the viewer's rights, the ballot form."""

from __future__ import annotations

from typing import Annotated
from typing import Any

from fastapi import Depends
from fastapi import Request
from fastapi.responses import Response

from sunshine.governance.models import Vote
from sunshine.governance.models.votes import VoteState
from sunshine.governance.rules.tally import Choice
from sunshine.governance.rules.thresholds import thresholds_for
from sunshine.governance.service import votes
from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra.tenancy import CommunityRef
from sunshine.infra.web import Viewer
from sunshine.infra.web import render
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.kernel.errors import Problem
from sunshine.kernel.errors import SunshineError

VOTES = "/c/{code}/votes"
VOTE = "/c/{code}/votes/{number}"
# Refusals a form shows in place, with the status the API would give.
STATUS = {"Invalid": 422, "Conflict": 409, "NotFound": 404, "Forbidden": 403}


def N_(message: str) -> str:  # noqa: N802 - the gettext marker the catalog extractor knows
    return message


# Art. 278 para. 1, by item: what the matter is about (translated in the templates).
ITEMS = {
    1: N_("rules of procedure (item 1)"),
    2: N_("management covenant (item 2)"),
    3: N_("electing or replacing the owners' committee (item 3)"),
    4: N_("hiring or dismissing the property manager (item 4)"),
    5: N_("using the maintenance fund (item 5)"),
    6: N_("raising the maintenance fund (item 6)"),
    7: N_("rebuilding buildings or facilities (item 7)"),
    8: N_("changing the use of common parts, or running a business on them (item 8)"),
    9: N_("other major matters of common ownership (item 9)"),
}
OUTCOMES = {
    "passed": N_("passed"),
    "rejected": N_("rejected"),
    "quorum_not_reached": N_("not passed: quorum not reached"),
}
CHOICES = {"yes": N_("agree"), "no": N_("disagree"), "abstain": N_("abstain")}
DELIVERY_WAYS = {
    "in_person": N_("in person, signed for"),
    "registered_mail": N_("registered mail"),
    "door": N_("at the door"),
    "other": N_("other"),
}


def status_of(exc: SunshineError) -> int:
    return STATUS.get(type(exc).__name__, 400)


def rights(viewer: Viewer | None, community: CommunityRef) -> dict[str, bool]:
    cid = community.id
    return {
        "can_manage": identity.can(viewer, Action.MANAGE_VOTES, cid),
        "can_enter": identity.can(viewer, Action.ENTER_BALLOTS, cid),
        "can_recount": identity.can(viewer, Action.RECOUNT_VOTES, cid),
    }


def desk_user(viewer: Viewer | None, community: CommunityRef) -> bool:
    return any(rights(viewer, community).values())


def render_votes(
    request: Request,
    viewer: Viewer | None,
    community: CommunityRef,
    template: str,
    *,
    status_code: int = 200,
    **context: Any,
) -> Response:
    base = {
        "community": community,
        "community_name": community.name,
        "items": ITEMS,
        "outcomes": OUTCOMES,
        "choices": CHOICES,
        "delivery_ways": DELIVERY_WAYS,
        **rights(viewer, community),
    }
    return render(request, template, {**base, **context}, status_code=status_code)


def shown_vote(session: Any, community: CommunityRef, number: int, viewer: Viewer | None) -> Vote:
    """The vote as owners see it: from its opening (a draft only on the desk)."""
    vote = votes.get_vote(session, community.id, number)
    if vote.state is VoteState.DRAFT and not desk_user(viewer, community):
        raise NotFound("no owners' vote {id} in this community", args={"id": number})
    return vote


def matter_rows(vote: Vote) -> list[dict[str, Any]]:
    """Each matter with its item and the thresholds that decide it, with their sources."""
    rows = []
    for matter in votes.matters_of(vote):
        rules = thresholds_for(matter["item"])
        rows.append(matter | {"quorum": rules.quorum, "approval": rules.approval})
    return rows


async def _form_answers(request: Request) -> dict[str, str]:
    """The ballot form's answers, `m<N>` → yes / no / abstain (left blank: not answered)."""
    form = await request.form()  # parsed once per request; the CSRF check read it already
    return {
        name[1:]: value
        for name, value in form.multi_items()
        if name.startswith("m") and name[1:].isdigit() and isinstance(value, str) and value
    }


FormAnswers = Annotated[dict[str, str], Depends(_form_answers)]


def parse_answers(raw: dict[str, str]) -> dict[int, Choice]:
    """The answers as the service takes them; Invalid names a value that is not a choice."""
    answers: dict[int, Choice] = {}
    problems = []
    for number, value in raw.items():
        if value not in CHOICES:
            problems.append(Problem("choice", "agree, disagree or abstain", {}, f"m{number}"))
        else:
            answers[int(number)] = Choice(value)
    if problems:
        raise Invalid("the ballot cannot be read", problems=problems)
    if not answers:
        raise Invalid("a ballot answers at least one matter")
    return answers
