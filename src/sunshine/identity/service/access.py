"""Who may do what where: the viewer's roles in a community, `can` and `authorize`.

Routes name the community by its `CommunityRef` (or its id): the ref carries whether the
community's public disclosure is on, which gives anyone, logged in or not, the public
reading right (`Action.READ_PUBLIC`, identity.rules.policy). An id alone grants no public
right, so a caller that forgets the ref is refused, never let in.
"""

from __future__ import annotations

from typing import Literal
from typing import overload

from sunshine.identity.rules import Action
from sunshine.identity.rules import Role
from sunshine.identity.rules import allowed
from sunshine.identity.rules import effective_roles
from sunshine.infra.tenancy import CommunityRef
from sunshine.infra.web import Viewer
from sunshine.kernel.errors import Forbidden
from sunshine.kernel.errors import NotFound
from sunshine.kernel.errors import Unauthenticated

Community = CommunityRef | int


def _id_and_publicity(community: Community) -> tuple[int, bool]:
    if isinstance(community, CommunityRef):
        return community.id, community.disclosure_public
    return community, False


def viewer_roles(viewer: Viewer | None, community_id: int) -> frozenset[Role]:
    """The roles that count for `viewer` in one community, city-wide roles included."""
    if viewer is None:
        return frozenset()
    held = (Role(r) for r in viewer.roles.get(community_id, frozenset()))
    return effective_roles(held, (Role(r) for r in viewer.global_roles))


def can(viewer: Viewer | None, action: Action, community: Community) -> bool:
    """Whether `viewer` (None: logged out) may do `action` in the community."""
    community_id, public = _id_and_publicity(community)
    return allowed(viewer_roles(viewer, community_id), action, disclosure_public=public)


# The public reading right may let in someone logged out (None); every other right
# needs a viewer, so its callers get one.
@overload
def authorize(  # type: ignore[overload-overlap]
    viewer: Viewer | None, action: Literal[Action.READ_PUBLIC], community: Community
) -> Viewer | None: ...
@overload
def authorize(viewer: Viewer | None, action: Action, community: Community) -> Viewer: ...
def authorize(viewer: Viewer | None, action: Action, community: Community) -> Viewer | None:
    """Raise unless `viewer` may do `action` in the community; return the viewer.

    Someone logged out who may not gets Unauthenticated (the login page). A viewer with
    no role at all in the community gets NotFound, so that the existence of another
    community's data is not revealed; one with a role but not this right gets Forbidden.
    The public reading right returns the viewer as it came, None for someone logged out.
    """
    if can(viewer, action, community):
        return viewer
    if viewer is None:
        raise Unauthenticated("please log in first")
    community_id, _public = _id_and_publicity(community)
    if not viewer_roles(viewer, community_id):
        raise NotFound("this community does not exist or is not yours")
    raise Forbidden("your role does not allow this")


def communities_of(viewer: Viewer) -> frozenset[int] | None:
    """The community ids `viewer` may open; None means every community (city-wide roles)."""
    if viewer.global_roles & {Role.CITY_SUPERVISOR.value, Role.PLATFORM_ADMIN.value}:
        return None
    return frozenset(viewer.roles)


def authorize_platform(viewer: Viewer | None, action: Action) -> Viewer:
    """Raise unless `viewer`'s city-wide roles allow `action`, which concerns no one community."""
    if viewer is None:
        raise Unauthenticated("please log in first")
    if allowed(effective_roles((), (Role(r) for r in viewer.global_roles)), action):
        return viewer
    raise Forbidden("your role does not allow this")
