"""Use cases of identity, one module per concern; the public API is re-exported here.

Callers write `from sunshine.identity import service as identity` and
`identity.authorize(viewer, action, community_id)`.

- accounts: users, roles per community, sessions, one-time codes, rate limits
- access: who may do what where (`can`, `authorize`; the public reading right)
- senders: how one-time codes reach a phone (`configured_sender`; import it from there)
- throttle: how often someone may try to log in or ask for a code (used by accounts)
"""

from __future__ import annotations

from sunshine.identity.service.access import authorize
from sunshine.identity.service.access import authorize_platform
from sunshine.identity.service.access import can
from sunshine.identity.service.access import communities_of
from sunshine.identity.service.access import viewer_roles
from sunshine.identity.service.accounts import CODE_MAX_TRIES
from sunshine.identity.service.accounts import CODE_MINUTES
from sunshine.identity.service.accounts import MIN_PASSWORD
from sunshine.identity.service.accounts import SUBJECT_LENGTH
from sunshine.identity.service.accounts import acting_user
from sunshine.identity.service.accounts import add_user
from sunshine.identity.service.accounts import end_session
from sunshine.identity.service.accounts import find_user_by_phone
from sunshine.identity.service.accounts import find_user_by_username
from sunshine.identity.service.accounts import get_user
from sunshine.identity.service.accounts import grant_role
from sunshine.identity.service.accounts import holders_of
from sunshine.identity.service.accounts import list_members
from sunshine.identity.service.accounts import login_with_code
from sunshine.identity.service.accounts import login_with_password
from sunshine.identity.service.accounts import revoke_role
from sunshine.identity.service.accounts import roles_of
from sunshine.identity.service.accounts import send_login_code
from sunshine.identity.service.accounts import set_password
from sunshine.identity.service.accounts import start_session
from sunshine.identity.service.accounts import users_by_ids
from sunshine.identity.service.accounts import viewer_for_token

__all__ = [
    "CODE_MAX_TRIES",
    "CODE_MINUTES",
    "MIN_PASSWORD",
    "SUBJECT_LENGTH",
    "acting_user",
    "add_user",
    "authorize",
    "authorize_platform",
    "can",
    "communities_of",
    "end_session",
    "find_user_by_phone",
    "find_user_by_username",
    "get_user",
    "grant_role",
    "holders_of",
    "list_members",
    "login_with_code",
    "login_with_password",
    "revoke_role",
    "roles_of",
    "send_login_code",
    "set_password",
    "start_session",
    "users_by_ids",
    "viewer_for_token",
    "viewer_roles",
]
