"""Roles, actions and the one permission policy. Pure: every access decision is made here.

A user holds roles per community (memberships); two roles reach across communities:
the city supervisor (reads every community's public and oversight figures) and the
platform admin (sets up communities and users). `allowed` answers one question: may
someone with these roles in this community do this action? Routes and services ask
it through `identity.service.authorize`, never by comparing role names themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Role(StrEnum):
    OWNER = "owner"  # 业主
    RESIDENT = "resident"  # 住户 (family member or tenant)
    TRUSTEE_STAFF = "trustee_staff"  # 物业工作人员
    TRUSTEE_MANAGER = "trustee_manager"  # 物业项目经理
    COMMITTEE = "committee"  # 业委会 / 物管会 member
    SUPERVISOR = "supervisor"  # 社区党委 / 街道: supervises this community
    CITY_SUPERVISOR = "city_supervisor"  # 住建局: every community, read-only
    PLATFORM_ADMIN = "platform_admin"  # sets up communities and users


GLOBAL_ROLES = frozenset({Role.CITY_SUPERVISOR, Role.PLATFORM_ADMIN})
STAFF_ROLES = frozenset({Role.TRUSTEE_STAFF, Role.TRUSTEE_MANAGER})


class Action(StrEnum):
    VIEW_COMMUNITY = "view_community"  # the community home page and public board
    # The public notices: the community's public page, the board, every notice and version,
    # public voucher copies, approved budgets and budget vs actual, the verify page, the
    # notice PDF and bundle, the public keys. Open to anyone where disclosure is public.
    READ_PUBLIC = "read_public"
    VIEW_OWN_HOUSEHOLD = "view_own_household"  # one's own units, vehicles, bills
    VIEW_REGISTRY = "view_registry"  # the full roster with unmasked names and phones
    MANAGE_REGISTRY = "manage_registry"  # add and change buildings, units, owners, vehicles
    IMPORT_ROSTER = "import_roster"
    EXPORT_ROSTER = "export_roster"
    MANAGE_MEMBERS = "manage_members"  # give people roles in this community
    MANAGE_COMMUNITY = "manage_community"  # create a community, change its facts
    VIEW_OVERSIGHT = "view_oversight"  # supervisors' figures
    VIEW_BOOKS = "view_books"  # the public ledger: entries (masked), balances, public vouchers
    OPEN_VOUCHER_ORIGINAL = "open_voucher_original"  # the unredacted voucher; each opening logged
    BOOK_ENTRY = "book_entry"  # post and reverse entries, upload vouchers
    MANAGE_LEDGER = "manage_ledger"  # chart of accounts, trust terms, import, ask to close a month
    COUNTERSIGN_CLOSE = "countersign_close"  # countersign a month's close: it closes then
    VIEW_CLOSING = "view_closing"  # the month-close page: requests, who asked, who countersigned
    PUBLISH_NOTICE = "publish_notice"  # freeze a monthly notice (or a correcting version)
    MANAGE_BUDGET = "manage_budget"  # draft the year's budget and open it for comments
    APPROVE_BUDGET = "approve_budget"  # approve or revise it, with the decision document
    COMMENT_BUDGET = "comment_budget"  # comment on an open budget's lines (shown without names)
    COSIGN_NOTICE = "cosign_notice"  # co-sign a notice's checkpoint with one's own device key
    CONFIRM_COSIGN_KEY = "confirm_cosign_key"  # confirm another member's co-signing key
    # Governance (issue 14): owners' votes, committee decisions, spending, surveys, meetings.
    MANAGE_VOTES = "manage_votes"  # draft, open and close an owners' vote
    ENTER_BALLOTS = "enter_ballots"  # enter paper and proxy ballots with their scans
    RECOUNT_VOTES = "recount_votes"  # recount a closed vote from the log
    RECORD_DECISION = "record_decision"  # record a committee decision and who voted how
    SET_DECISION_RULES = "set_decision_rules"  # which matters need a decision or a vote
    PROPOSE_EXPENSE = "propose_expense"  # propose an expense with its quote and budget line
    APPROVE_EXPENSE = "approve_expense"  # approve or refuse a proposed expense
    OBJECT_EXPENSE = "object_expense"  # object to an expense, which freezes it
    SET_SPENDING_LIMITS = "set_spending_limits"  # the approval and vote limits
    MANAGE_SURVEY = "manage_survey"  # create a survey, enter door-to-door and phone answers
    ANSWER_SURVEY = "answer_survey"  # answer a survey online
    PUBLISH_ANNOUNCEMENT = "publish_announcement"  # post a notice to owners
    RECORD_MEETING = "record_meeting"  # the joint meeting's agenda, minutes and actions


_EVERYONE_IN_COMMUNITY = frozenset(Role)
_STAFF = STAFF_ROLES | {Role.PLATFORM_ADMIN}

POLICY: dict[Action, frozenset[Role]] = {
    Action.VIEW_COMMUNITY: _EVERYONE_IN_COMMUNITY,
    Action.READ_PUBLIC: _EVERYONE_IN_COMMUNITY,
    Action.VIEW_OWN_HOUSEHOLD: frozenset({Role.OWNER, Role.RESIDENT}),
    Action.VIEW_REGISTRY: _STAFF | {Role.COMMITTEE},
    Action.MANAGE_REGISTRY: _STAFF,
    Action.IMPORT_ROSTER: frozenset({Role.TRUSTEE_MANAGER, Role.PLATFORM_ADMIN}),
    Action.EXPORT_ROSTER: _STAFF | {Role.COMMITTEE},
    Action.MANAGE_MEMBERS: frozenset({Role.TRUSTEE_MANAGER, Role.PLATFORM_ADMIN}),
    Action.MANAGE_COMMUNITY: frozenset({Role.PLATFORM_ADMIN}),
    Action.VIEW_OVERSIGHT: frozenset({Role.SUPERVISOR, Role.CITY_SUPERVISOR, Role.PLATFORM_ADMIN}),
    Action.VIEW_BOOKS: _EVERYONE_IN_COMMUNITY,
    # LAW.md 3: originals carry personal data; residents and the public see the redacted copy.
    Action.OPEN_VOUCHER_ORIGINAL: _STAFF
    | {Role.OWNER, Role.COMMITTEE, Role.SUPERVISOR, Role.CITY_SUPERVISOR},
    Action.BOOK_ENTRY: _STAFF,
    Action.MANAGE_LEDGER: frozenset({Role.TRUSTEE_MANAGER, Role.PLATFORM_ADMIN}),
    # The committee co-controls the books: a month closes only at a member's countersignature,
    # never by the trustee (or the platform) alone.
    Action.COUNTERSIGN_CLOSE: frozenset({Role.COMMITTEE}),
    Action.VIEW_CLOSING: _STAFF | {Role.COMMITTEE},
    # The trustee publishes (DESIGN.md trust rule 6); the committee co-signs the checkpoint.
    Action.PUBLISH_NOTICE: _STAFF,
    Action.MANAGE_BUDGET: frozenset({Role.TRUSTEE_MANAGER, Role.COMMITTEE, Role.PLATFORM_ADMIN}),
    # The owners' side approves: the trustee never approves its own budget (DESIGN.md rule 3).
    Action.APPROVE_BUDGET: frozenset({Role.COMMITTEE, Role.PLATFORM_ADMIN}),
    Action.COMMENT_BUDGET: frozenset({Role.OWNER, Role.COMMITTEE}),
    # The committee's half of the two-password account: its members co-sign what the trustee
    # publishes; a member's new key is confirmed by a second person before it counts.
    Action.COSIGN_NOTICE: frozenset({Role.COMMITTEE}),
    Action.CONFIRM_COSIGN_KEY: frozenset({Role.COMMITTEE, Role.TRUSTEE_MANAGER}),
    # The owners' meeting is convened by the committee (Civil Code art. 277), never by the
    # trustee whose hiring or fees it may decide; staff only help enter paper ballots.
    Action.MANAGE_VOTES: frozenset({Role.COMMITTEE, Role.PLATFORM_ADMIN}),
    Action.ENTER_BALLOTS: _STAFF | {Role.COMMITTEE},
    Action.RECOUNT_VOTES: frozenset(
        {Role.COMMITTEE, Role.SUPERVISOR, Role.CITY_SUPERVISOR, Role.PLATFORM_ADMIN}
    ),
    Action.RECORD_DECISION: frozenset({Role.COMMITTEE, Role.PLATFORM_ADMIN}),
    Action.SET_DECISION_RULES: frozenset({Role.COMMITTEE, Role.PLATFORM_ADMIN}),
    # The trustee proposes and the owners' side approves (DESIGN.md rule 3); the supervisor
    # (社区党委 / 街道) may freeze an expense by objecting.
    Action.PROPOSE_EXPENSE: _STAFF,
    Action.APPROVE_EXPENSE: frozenset({Role.COMMITTEE}),
    Action.OBJECT_EXPENSE: frozenset({Role.SUPERVISOR, Role.CITY_SUPERVISOR}),
    Action.SET_SPENDING_LIMITS: frozenset({Role.COMMITTEE, Role.PLATFORM_ADMIN}),
    Action.MANAGE_SURVEY: _STAFF | {Role.COMMITTEE},
    Action.ANSWER_SURVEY: frozenset({Role.OWNER, Role.RESIDENT}),
    Action.PUBLISH_ANNOUNCEMENT: _STAFF | {Role.COMMITTEE},
    Action.RECORD_MEETING: _STAFF | {Role.COMMITTEE, Role.SUPERVISOR},
}


# What anyone may do, logged in or not, in a community whose public disclosure (公开披露)
# is on: the paper notice hangs in the open, so its web twin is open too.
PUBLIC_READING = frozenset({Action.READ_PUBLIC})


def allowed(roles: Iterable[Role], action: Action, *, disclosure_public: bool = False) -> bool:
    """Whether any of `roles` (held in the community concerned, or globally) permits `action`.

    With the community's disclosure public, the public reading right needs no role at all.
    """
    if disclosure_public and action in PUBLIC_READING:
        return True
    permitted = POLICY[action]
    return any(role in permitted for role in roles)


def effective_roles(
    community_roles: Iterable[Role], global_roles: Iterable[Role]
) -> frozenset[Role]:
    """The roles that count in one community: those held there plus the city-wide ones."""
    return frozenset(community_roles) | (frozenset(global_roles) & GLOBAL_ROLES)
