"""Committees, their members with terms, and their decisions as appended to the log.

A decision row keeps the very record it appended (`body`), like banking's reconciliations:
the audit compares it, and the columns that repeat it, with the log.
"""

from __future__ import annotations

from datetime import date
from datetime import datetime

from sqlalchemy import CheckConstraint
from sqlalchemy import ForeignKey
from sqlalchemy import ForeignKeyConstraint
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from sunshine.governance.rules.committee import CommitteeMajority
from sunshine.governance.rules.decisions import MemberRole
from sunshine.governance.rules.decisions import Subject
from sunshine.infra.db import Base
from sunshine.infra.db import TenantKeyed
from sunshine.infra.db import audited_by
from sunshine.infra.db import not_audited
from sunshine.infra.db import str_enum
from sunshine.infra.db import unlogged
from sunshine.registry.rules import CommitteeKind

DECISION_CHECK = "governance.decision"


class Committee(TenantKeyed, Base):
    """An owners' committee (业委会), or a 物管会 where none exists, with its counting settings."""

    __tablename__ = "governance_committee"
    __audit__ = not_audited(
        "a setting for staff: each decision's record carries the rule and settings it was"
        " counted by"
    )

    kind: Mapped[CommitteeKind] = mapped_column(str_enum(CommitteeKind))
    name: Mapped[str] = mapped_column(String(80))
    formed_on: Mapped[date]
    majority: Mapped[CommitteeMajority] = mapped_column(str_enum(CommitteeMajority))
    announce_within_days: Mapped[int] = mapped_column(default=3)
    created_at: Mapped[datetime]

    __table_args__ = (
        CheckConstraint("announce_within_days BETWEEN 0 AND 60", name="announce_days"),
    )


class Member(TenantKeyed, Base):
    """A member of a committee for a term: a party of the registry, optionally a login."""

    __tablename__ = "governance_member"
    __audit__ = not_audited(
        "personal data, which the log may never hold (LAW.md 3): decisions name members by"
        " their number"
    )

    committee_id: Mapped[int]
    party_id: Mapped[int]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("identity_user.id"))
    role: Mapped[MemberRole] = mapped_column(str_enum(MemberRole))
    term_from: Mapped[date]
    term_to: Mapped[date | None]  # None: still serving

    __table_args__ = (
        ForeignKeyConstraint(
            ["community_id", "committee_id"],
            ["governance_committee.community_id", "governance_committee.id"],
        ),
        ForeignKeyConstraint(
            ["community_id", "party_id"], ["registry_party.community_id", "registry_party.id"]
        ),
        Index("ix_governance_member_committee", "community_id", "committee_id"),
        CheckConstraint("term_to IS NULL OR term_to >= term_from", name="term"),
    )


class Decision(TenantKeyed, Base):
    """A counted committee decision, with the record it appended to the log (`body`)."""

    __tablename__ = "governance_decision"
    __audit__ = audited_by(DECISION_CHECK)

    committee_id: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    subject: Mapped[Subject] = mapped_column(str_enum(Subject))
    subject_ref: Mapped[str] = mapped_column(String(64), default="")  # budget 2027/v2, 2024-10 …
    decided_on: Mapped[date]
    body: Mapped[str] = mapped_column(Text)  # canonical JSON, as logged
    log_seq: Mapped[int] = mapped_column(info=unlogged("where the record sits in the log"))
    made_by: Mapped[int | None] = mapped_column(
        ForeignKey("identity_user.id"), info=unlogged("who recorded it: staff-only")
    )
    made_at: Mapped[datetime] = mapped_column(info=unlogged("the record's own day stands"))
    announced_on: Mapped[date | None] = mapped_column(
        info=unlogged("when it went up on the board; the record holds the day it is due")
    )

    __table_args__ = (
        ForeignKeyConstraint(
            ["community_id", "committee_id"],
            ["governance_committee.community_id", "governance_committee.id"],
        ),
        Index("ix_governance_decision_day", "community_id", "decided_on"),
        Index("ix_governance_decision_subject", "community_id", "subject", "subject_ref"),
    )
