"""The community home page: facts, committee (names masked) and counts; an owner's own household."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi import Request
from fastapi.responses import Response

from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.identity.rules import Role
from sunshine.infra.authority import authority_href
from sunshine.infra.web import DbSession
from sunshine.infra.web import OptionalViewer
from sunshine.kernel.masking import mask_name
from sunshine.registry import service as registry
from sunshine.registry.pages.common import HOME
from sunshine.registry.pages.common import open_community
from sunshine.registry.pages.common import render_page
from sunshine.registry.service import trustee as trustees

router = APIRouter(include_in_schema=False)


# --- the community home page --------------------------------------------------


@router.get(HOME)
def community_home(
    request: Request, code: str, session: DbSession, viewer: OptionalViewer
) -> Response:
    """Facts and counts for anyone who may read its public notices.

    Members also see the committee (names masked), owners their household.
    """
    community = open_community(session, viewer, code, Action.READ_PUBLIC)
    committee = [
        mask_name(user.display_name)
        for user, role in identity.list_members(session, community.id)
        if role == Role.COMMITTEE and identity.can(viewer, Action.VIEW_COMMUNITY, community.id)
    ]
    household = (
        registry.household_of(session, community.id, viewer.user_id)
        if viewer is not None and identity.can(viewer, Action.VIEW_OWN_HOUSEHOLD, community.id)
        else None
    )
    cited = trustees.trustee_authority(session, community)
    return render_page(
        request,
        viewer,
        community,
        "registry/home.html",
        summary=registry.summarise(session, community),
        committee=committee,
        household=household,
        member=identity.can(viewer, Action.VIEW_COMMUNITY, community.id),  # the votes' pages
        # the vote or decision that hired (or dismissed) the trustee, where one is linked
        trustee_authority=cited,
        trustee_authority_href=authority_href(community.code, cited),
    )
