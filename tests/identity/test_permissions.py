"""The permission matrix: every role × every action × own / other community.

The expected table is written out by hand on purpose: a change to identity.rules.POLICY
must fail here until someone changes this table too, in plain sight.
"""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.identity.rules import Role
from sunshine.identity.rules.policy import PUBLIC_READING
from sunshine.infra.tenancy import CommunityRef
from sunshine.infra.web import Viewer
from sunshine.kernel.errors import Forbidden
from sunshine.kernel.errors import NotFound
from sunshine.kernel.errors import Unauthenticated
from tests.factories import make_community
from tests.factories import make_user

OWN = 1
OTHER = 2

# Columns, in this order:
COLUMNS = (
    Action.VIEW_COMMUNITY,
    Action.VIEW_OWN_HOUSEHOLD,
    Action.VIEW_REGISTRY,
    Action.MANAGE_REGISTRY,
    Action.IMPORT_ROSTER,
    Action.EXPORT_ROSTER,
    Action.MANAGE_MEMBERS,
    Action.MANAGE_COMMUNITY,
    Action.VIEW_OVERSIGHT,
    Action.VIEW_BOOKS,
    Action.OPEN_VOUCHER_ORIGINAL,
    Action.BOOK_ENTRY,
    Action.MANAGE_LEDGER,
    Action.PUBLISH_NOTICE,
    Action.MANAGE_BUDGET,
    Action.APPROVE_BUDGET,
    Action.COMMENT_BUDGET,
    Action.COUNTERSIGN_CLOSE,
    Action.VIEW_CLOSING,
    Action.COSIGN_NOTICE,
    Action.CONFIRM_COSIGN_KEY,
    Action.READ_PUBLIC,
    Action.MANAGE_VOTES,
    Action.ENTER_BALLOTS,
    Action.RECOUNT_VOTES,
    Action.RECORD_DECISION,
    Action.SET_DECISION_RULES,
    Action.PROPOSE_EXPENSE,
    Action.APPROVE_EXPENSE,
    Action.OBJECT_EXPENSE,
    Action.SET_SPENDING_LIMITS,
    Action.MANAGE_SURVEY,
    Action.ANSWER_SURVEY,
    Action.PUBLISH_ANNOUNCEMENT,
    Action.RECORD_MEETING,
)
# Y: allowed in the viewer's own community; -: Forbidden there.
#                                 view  own   view  mng   imp   exp   mng   mng   over- view  vchr  book  mng   pub   mng   appr  cmnt  csgn  view  co-   cnfm  read  mng   enter re-   rec   dec   prop  appr  obj   spend mng   ans   annc  meet
#                                 comm  hhld  reg   reg   rost  rost  memb  comm  sight books orig  entry ledg  notc  budg  budg  budg  close close sign  key   publ  vote  balt  count decn  rules expn  expn  expn  limit surv  surv  ment  ing
EXPECTED_IN_OWN_COMMUNITY: dict[Role, str] = {
    Role.OWNER:                  " Y     Y     -     -     -     -     -     -     -     Y     Y     -     -     -     -     -     Y     -     -     -     -     Y     -     -     -     -     -     -     -     -     -     -     Y     -     -   ",
    Role.RESIDENT:               " Y     Y     -     -     -     -     -     -     -     Y     -     -     -     -     -     -     -     -     -     -     -     Y     -     -     -     -     -     -     -     -     -     -     Y     -     -   ",
    Role.TRUSTEE_STAFF:          " Y     -     Y     Y     -     Y     -     -     -     Y     Y     Y     -     Y     -     -     -     -     Y     -     -     Y     -     Y     -     -     -     Y     -     -     -     Y     -     Y     Y   ",
    Role.TRUSTEE_MANAGER:        " Y     -     Y     Y     Y     Y     Y     -     -     Y     Y     Y     Y     Y     Y     -     -     -     Y     -     Y     Y     -     Y     -     -     -     Y     -     -     -     Y     -     Y     Y   ",
    Role.COMMITTEE:              " Y     -     Y     -     -     Y     -     -     -     Y     Y     -     -     -     Y     Y     Y     Y     Y     Y     Y     Y     Y     Y     Y     Y     Y     -     Y     -     Y     Y     -     Y     Y   ",
    Role.SUPERVISOR:             " Y     -     -     -     -     -     -     -     Y     Y     Y     -     -     -     -     -     -     -     -     -     -     Y     -     -     Y     -     -     -     -     Y     -     -     -     -     Y   ",
    Role.CITY_SUPERVISOR:        " Y     -     -     -     -     -     -     -     Y     Y     Y     -     -     -     -     -     -     -     -     -     -     Y     -     -     Y     -     -     -     -     Y     -     -     -     -     -   ",
    Role.PLATFORM_ADMIN:         " Y     -     Y     Y     Y     Y     Y     Y     Y     Y     Y     Y     Y     Y     Y     Y     -     -     Y     -     -     Y     Y     Y     Y     Y     Y     Y     -     -     Y     Y     -     Y     Y   ",
}  # fmt: skip
CITY_WIDE = {Role.CITY_SUPERVISOR, Role.PLATFORM_ADMIN}


