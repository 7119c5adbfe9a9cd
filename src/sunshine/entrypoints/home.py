"""The front door: `/` lists the communities and their latest notices.

`/welcome` is where a login lands; `/lang/…` switches the language.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from fastapi import Query
from fastapi import Request
from fastapi.responses import RedirectResponse
from fastapi.responses import Response

from sunshine.disclosure.service import notices
from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.identity.rules import Role
from sunshine.infra.i18n import LOCALES
from sunshine.infra.settings import get_settings
from sunshine.infra.web import LOCALE_COOKIE
from sunshine.infra.web import DbSession
from sunshine.infra.web import OptionalViewer
from sunshine.infra.web import local_path
from sunshine.infra.web import render
from sunshine.registry import service as registry
from sunshine.registry.service import publicity

router = APIRouter(include_in_schema=False)
ADMIN_COMMUNITIES = "/admin/communities"  # registry.pages.admin


@router.get("/")
def front_door(
    request: Request,
    session: DbSession,
    viewer: OptionalViewer,
    q: Annotated[str, Query(max_length=80)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """A public page: the communities on this server with their latest notice, and a login.

    Someone logged out sees those whose disclosure is public; a member also sees their
    own. A member of exactly one community, asking for nothing, goes straight to it.
    """
    mine = identity.communities_of(viewer) if viewer is not None else frozenset()
    if viewer is not None and not q and page == 1 and mine is not None and len(mine) == 1:
        (only,) = registry.list_communities(session, mine)
        return RedirectResponse(f"/c/{only.code}", status_code=303)
    found = publicity.directory(session, also=mine, search=q, page=page)
    rows = [
        {"community": c, "latest": next(iter(notices.list_notices(session, c.id, limit=1)), None)}
        for c in found.communities
    ]
    oversees = viewer is not None and any(
        identity.can(viewer, Action.VIEW_OVERSIGHT, c.id) for c in found.communities
    )
    context = {"rows": rows, "directory": found, "q": q, "oversees": oversees}
    return render(request, "home.html", context)


@router.get("/welcome")
def landing(session: DbSession, viewer: OptionalViewer) -> Response:
    """Where a login lands: each kind of user on the page made for them.

    The platform admin on the communities they set up, supervisors (street and city) on
    the communities they oversee, a member of one community on it, anyone else on `/`.
    """
    if viewer is None:
        return RedirectResponse("/login", status_code=303)
    held = set(viewer.global_roles).union(*viewer.roles.values())
    if Role.PLATFORM_ADMIN.value in held:
        return RedirectResponse(ADMIN_COMMUNITIES, status_code=303)
    if held & {Role.SUPERVISOR.value, Role.CITY_SUPERVISOR.value}:
        return RedirectResponse("/oversight", status_code=303)
    communities = registry.list_communities(session, identity.communities_of(viewer))
    if len(communities) == 1:
        return RedirectResponse(f"/c/{communities[0].code}", status_code=303)
    return RedirectResponse("/", status_code=303)


@router.get("/lang/{locale}")
def switch_language(locale: str, next_url: Annotated[str, Query(alias="next")] = "/") -> Response:
    """Remember the chosen language in a cookie and go back."""
    response = RedirectResponse(local_path(next_url), status_code=303)
    if locale in LOCALES:
        response.set_cookie(
            LOCALE_COOKIE,
            locale,
            max_age=365 * 86400,
            samesite="lax",
            secure=get_settings().cookie_secure,
        )
    return response
