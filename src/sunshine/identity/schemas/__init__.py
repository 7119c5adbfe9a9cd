"""JSON shapes of identity; the public names are re-exported here.

- login: logging in, "who am I", and the cleaning of phone numbers
"""

from __future__ import annotations

from sunshine.identity.schemas.login import CodeLogin
from sunshine.identity.schemas.login import CodeRequest
from sunshine.identity.schemas.login import CodeRequested
from sunshine.identity.schemas.login import LoginRead
from sunshine.identity.schemas.login import MeRead
from sunshine.identity.schemas.login import PasswordLogin
from sunshine.identity.schemas.login import clean_phone
from sunshine.identity.schemas.login import phone_problems

__all__ = [
    "CodeLogin",
    "CodeRequest",
    "CodeRequested",
    "LoginRead",
    "MeRead",
    "PasswordLogin",
    "clean_phone",
    "phone_problems",
]
