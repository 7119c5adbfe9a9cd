"""The permission policy, pure; its names are re-exported here.

- policy: roles, actions and `allowed`, the one access decision
"""

from __future__ import annotations

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
    "Role",
    "allowed",
    "effective_roles",
]
