"""Charge items, their rate history, and the parking leases parking rent is billed from.

A rate is never edited: a new rate is a new row from its effective day, and bills copy the
rate they were issued at, so a rate change never alters a bill already issued.
"""

from __future__ import annotations

from datetime import date
from datetime import datetime

from sqlalchemy import CheckConstraint
from sqlalchemy import ForeignKeyConstraint
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from sunshine.billing.rules.charges import ChargeKind
from sunshine.billing.rules.charges import Liable
from sunshine.infra.db import Base
from sunshine.infra.db import TenantKeyed
from sunshine.infra.db import not_audited
from sunshine.infra.db import str_enum
from sunshine.kernel.money import Fen

_SETTINGS = (
    "a charge item is a setting of the trustee's; the money it bills is logged as ledger"
    " entries (the run's receivable and income), which the ledger's audit re-derives"
)


class ChargeItem(TenantKeyed, Base):
    """A charge the community bills: what it is, how it is measured, where its income goes."""

    __tablename__ = "billing_item"
    __audit__ = not_audited(_SETTINGS)

    code: Mapped[str] = mapped_column(String(16))  # "garbage", "parking", "service"
    name: Mapped[str] = mapped_column(String(60))  # "生活垃圾清运费"
    kind: Mapped[ChargeKind] = mapped_column(str_enum(ChargeKind))
    account_code: Mapped[str] = mapped_column(String(16))  # its income account: 6004
    liable: Mapped[Liable] = mapped_column(str_enum(Liable))
    first_month: Mapped[int] = mapped_column(default=1)  # a yearly item's year starts here
    created_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("community_id", "code"),
        CheckConstraint("first_month BETWEEN 1 AND 12", name="first_month"),
    )


class Rate(TenantKeyed, Base):
    """A charge item's rate from a day on (fen per measure); append-only."""

    __tablename__ = "billing_rate"
    __audit__ = not_audited(_SETTINGS)

    item_id: Mapped[int]
    effective_from: Mapped[date]
    rate_fen: Mapped[Fen]
    set_by: Mapped[str] = mapped_column(String(80))
    set_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("community_id", "item_id", "effective_from"),
        ForeignKeyConstraint(
            ["community_id", "item_id"],
            ["billing_item.community_id", "billing_item.id"],
            name="fk_billing_rate_item",
        ),
        CheckConstraint("rate_fen >= 0", name="non_negative"),
    )


class ParkingLease(TenantKeyed, Base):
    """A parking space let to a unit from a day, until a day (or open).

    Billing keeps this small list of its own until the parking part brings leases; then
    the run reads that part's service instead and this table goes.
    """

    __tablename__ = "billing_parking_lease"
    __audit__ = not_audited("a stand-in lease list until the parking part; bills are logged")

    space: Mapped[str] = mapped_column(String(16))  # "P01"
    unit_id: Mapped[int]
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]  # the last day let; None: open

    __table_args__ = (
        ForeignKeyConstraint(
            ["community_id", "unit_id"],
            ["registry_unit.community_id", "registry_unit.id"],
            name="fk_billing_parking_lease_unit",
        ),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="dates"),
    )
