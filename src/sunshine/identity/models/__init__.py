"""Tables of identity; the classes are re-exported here.

- users: users, memberships, web sessions, login codes, attempts and guards, code requests,
  device credentials
"""

from __future__ import annotations

from sunshine.identity.models.users import CodeRequest
from sunshine.identity.models.users import DeviceCredential
from sunshine.identity.models.users import LoginAttempt
from sunshine.identity.models.users import LoginCode
from sunshine.identity.models.users import LoginGuard
from sunshine.identity.models.users import Membership
from sunshine.identity.models.users import User
from sunshine.identity.models.users import WebSession

__all__ = [
    "CodeRequest",
    "DeviceCredential",
    "LoginAttempt",
    "LoginCode",
    "LoginGuard",
    "Membership",
    "User",
    "WebSession",
]
