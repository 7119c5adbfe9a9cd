"""Tables of the registry's history: ownership transfers, past owners, past residents.

The current tables (`Ownership`, `Residency`) say who owns and lives in a unit now; a
transfer or a move-out moves the rows it ends here, with the dates they held, so "who
owned unit U on day D" is answerable (`service.liability`).
"""

from __future__ import annotations

from datetime import date
from datetime import datetime

from sqlalchemy import CheckConstraint
from sqlalchemy import ForeignKeyConstraint
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from sunshine.infra.db import Base
from sunshine.infra.db import TenantKeyed
from sunshine.infra.db import not_audited
from sunshine.infra.db import str_enum
from sunshine.registry.rules import ResidentKind
from sunshine.registry.rules import TransferReason

_PERSONAL = "personal data, which the log may never hold (LAW.md 3)"


def _unit_and_party() -> tuple[ForeignKeyConstraint, ForeignKeyConstraint]:
    return (
        ForeignKeyConstraint(
            ["community_id", "unit_id"], ["registry_unit.community_id", "registry_unit.id"]
        ),
        ForeignKeyConstraint(
            ["community_id", "party_id"], ["registry_party.community_id", "registry_party.id"]
        ),
    )


class Transfer(TenantKeyed, Base):
    """A unit's owners changed on a date (过户): sold, inherited, given, co-owners changed."""

    __tablename__ = "registry_transfer"
    __audit__ = not_audited(_PERSONAL)

    unit_id: Mapped[int]
    effective_on: Mapped[date]  # the new owners owe from this day on
    reason: Mapped[TransferReason] = mapped_column(str_enum(TransferReason))
    voucher_ref: Mapped[str] = mapped_column(String(40), default="")  # 凭证号, if any
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[str] = mapped_column(String(80), default="")

    __table_args__ = (
        ForeignKeyConstraint(
            ["community_id", "unit_id"], ["registry_unit.community_id", "registry_unit.id"]
        ),
        Index("ix_registry_transfer_unit", "community_id", "unit_id", "effective_on"),
    )


class PastOwnership(TenantKeyed, Base):
    """An ownership a transfer ended, with the days it held.

    From `valid_from` (None: since before the registry knew) to the day before `valid_to`.
    """

    __tablename__ = "registry_past_ownership"
    __audit__ = not_audited(_PERSONAL)

    unit_id: Mapped[int]
    party_id: Mapped[int]
    share_percent: Mapped[int]
    is_designated_voter: Mapped[bool]
    registered: Mapped[bool]
    since_on: Mapped[date | None]  # as the ownership recorded it
    valid_from: Mapped[date | None]
    valid_to: Mapped[date]  # the transfer's effective date, exclusive
    transfer_id: Mapped[int]

    __table_args__ = (
        *_unit_and_party(),
        ForeignKeyConstraint(
            ["community_id", "transfer_id"],
            ["registry_transfer.community_id", "registry_transfer.id"],
        ),
        Index("ix_registry_past_ownership_unit", "community_id", "unit_id", "valid_to"),
        CheckConstraint("share_percent > 0 AND share_percent <= 100", name="share"),
    )


class PastResidency(TenantKeyed, Base):
    """A residency that ended: the person moved out on `until_on`."""

    __tablename__ = "registry_past_residency"
    __audit__ = not_audited(_PERSONAL)

    unit_id: Mapped[int]
    party_id: Mapped[int]
    kind: Mapped[ResidentKind] = mapped_column(str_enum(ResidentKind))
    since_on: Mapped[date | None]
    until_on: Mapped[date]  # moved out on this day

    __table_args__ = (
        *_unit_and_party(),
        Index("ix_registry_past_residency_unit", "community_id", "unit_id", "until_on"),
    )
