"""What the survey and announcement pages share: paths, labels, rendering, refusals."""

from __future__ import annotations

from typing import Annotated
from typing import Any

from fastapi import Form
from fastapi import Request
from fastapi.responses import Response

from sunshine.governance.rules.announcements import AnnouncementKind
from sunshine.governance.rules.survey import AskedOf
from sunshine.governance.rules.survey import Channel
from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra.tenancy import CommunityRef
from sunshine.infra.web import Viewer
from sunshine.infra.web import render
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Forbidden
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound

SURVEYS = "/c/{code}/surveys"
ANNOUNCEMENTS = "/c/{code}/announcements"
FormText = Annotated[str, Form()]
Refusal = Invalid | Conflict | Forbidden | NotFound
REFUSALS = (Invalid, Conflict, Forbidden, NotFound)
_STATUS: dict[type[Refusal], int] = {Invalid: 422, Conflict: 409, Forbidden: 403, NotFound: 404}


def N_(message: str) -> str:  # noqa: N802 - the gettext marker the catalog extractor knows
    """Mark a message for translation where it is defined; templates translate it when shown."""
    return message


LABELS: dict[str, str] = {
    AskedOf.OWNERS: N_("Owners, one response per unit"),
    AskedOf.HOUSEHOLDS: N_("Households, one response per unit"),
    Channel.ONLINE: N_("Online"),
    Channel.DOOR: N_("Door to door"),
    Channel.PHONE: N_("By phone"),
    Channel.PAPER: N_("Paper form"),
    AnnouncementKind.MEETING_NOTICE: N_("Meeting notice"),
    AnnouncementKind.VOTE_NOTICE: N_("Vote notice"),
    AnnouncementKind.VOTE_RESULT: N_("Vote result"),
    AnnouncementKind.DECISION: N_("Committee decision"),
    AnnouncementKind.SURVEY: N_("Survey"),
    AnnouncementKind.OTHER: N_("Notice"),
    "open": N_("Open"),
    "closed": N_("Closed"),
}


def status_of(exc: Refusal) -> int:
    return _STATUS[type(exc)]


def render_governance(
    request: Request,
    viewer: Viewer | None,
    community: CommunityRef,
    template: str,
    *,
    status_code: int = 200,
    **context: Any,
) -> Response:
    cid = community.id
    base = {
        "community": community,
        "community_name": community.name,
        "labels": LABELS,
        "can_manage_survey": identity.can(viewer, Action.MANAGE_SURVEY, cid),
        "can_answer_survey": identity.can(viewer, Action.ANSWER_SURVEY, cid),
        "can_publish": identity.can(viewer, Action.PUBLISH_ANNOUNCEMENT, cid),
        "channels": [c for c in Channel if c is not Channel.ONLINE],
        "kinds": list(AnnouncementKind),
        "asked_of": list(AskedOf),
    }
    return render(request, template, {**base, **context}, status_code=status_code)