def expected_rights(role: Role) -> dict[Action, bool]:
    marks = EXPECTED_IN_OWN_COMMUNITY[role].split()
    assert len(marks) == len(COLUMNS)
    return {action: mark == "Y" for action, mark in zip(COLUMNS, marks, strict=True)}


def viewer_for(role: Role) -> Viewer:
    """Someone holding `role` in community OWN (city-wide roles are held on the user)."""
    if role in CITY_WIDE:
        return Viewer(user_id=7, display_name="测试", global_roles=frozenset({role.value}))
    return Viewer(user_id=7, display_name="测试", roles={OWN: frozenset({role.value})})


CASES = [(role, action) for role in Role for action in Action]


def test_the_table_covers_every_role_and_every_action() -> None:
    assert set(EXPECTED_IN_OWN_COMMUNITY) == set(Role)
    assert set(COLUMNS) == set(Action)
    assert len(COLUMNS) == len(Action)


@pytest.mark.parametrize(("role", "action"), CASES)
def test_a_role_in_its_own_community_gets_exactly_the_rights_in_the_table(
    role: Role, action: Action
) -> None:
    viewer = viewer_for(role)
    should = expected_rights(role)[action]

    assert identity.can(viewer, action, OWN) is should
    if should:
        assert identity.authorize(viewer, action, OWN) is viewer
    else:
        with pytest.raises(Forbidden) as caught:
            identity.authorize(viewer, action, OWN)
        assert caught.value.message == "your role does not allow this"


@pytest.mark.parametrize(("role", "action"), CASES)
def test_a_role_in_another_community_sees_nothing_there_except_city_wide_roles(
    role: Role, action: Action
) -> None:
    viewer = viewer_for(role)

    if role in CITY_WIDE:
        should = expected_rights(role)[action]
        assert identity.can(viewer, action, OTHER) is should
        if should:
            assert identity.authorize(viewer, action, OTHER) is viewer
        else:
            with pytest.raises(Forbidden):
                identity.authorize(viewer, action, OTHER)
    else:
        assert identity.can(viewer, action, OTHER) is False
        with pytest.raises(NotFound) as caught:
            identity.authorize(viewer, action, OTHER)
        assert caught.value.message == "this community does not exist or is not yours"


@pytest.mark.parametrize("action", list(Action))
def test_an_anonymous_visitor_may_do_nothing_and_is_asked_to_log_in(action: Action) -> None:
    assert identity.can(None, action, OWN) is False
    with pytest.raises(Unauthenticated):
        identity.authorize(None, action, OWN)


