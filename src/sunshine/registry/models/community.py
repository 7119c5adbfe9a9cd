"""Tables of the community registry. Tenant tables lead their keys with community_id."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint
from sqlalchemy import ForeignKey
from sqlalchemy import ForeignKeyConstraint
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy import true
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from sunshine.infra.db import Base
from sunshine.infra.db import TenantKeyed
from sunshine.infra.db import not_audited
from sunshine.infra.db import str_enum
from sunshine.registry.rules import AreaSource
from sunshine.registry.rules import CommitteeKind
from sunshine.registry.rules import PartyKind
from sunshine.registry.rules import ResidentKind
from sunshine.registry.rules import SaleState
from sunshine.registry.rules import SpaceKind
from sunshine.registry.rules import UnitUse


class Community(Base):
    """A residential community (小区): the tenant. Its money and data are never pooled."""

    __tablename__ = "registry_community"
    __audit__ = not_audited("the community's name and address, shown on every notice")

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(120), default="")
    city: Mapped[str] = mapped_column(String(40))
    district: Mapped[str] = mapped_column(String(40))
    street: Mapped[str] = mapped_column(String(40))  # 街道
    neighbourhood: Mapped[str] = mapped_column(String(40))  # 社区 (neighbourhood committee)
    address: Mapped[str] = mapped_column(String(200), default="")
    built_year: Mapped[int | None]
    trustee_company: Mapped[str] = mapped_column(String(120), default="")
    trustee_since: Mapped[date | None]
    committee_kind: Mapped[CommitteeKind] = mapped_column(str_enum(CommitteeKind))
    created_at: Mapped[datetime]
    # How many committee members must co-sign a notice's checkpoint before it reads "co-signed".
    # Deferred and set by the database, as public_disclosure below is (and for the same reason).
    cosign_threshold: Mapped[int] = mapped_column(server_default="1", deferred=True)

    # 公开披露: when on, anyone may read the notices, board, budgets and public voucher
    # copies without logging in (identity's policy: Action.READ_PUBLIC); when off, members only.
    # Deferred and set by the database: what reads a community's other columns (code run
    # against older revisions included) never asks for it; `community_ref` selects it.
    public_disclosure: Mapped[bool] = mapped_column(server_default=true(), deferred=True)

    __mapper_args__ = {"eager_defaults": False}  # nor fetched back on insert


class Building(TenantKeyed, Base):
    """A building (幢/栋)."""

    __tablename__ = "registry_building"
    __audit__ = not_audited("the register of buildings and units is not logged yet")

    code: Mapped[str] = mapped_column(String(8))  # "3", as in unit number 3-2-301
    name: Mapped[str] = mapped_column(String(40))  # "3幢"
    floors: Mapped[int]

    __table_args__ = (
        UniqueConstraint("community_id", "code"),
        CheckConstraint("floors > 0 AND floors < 200", name="floors"),
    )


class Unit(TenantKeyed, Base):
    """A unit (房屋, 专有部分) with its exact area and where that area came from."""

    __tablename__ = "registry_unit"
    __audit__ = not_audited("the register of buildings and units is not logged yet")

    building_id: Mapped[int]
    number: Mapped[str] = mapped_column(String(16))  # 3-2-301
    floor: Mapped[int]
    use: Mapped[UnitUse] = mapped_column(str_enum(UnitUse))
    area: Mapped[Decimal] = mapped_column("area_dm2")  # m², exact; stored as dm² (hundredths)
    area_source: Mapped[AreaSource] = mapped_column(str_enum(AreaSource))
    sale_state: Mapped[SaleState] = mapped_column(str_enum(SaleState))
    note: Mapped[str] = mapped_column(String(120), default="")  # 备注: staff only, never public

    __table_args__ = (
        UniqueConstraint("community_id", "number"),
        ForeignKeyConstraint(
            ["community_id", "building_id"],
            ["registry_building.community_id", "registry_building.id"],
        ),
        Index("ix_registry_unit_building", "community_id", "building_id"),
        CheckConstraint("area_dm2 > 0", name="area_positive"),
    )


class Party(TenantKeyed, Base):
    """A person or organisation known to the community: an owner, a resident, the developer."""

    __tablename__ = "registry_party"
    __audit__ = not_audited("personal data, which the log may never hold (LAW.md 3)")

    kind: Mapped[PartyKind] = mapped_column(str_enum(PartyKind))
    name: Mapped[str] = mapped_column(String(80))
    phone: Mapped[str] = mapped_column(String(20), default="")
    id_number: Mapped[str] = mapped_column(String(32), default="")
    is_developer: Mapped[bool] = mapped_column(default=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("identity_user.id"))
    note: Mapped[str] = mapped_column(String(120), default="")  # 备注: staff only, never public

    __table_args__ = (Index("ix_registry_party_phone", "community_id", "phone"),)


class Ownership(Base):
    """A party owns (a share of) a unit. Co-owners of one unit name one designated voter."""

    __tablename__ = "registry_ownership"
    __audit__ = not_audited("personal data, which the log may never hold (LAW.md 3)")

    community_id: Mapped[int] = mapped_column(ForeignKey("registry_community.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(primary_key=True)
    share_percent: Mapped[int] = mapped_column(default=100)  # whole percent of the unit
    is_designated_voter: Mapped[bool] = mapped_column(default=True)
    registered: Mapped[bool] = mapped_column(
        default=True
    )  # False: lawful possession, not yet registered
    since_on: Mapped[date | None]

    __table_args__ = (
        ForeignKeyConstraint(
            ["community_id", "unit_id"], ["registry_unit.community_id", "registry_unit.id"]
        ),
        ForeignKeyConstraint(
            ["community_id", "party_id"], ["registry_party.community_id", "registry_party.id"]
        ),
        Index("ix_registry_ownership_party", "community_id", "party_id"),
        CheckConstraint("share_percent > 0 AND share_percent <= 100", name="share"),
    )


class Residency(Base):
    """A party lives in a unit: the owner, a family member or a tenant."""

    __tablename__ = "registry_residency"
    __audit__ = not_audited("personal data, which the log may never hold (LAW.md 3)")

    community_id: Mapped[int] = mapped_column(ForeignKey("registry_community.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ResidentKind] = mapped_column(str_enum(ResidentKind))
    since_on: Mapped[date | None]

    __table_args__ = (
        ForeignKeyConstraint(
            ["community_id", "unit_id"], ["registry_unit.community_id", "registry_unit.id"]
        ),
        ForeignKeyConstraint(
            ["community_id", "party_id"], ["registry_party.community_id", "registry_party.id"]
        ),
        Index("ix_registry_residency_party", "community_id", "party_id"),
    )


class Vehicle(TenantKeyed, Base):
    """A resident's vehicle, by its normalised plate."""

    __tablename__ = "registry_vehicle"
    __audit__ = not_audited("personal data, which the log may never hold (LAW.md 3)")

    plate: Mapped[str] = mapped_column(String(10))
    unit_id: Mapped[int | None]
    party_id: Mapped[int | None]
    note: Mapped[str] = mapped_column(String(120), default="")

    __table_args__ = (
        UniqueConstraint("community_id", "plate"),
        ForeignKeyConstraint(
            ["community_id", "unit_id"], ["registry_unit.community_id", "registry_unit.id"]
        ),
        ForeignKeyConstraint(
            ["community_id", "party_id"], ["registry_party.community_id", "registry_party.id"]
        ),
    )


class ParkingSpace(TenantKeyed, Base):
    """A marked parking space on common land; the parking part leases and allocates them."""

    __tablename__ = "registry_parking_space"
    __audit__ = not_audited("the register of parking spaces is not logged yet")

    code: Mapped[str] = mapped_column(String(16))  # "P01", "V1"
    kind: Mapped[SpaceKind] = mapped_column(str_enum(SpaceKind))
    location: Mapped[str] = mapped_column(String(80), default="")

    __table_args__ = (UniqueConstraint("community_id", "code"),)
