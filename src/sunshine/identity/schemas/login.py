"""JSON shapes for logging in and for "who am I". Edges turn them into plain values for the service.

Phone numbers are cleaned here (spaces, dashes and a +86 prefix dropped) so that the page
and the API look up the same number; the service compares numbers exactly.
"""

from __future__ import annotations

import re

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field
from pydantic import field_validator

from sunshine.kernel.errors import Problem

_SEPARATORS = re.compile(r"[\s\-()（）]")
_DIGITS = re.compile(r"[0-9]{5,15}")
# Phones typed on a Chinese keyboard may come in full-width digits (１３８…) and ＋.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９＋", "0123456789+")


def clean_phone(text: str) -> str:
    """'+86 138-0000-0000' → '13800000000'; anything else is kept as typed, minus separators."""
    phone = _SEPARATORS.sub("", text.translate(_FULL_WIDTH))
    if phone.startswith("+86"):
        phone = phone[3:]
    elif phone.startswith("0086"):
        phone = phone[4:]
    return phone


def phone_problems(phone: str) -> list[Problem]:
    """What is wrong with a cleaned phone number as typed into a login form (empty: nothing)."""
    if not phone:
        return [Problem("phone_empty", "enter your mobile phone number", where="phone")]
    if not _DIGITS.fullmatch(phone):
        return [
            Problem(
                "phone_malformed",
                "a phone number is made of digits only, such as 13812345678",
                where="phone",
            )
        ]
    return []


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PasswordLogin(_Strict):
    """A staff login: username and password."""

    username: str = Field(min_length=1, max_length=40)
    password: str = Field(min_length=1, max_length=200)


class CodeRequest(_Strict):
    """Ask for a one-time code to be sent to a phone."""

    phone: str = Field(min_length=1, max_length=20)

    @field_validator("phone")
    @classmethod
    def _clean(cls, value: str) -> str:
        return clean_phone(value)


class CodeLogin(CodeRequest):
    """Log in with the code that was sent to the phone."""

    code: str = Field(min_length=1, max_length=12)


class CodeRequested(_Strict):
    """The same answer whether or not the phone has an account, so it cannot be probed."""

    accepted: bool = True


class LoginRead(_Strict):
    """Who has just logged in."""

    user_id: int
    display_name: str


class MeRead(_Strict):
    """The logged-in user, with role values per community id and the city-wide roles."""

    user_id: int
    display_name: str
    roles: dict[int, list[str]]
    global_roles: list[str]
