"""API shapes of owners' votes: the vote as everyone in the community reads it, a ballot.

A vote shows its matters, scope, times, notice and, once closed, its logged result
(aggregates only). Never the roll's owners, never a ballot, never the receipts' key.
"""

from __future__ import annotations

from datetime import date
from datetime import datetime
from typing import Annotated
from typing import Any
from typing import Literal

from annotated_types import Ge
from annotated_types import Le
from pydantic import BaseModel
from pydantic import Field

from sunshine.governance.models import Vote
from sunshine.governance.rules.tally import Choice
from sunshine.governance.service import counting
from sunshine.governance.service import votes

MatterNumber = Annotated[int, Ge(1), Le(99)]


class VoteRead(BaseModel):
    id: int
    title: str
    state: str
    matters: list[dict[str, Any]]
    scope: dict[str, list[int]]
    opens_at: datetime
    closes_at: datetime
    notice_text: str
    notice_on: date
    log_seq: int | None
    result: dict[str, Any] | None

    @classmethod
    def from_model(cls, vote: Vote) -> VoteRead:
        scope = votes.scope_of(vote)
        return cls(
            id=vote.id, title=vote.title, state=vote.state.value,
            matters=votes.matters_of(vote),
            scope={"buildings": sorted(scope.buildings), "units": sorted(scope.units)},
            opens_at=vote.opens_at, closes_at=vote.closes_at, notice_text=vote.notice_text,
            notice_on=vote.notice_on, log_seq=vote.log_seq, result=counting.result_of(vote),
        )  # fmt: skip


class BallotCast(BaseModel):
    """An owner's own ballot: the matters answered (a partial ballot answers some)."""

    answers: dict[MatterNumber, Choice] = Field(min_length=1, max_length=99)
    voter: str | None = Field(default=None, max_length=200)  # whose, if one casts several


class BallotReceipt(BaseModel):
    """The receipt code, shown this once: with it the owner finds the ballot among those counted."""

    vote: int
    receipt: str


class ReceiptLookup(BaseModel):
    receipt: str = Field(min_length=1, max_length=40)


class ReceiptFound(BaseModel):
    """The ballot a receipt finds: its answers, whether replaced, whether the count took it."""

    answers: dict[str, str]
    cast_at: datetime
    replaced: bool
    counted: bool | None  # None: the vote has not closed yet


class MatterDraftIn(BaseModel):
    item: Annotated[int, Ge(1), Le(9)]  # art. 278 para. 1 item
    title: str = Field(min_length=1, max_length=200)


class VoteDraftIn(BaseModel):
    """A vote as the committee drafts it: matters, scope by building code and unit number."""

    title: str = Field(min_length=1, max_length=200)
    matters: list[MatterDraftIn] = Field(min_length=1, max_length=20)
    buildings: list[str] = Field(default_factory=list, max_length=100)
    units: list[str] = Field(default_factory=list, max_length=2000)
    opens_at: datetime
    closes_at: datetime
    notice_text: str = Field(min_length=1, max_length=4000)
    notice_on: date
    silent_follow_majority: bool = False


class DeskBallot(BaseModel):
    """A paper ballot (its scan) or proxy ballot (the authorisation), uploaded as a voucher."""

    voter: str = Field(min_length=1, max_length=200)  # the frozen roll's voter key
    answers: dict[MatterNumber, Choice] = Field(min_length=1, max_length=99)
    way: Literal["paper", "proxy"]
    voucher_sha256: str = Field(min_length=64, max_length=64)


class DeskBallotEntered(BaseModel):
    """The receipt code, shown this once, for the office to hand to the owner on paper."""

    vote: int
    ballot: int
    receipt: str
