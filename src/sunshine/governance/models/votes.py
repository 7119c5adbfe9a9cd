"""Owners' votes (业主共同决定, Civil Code art. 278): the vote, its frozen roll, its ballots.

A vote keeps its matters (each with its art. 278 item), scope, times and notice, and once
opened the roll drawn at that moment (`roll`, JSON; its SHA-256 is logged), so later
transfers change nothing. Its `secret` keys the receipt hashes (HMAC) and never leaves
the row: not logged, not shown. Opening and closing each append a record; the vote keeps
the latest (`body`), after closing the aggregate result (rules.vote_record).

A ballot row is one submission; a later one from the same voter replaces it (`replaced`)
and the history stays. It holds the voter's roll key and who cast it, never in the log.
"""

from __future__ import annotations

from datetime import date
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint
from sqlalchemy import ForeignKey
from sqlalchemy import ForeignKeyConstraint
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import false
from sqlalchemy import text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from sunshine.infra.db import Base
from sunshine.infra.db import TenantKeyed
from sunshine.infra.db import audited_by
from sunshine.infra.db import not_audited
from sunshine.infra.db import str_enum
from sunshine.infra.db import unlogged

VOTE_CHECK = "governance.vote"


class VoteState(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class BallotWay(StrEnum):
    ELECTRONIC = "electronic"  # cast by the owner, logged in
    PAPER = "paper"  # entered by staff from the scanned ballot (a voucher)
    PROXY = "proxy"  # cast for the owner, with the written authorisation (a voucher)


class Vote(TenantKeyed, Base):
    """An owners' vote: matters, scope, times, notice; the frozen roll once open."""

    __tablename__ = "governance_vote"
    __audit__ = audited_by(VOTE_CHECK)

    title: Mapped[str] = mapped_column(String(200))
    matters: Mapped[str] = mapped_column(Text)  # JSON: [{number, item, title}]
    scope: Mapped[str] = mapped_column(Text)  # JSON: {buildings: [...], units: [...]}
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    notice_text: Mapped[str] = mapped_column(Text)
    notice_on: Mapped[date]
    state: Mapped[VoteState] = mapped_column(str_enum(VoteState))
    # "Silent owners follow the majority" (LAW.md 1): off unless the rules of procedure adopt it.
    silent_follow_majority: Mapped[bool] = mapped_column(default=False, server_default=false())
    secret: Mapped[str] = mapped_column(
        String(64), info=unlogged("the receipts' HMAC key, shown to no one")
    )
    roll: Mapped[str | None] = mapped_column(Text)  # JSON, frozen on opening; logged: its SHA-256
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    body: Mapped[str | None] = mapped_column(Text)  # its latest record (opened, closed), as logged
    log_seq: Mapped[int | None] = mapped_column(info=unlogged("where the record sits in the log"))
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("identity_user.id"), info=unlogged("who drafted it: staff-only")
    )
    created_at: Mapped[datetime] = mapped_column(info=unlogged("a draft is not logged"))

    __table_args__ = (
        CheckConstraint("closes_at > opens_at", name="times"),
        Index("ix_governance_vote_state", "community_id", "state"),
    )


class VoteBallot(TenantKeyed, Base):
    """One submission of a voter's ballot; the latest one not replaced counts."""

    __tablename__ = "governance_ballot"
    __audit__ = not_audited(
        "individual ballots are never published (LAW.md 1, 3): the log holds only each counted"
        " ballot's keyed receipt hash, inside the vote's result"
    )

    vote_id: Mapped[int]
    voter: Mapped[str] = mapped_column(String(200))  # the frozen roll's voter key
    cast_by: Mapped[int]  # the registry party who cast it (the designated voter)
    way: Mapped[BallotWay] = mapped_column(str_enum(BallotWay))
    answers: Mapped[str] = mapped_column(Text)  # JSON: {"1": "yes", ...}
    receipt_mac: Mapped[str] = mapped_column(String(64))  # HMAC(secret, receipt code)
    voucher_sha256: Mapped[str | None] = mapped_column(String(64))  # the scanned ballot
    authorisation_sha256: Mapped[str | None] = mapped_column(String(64))  # a proxy's
    cast_at: Mapped[datetime]
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("identity_user.id"))
    replaced: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (
        ForeignKeyConstraint(
            ["community_id", "vote_id"], ["governance_vote.community_id", "governance_vote.id"]
        ),
        ForeignKeyConstraint(
            ["community_id", "cast_by"], ["registry_party.community_id", "registry_party.id"]
        ),
        Index("ix_governance_ballot_voter", "community_id", "vote_id", "voter"),
        Index("ix_governance_ballot_receipt", "community_id", "vote_id", "receipt_mac"),
        Index(  # one counting ballot per person, whatever the race
            "uq_governance_ballot_counting",
            "community_id",
            "vote_id",
            "voter",
            unique=True,
            sqlite_where=text("NOT replaced"),
            postgresql_where=text("NOT replaced"),
        ),
        CheckConstraint(
            "way <> 'proxy' OR authorisation_sha256 IS NOT NULL", name="proxy_authorised"
        ),
        CheckConstraint("way <> 'paper' OR voucher_sha256 IS NOT NULL", name="paper_voucher"),
    )


class BallotDelivery(TenantKeyed, Base):
    """Proof that a person on a vote's roll was delivered a ballot, and with what warning.

    Only where the vote's silent-majority setting is on does it change a count: an owner
    proven delivered a ballot carrying the warning, who returned none, is silent (LAW.md 1).
    """

    __tablename__ = "governance_ballot_delivery"
    __audit__ = not_audited(
        "who was delivered a ballot names a person (LAW.md 3): the close logs only how many"
        " silent owners the setting added, per matter"
    )

    vote_id: Mapped[int]
    voter: Mapped[str] = mapped_column(String(200))  # the frozen roll's voter key
    delivered_on: Mapped[date]
    how: Mapped[str] = mapped_column(String(40))  # in_person | registered_mail | door | other
    warned: Mapped[bool]  # the ballot carried the silent-majority warning
    proof_sha256: Mapped[str] = mapped_column(String(64))  # signed receipt, mail slip: a voucher
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("identity_user.id"))
    recorded_at: Mapped[datetime]

    __table_args__ = (
        ForeignKeyConstraint(
            ["community_id", "vote_id"], ["governance_vote.community_id", "governance_vote.id"]
        ),
        Index("uq_governance_ballot_delivery", "community_id", "vote_id", "voter", unique=True),
    )
