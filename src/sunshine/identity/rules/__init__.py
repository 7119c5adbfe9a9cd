"""The permission policy and the arithmetic of login limits, pure; names re-exported here.

- policy: roles, actions and `allowed`, the one access decision
- limits: sliding-window limits and the growing pause after failed logins
"""

from __future__ import annotations

from sunshine.identity.rules.limits import Limit
from sunshine.identity.rules.limits import backoff
from sunshine.identity.rules.limits import wait_before_next
from sunshine.identity.rules.policy import GLOBAL_ROLES
from sunshine.identity.rules.policy import POLICY
from sunshine.identity.rules.policy import STAFF_ROLES
from sunshine.identity.rules.policy import Action
from sunshine.identity.rules.policy import Role
from sunshine.identity.rules.policy import allowed
from sunshine.identity.rules.policy import effective_roles

__all__ = [
    "GLOBAL_ROLES",
    "POLICY",
    "STAFF_ROLES",
    "Action",
    "Limit",
    "Role",
    "allowed",
    "backoff",
    "effective_roles",
    "wait_before_next",
]
