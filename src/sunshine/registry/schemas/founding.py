"""A new community's facts as typed (the admin page, the CLI) or sent (the API), as a draft.

Text is checked by `service.create_community` (required, widths, the code); here only what
must be parsed first: the year built, the day the trustee took over and the committee's
kind, each a Problem naming its field, so every edge refuses bad input with one message.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field

from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import Problem
from sunshine.registry import rules
from sunshine.registry import service
from sunshine.registry.service import CommunityDraft

# The fields a new community is created with, in the order the form and the CLI ask them.
TEXT_FIELDS = (
    "code",
    "name",
    "name_en",
    "city",
    "district",
    "street",
    "neighbourhood",
    "address",
    "trustee_company",
)
_Text = Field(default="", max_length=400)  # widths are the service's; this bounds a body


class CommunityCreate(BaseModel):
    """A new community: its code (its web address), name, address, trustee and area."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(max_length=400, examples=["xhjy"])
    name: str = Field(max_length=400, examples=["新华佳园"])
    name_en: str = _Text
    city: str = Field(max_length=400, examples=["常州市"])
    district: str = Field(max_length=400, examples=["天宁区"])
    street: str = Field(max_length=400, examples=["红梅街道"])  # whose supervisors watch it
    neighbourhood: str = Field(max_length=400, examples=["新华社区"])
    address: str = _Text
    built_year: int | None = Field(default=None, ge=1900, le=2199)
    trustee_company: str = _Text
    trustee_since: date | None = None
    committee_kind: rules.CommitteeKind = rules.CommitteeKind.OWNERS_COMMITTEE

    def draft(self) -> CommunityDraft:
        return CommunityDraft(**self.model_dump())


def community_draft(fields: Mapping[str, str]) -> CommunityDraft:
    """The draft from typed text (missing fields empty); Invalid naming each bad field."""
    problems: list[Problem] = []
    draft = CommunityDraft(
        **{name: fields.get(name, "").strip() for name in TEXT_FIELDS},
        built_year=_year(fields.get("built_year", "").strip(), problems),
        trustee_since=_day(fields.get("trustee_since", "").strip(), problems),
        committee_kind=_kind(fields.get("committee_kind", "").strip(), problems),
    )
    problems += service.draft_problems(draft)
    if problems:
        raise Invalid("the community was not created", problems=problems)
    return draft


def _year(text: str, problems: list[Problem]) -> int | None:
    if text and not (text.isascii() and text.isdigit() and len(text) == 4):
        problems.append(
            Problem("built_year", "{text} is not a year", {"text": text[:20]}, "built_year")
        )
        return None
    return int(text) if text else None


def _day(text: str, problems: list[Problem]) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        where = "trustee_since"
        problems.append(
            Problem("bad_date", "{text} is not a date (YYYY-MM-DD)", {"text": text[:20]}, where)
        )
        return None


def _kind(text: str, problems: list[Problem]) -> rules.CommitteeKind:
    if not text or text in set(rules.CommitteeKind):
        return rules.CommitteeKind(text or rules.CommitteeKind.OWNERS_COMMITTEE)
    where = "committee_kind"
    problems.append(
        Problem("committee_kind", "{text} is not a kind of committee", {"text": text[:40]}, where)
    )
    return rules.CommitteeKind.OWNERS_COMMITTEE