def test_roles_from_two_communities_do_not_leak_into_each_other() -> None:
    viewer = Viewer(
        user_id=7,
        display_name="测试",
        roles={OWN: frozenset({Role.OWNER.value}), OTHER: frozenset({Role.TRUSTEE_MANAGER.value})},
    )

    assert identity.can(viewer, Action.MANAGE_REGISTRY, OTHER) is True
    assert identity.can(viewer, Action.MANAGE_REGISTRY, OWN) is False
    assert identity.can(viewer, Action.VIEW_OWN_HOUSEHOLD, OWN) is True
    assert identity.can(viewer, Action.VIEW_OWN_HOUSEHOLD, OTHER) is False
    with pytest.raises(NotFound):
        identity.authorize(viewer, Action.VIEW_COMMUNITY, 3)


def test_only_city_wide_roles_may_open_every_community() -> None:
    for role in Role:
        expected = None if role in CITY_WIDE else frozenset({OWN})
        assert identity.communities_of(viewer_for(role)) == expected, role


def test_a_real_member_of_one_community_gets_not_found_in_another(session: Session) -> None:
    home = make_community(session)
    elsewhere = make_community(session)
    user = make_user(session, community=home, role=Role.TRUSTEE_MANAGER)
    token = identity.start_session(session, user_id=user.id)
    viewer = identity.viewer_for_token(session, token)
    assert viewer is not None

    assert viewer.roles == {home.id: frozenset({"trustee_manager"})}
    assert identity.authorize(viewer, Action.MANAGE_MEMBERS, home.id) is viewer
    with pytest.raises(NotFound):
        identity.authorize(viewer, Action.VIEW_COMMUNITY, elsewhere.id)


def test_a_city_supervisor_reads_every_community_but_changes_none(session: Session) -> None:
    community = make_community(session)
    user = make_user(session, global_role=Role.CITY_SUPERVISOR)
    viewer = identity.viewer_for_token(session, identity.start_session(session, user_id=user.id))
    assert viewer is not None

    assert viewer.global_roles == frozenset({"city_supervisor"})
    assert identity.authorize(viewer, Action.VIEW_OVERSIGHT, community.id) is viewer
    with pytest.raises(Forbidden):
        identity.authorize(viewer, Action.MANAGE_REGISTRY, community.id)


PUBLIC = CommunityRef(OTHER, "other", "别处", disclosure_public=True)
PRIVATE = CommunityRef(OTHER, "other", "别处", disclosure_public=False)


@pytest.mark.parametrize("action", list(Action))
def test_public_disclosure_opens_the_public_reading_right_to_anyone_and_nothing_else(
    action: Action,
) -> None:
    outsider = viewer_for(Role.OWNER)  # an owner of OWN, a stranger to OTHER
    public = action in PUBLIC_READING

    assert identity.can(None, action, PUBLIC) is public
    assert identity.can(outsider, action, PUBLIC) is public
    assert identity.can(None, action, PRIVATE) is False
    if public:
        assert identity.authorize(None, action, PUBLIC) is None
        assert identity.authorize(outsider, action, PUBLIC) is outsider
    else:
        with pytest.raises(Unauthenticated):
            identity.authorize(None, action, PUBLIC)
        with pytest.raises(NotFound):
            identity.authorize(outsider, action, PUBLIC)


def test_with_disclosure_off_the_public_notices_are_for_members_only() -> None:
    member = Viewer(user_id=7, display_name="测试", roles={OTHER: frozenset({"resident"})})

    assert {Action.READ_PUBLIC} == PUBLIC_READING
    assert identity.authorize(member, Action.READ_PUBLIC, PRIVATE) is member
    with pytest.raises(Unauthenticated):
        identity.authorize(None, Action.READ_PUBLIC, PRIVATE)
    with pytest.raises(NotFound):
        identity.authorize(viewer_for(Role.OWNER), Action.READ_PUBLIC, PRIVATE)
    # An id alone carries no disclosure: the public right needs the community's ref.
    with pytest.raises(Unauthenticated):
        identity.authorize(None, Action.READ_PUBLIC, OTHER)
