"""Which steps require a committee decision, and which decision (or vote) authorised which.

A budget version, a month's close, a signing key or an expense, each with its authority.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import ForeignKeyConstraint
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from sunshine.infra.authority import MatterKind
from sunshine.infra.db import Base
from sunshine.infra.db import TenantKeyed
from sunshine.infra.db import audited_by
from sunshine.infra.db import str_enum
from sunshine.infra.db import unlogged

LINK_CHECK = "governance.authority"
REQUIREMENT_CHECK = "governance.requirement"


class Requirement(TenantKeyed, Base):
    """A community's setting for one kind of matter; no row: the default (required)."""

    __tablename__ = "governance_requirement"
    __audit__ = audited_by(REQUIREMENT_CHECK)

    kind: Mapped[MatterKind] = mapped_column(str_enum(MatterKind))
    required: Mapped[bool]
    set_by: Mapped[int | None] = mapped_column(
        ForeignKey("identity_user.id"), info=unlogged("who set it: staff-only")
    )
    set_at: Mapped[datetime] = mapped_column(info=unlogged("when: its record's place stands"))

    __table_args__ = (UniqueConstraint("community_id", "kind"),)


class AuthorityLink(TenantKeyed, Base):
    """A matter (`budget:2024/v1`) and the decision or owners' vote matter that authorised it."""

    __tablename__ = "governance_authority"
    __audit__ = audited_by(LINK_CHECK)

    matter_kind: Mapped[MatterKind] = mapped_column(str_enum(MatterKind))
    matter_ref: Mapped[str] = mapped_column(String(64))
    authority: Mapped[str] = mapped_column(String(32))  # decision:7, vote:3/2
    decision_id: Mapped[int | None]
    linked_by: Mapped[int | None] = mapped_column(
        ForeignKey("identity_user.id"), info=unlogged("who cited it: staff-only")
    )
    linked_at: Mapped[datetime] = mapped_column(info=unlogged("when: its record's place stands"))
    log_seq: Mapped[int] = mapped_column(info=unlogged("where the record sits in the log"))

    __table_args__ = (
        ForeignKeyConstraint(
            ["community_id", "decision_id"],
            ["governance_decision.community_id", "governance_decision.id"],
        ),
        UniqueConstraint("community_id", "matter_kind", "matter_ref"),
    )
