"""JSON shapes of the registry API, and the translation of typed input into service values.

Areas travel as strings with two decimals ("85.37"), never as floats, so they stay
exact. `XRead.from_model` names every field it copies. ID numbers leave the server
only masked (LAW.md 3); the roster export is the one place they appear whole.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field

from sunshine.infra.inputs import Day
from sunshine.infra.inputs import RowId
from sunshine.infra.settings import get_settings
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import Problem
from sunshine.kernel.errors import Translate
from sunshine.kernel.masking import mask_id_number
from sunshine.registry import rules
from sunshine.registry.models import Building
from sunshine.registry.models import Community
from sunshine.registry.models import Ownership
from sunshine.registry.models import Party
from sunshine.registry.models import Unit
from sunshine.registry.models import Vehicle
from sunshine.registry.rules.roster_format import describe
from sunshine.registry.service import CommunitySummary
from sunshine.registry.service import PartyUnits
from sunshine.registry.service import UnitChange
from sunshine.registry.service import UnitDraft
from sunshine.registry.service.roster import ImportPlan
from sunshine.registry.service.roster import ImportResult

AREA_EXAMPLE = "85.37"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RosterFormat = Literal["xlsx", "csv"]


def area_text(area: Decimal) -> str:
    """An exact area as JSON and forms show it: '85.37'."""
    return f"{area:.2f}"


def unit_draft(
    number: str,
    area: str,
    *,
    area_source: rules.AreaSource = rules.AreaSource.REGISTRY,
    use: rules.UnitUse = rules.UnitUse.RESIDENTIAL,
    sale_state: rules.SaleState = rules.SaleState.DELIVERED,
) -> UnitDraft:
    """A new unit as typed; raises Invalid with every problem the text alone shows."""
    value, problems = rules.parse_area(area)
    if value is None:
        problems = [*rules.unit_number_problems(number.strip()), *problems]
        raise Invalid("the unit was not added", problems=problems)
    return UnitDraft(
        number=number.strip(), area=value, area_source=area_source, use=use, sale_state=sale_state
    )


def unit_change(
    area: str | None,
    *,
    area_source: rules.AreaSource | None = None,
    use: rules.UnitUse | None = None,
    sale_state: rules.SaleState | None = None,
    note: str | None = None,
) -> UnitChange:
    """A change to a unit as typed; raises Invalid when the area is not an exact area."""
    value: Decimal | None = None
    if area is not None:
        value, problems = rules.parse_area(area)
        if value is None:
            raise Invalid("the unit was not changed", problems=problems)
    return UnitChange(
        area=value, area_source=area_source, use=use, sale_state=sale_state, note=note
    )


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- communities -------------------------------------------------------------


class CommunityRead(_Strict):
    """A community's public facts."""

    id: int
    code: str
    name: str
    name_en: str
    city: str
    district: str
    street: str
    neighbourhood: str
    address: str
    built_year: int | None
    trustee_company: str
    trustee_since: date | None
    committee_kind: rules.CommitteeKind

    @classmethod
    def from_model(cls, community: Community) -> CommunityRead:
        return cls(
            id=community.id,
            code=community.code,
            name=community.name,
            name_en=community.name_en,
            city=community.city,
            district=community.district,
            street=community.street,
            neighbourhood=community.neighbourhood,
            address=community.address,
            built_year=community.built_year,
            trustee_company=community.trustee_company,
            trustee_since=community.trustee_since,
            committee_kind=community.committee_kind,
        )


class CommunitySummaryRead(_Strict):
    """A community's facts and counts: what its home page shows."""

    community: CommunityRead
    buildings: int
    units: int
    households: int
    owners: int
    vehicles: int
    resident_spaces: int
    visitor_spaces: int

    @classmethod
    def from_model(cls, summary: CommunitySummary) -> CommunitySummaryRead:
        return cls(
            community=CommunityRead.from_model(summary.community),
            buildings=summary.buildings,
            units=summary.units,
            households=summary.households,
            owners=summary.owners,
            vehicles=summary.vehicles,
            resident_spaces=summary.resident_spaces,
            visitor_spaces=summary.visitor_spaces,
        )


# --- buildings and units -----------------------------------------------------


class BuildingCreate(_Strict):
    """A new building; `code` is the first part of its unit numbers."""

    code: str = Field(min_length=1, max_length=8, examples=["3"])
    name: str = Field(default="", max_length=40, examples=["3幢"])
    floors: int = Field(ge=1, le=199, examples=[6])


class BuildingRead(_Strict):
    id: int
    code: str
    name: str
    floors: int

    @classmethod
    def from_model(cls, building: Building) -> BuildingRead:
        return cls(id=building.id, code=building.code, name=building.name, floors=building.floors)


class UnitCreate(_Strict):
    """A new unit; its building is read from the number (3-2-301 is in building 3)."""

    number: str = Field(min_length=1, max_length=16, examples=["3-2-301"])
    area: str = Field(min_length=1, max_length=20, examples=[AREA_EXAMPLE])
    area_source: rules.AreaSource = rules.AreaSource.REGISTRY
    use: rules.UnitUse = rules.UnitUse.RESIDENTIAL
    sale_state: rules.SaleState = rules.SaleState.DELIVERED


class UnitUpdate(_Strict):
    """Corrections to a unit; fields left out stay as they are."""

    area: str | None = Field(default=None, max_length=20, examples=[AREA_EXAMPLE])
    area_source: rules.AreaSource | None = None
    use: rules.UnitUse | None = None
    sale_state: rules.SaleState | None = None
    note: str | None = Field(default=None, max_length=120, description="备注, staff only")


class OwnerCreate(_Strict):
    """A party owns (a share of) a unit."""

    party_id: RowId
    share_percent: int = Field(default=100, ge=0, le=100, examples=[100])
    designated_voter: bool = True
    registered: bool = True
    since_on: Day | None = None


class OwnershipRead(_Strict):
    unit_id: int
    party_id: int
    name: str
    share_percent: int
    is_designated_voter: bool
    registered: bool
    since_on: date | None

    @classmethod
    def from_model(cls, ownership: Ownership, party: Party) -> OwnershipRead:
        return cls(
            unit_id=ownership.unit_id,
            party_id=ownership.party_id,
            name=party.name,
            share_percent=ownership.share_percent,
            is_designated_voter=ownership.is_designated_voter,
            registered=ownership.registered,
            since_on=ownership.since_on,
        )


class UnitRead(_Strict):
    id: int
    number: str
    building_id: int
    floor: int
    use: rules.UnitUse
    area: str = Field(examples=[AREA_EXAMPLE])
    area_source: rules.AreaSource
    sale_state: rules.SaleState
    note: str  # 备注: staff only (the roster, and this API, need VIEW_REGISTRY)
    owners: list[OwnershipRead]

    @classmethod
    def from_model(cls, unit: Unit, owners: list[tuple[Ownership, Party]]) -> UnitRead:
        return cls(
            id=unit.id,
            number=unit.number,
            building_id=unit.building_id,
            floor=unit.floor,
            use=unit.use,
            area=area_text(unit.area),
            area_source=unit.area_source,
            sale_state=unit.sale_state,
            note=unit.note,
            owners=[OwnershipRead.from_model(o, p) for o, p in owners],
        )


# --- people and vehicles -----------------------------------------------------


class PartyCreate(_Strict):
    """A person or organisation: owner, resident or the developer."""

    name: str = Field(min_length=1, max_length=80)
    phone: str = Field(default="", max_length=20, examples=["13812345678"])
    kind: rules.PartyKind = rules.PartyKind.PERSON
    id_number: str = Field(default="", max_length=32)
    is_developer: bool = False


class PartyRead(_Strict):
    id: int
    kind: rules.PartyKind
    name: str
    phone: str
    id_number_masked: str
    is_developer: bool
    note: str
    owns: list[str]
    lives_in: list[str]

    @classmethod
    def from_model(cls, party: Party, owns: list[str], lives_in: list[str]) -> PartyRead:
        return cls(
            id=party.id,
            kind=party.kind,
            name=party.name,
            phone=party.phone,
            id_number_masked=mask_id_number(party.id_number),
            is_developer=party.is_developer,
            note=party.note,
            owns=owns,
            lives_in=lives_in,
        )

    @classmethod
    def from_units(cls, item: PartyUnits) -> PartyRead:
        return cls.from_model(item.party, item.owned, item.lived)


class VehicleCreate(_Strict):
    """A vehicle by its plate as typed (苏Ｄ·ab123 is read as 苏DAB123)."""

    plate: str = Field(min_length=1, max_length=20, examples=["苏D12345"])
    unit_id: RowId | None = None
    party_id: RowId | None = None
    note: str = Field(default="", max_length=120)


class VehicleRead(_Strict):
    id: int
    plate: str
    unit_id: int | None
    party_id: int | None
    note: str

    @classmethod
    def from_model(cls, vehicle: Vehicle) -> VehicleRead:
        return cls(
            id=vehicle.id,
            plate=vehicle.plate,
            unit_id=vehicle.unit_id,
            party_id=vehicle.party_id,
            note=vehicle.note,
        )


# --- roster -----------------------------------------------------------------


def roster_max_bytes() -> int:
    """The largest roster file accepted (setting SUNSHINE_ROSTER_MAX_BYTES, 5 MiB by default)."""
    return get_settings().roster_max_bytes


def roster_data(data: bytes) -> bytes:
    """The uploaded roster's bytes; raises Invalid when there are none or too many."""
    if not data or len(data) > roster_max_bytes():
        problem = Problem(
            "roster_size",
            "the roster file must hold something and be at most {mb} MB",
            {"mb": f"{roster_max_bytes() / 2**20:g}"},
            "file",
        )
        raise Invalid("the roster was not read", problems=[problem])
    return data


def pack_upload(data: bytes) -> tuple[str, str]:
    """A checked file as a form carries it to the apply step: (base64 text, SHA-256 hex)."""
    return base64.b64encode(data).decode("ascii"), hashlib.sha256(data).hexdigest()


def unpack_upload(content: str, sha256: str) -> bytes:
    """The file a preview form sent back; raises Invalid unless it is exactly the checked one."""
    try:
        data = base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError):  # ValueError: not ASCII at all
        data = b""
    sent = sha256.encode("utf-8", "replace")  # compare_digest refuses non-ASCII text
    if not data or not hmac.compare_digest(hashlib.sha256(data).hexdigest().encode(), sent):
        problem = Problem(
            "roster_changed",
            "the file sent back is not the one that was checked; upload it again",
            where="file",
        )
        raise Invalid("the roster was not imported", problems=[problem])
    return data


def roster_download(community_code: str, fmt: RosterFormat) -> tuple[str, dict[str, str]]:
    """The media type and headers of a roster download: roster-jcdy.xlsx or .csv."""
    media = XLSX if fmt == "xlsx" else "text/csv; charset=utf-8"
    name = f"roster-{community_code}.{fmt}"
    return media, {"Content-Disposition": f'attachment; filename="{name}"'}


class RosterProblemRead(_Strict):
    """A reason the roster cannot be imported; `row` is the line as the user sees it."""

    code: str
    message: str
    where: str
    row: int | None

    @classmethod
    def from_problem(cls, problem: Problem, translate: Translate) -> RosterProblemRead:
        row = problem.args.get("row")
        return cls(
            code=problem.code,
            message=describe(problem, translate),
            where=problem.where,
            row=row if isinstance(row, int) else None,
        )


class RosterChangeRead(_Strict):
    """One thing the import creates or updates."""

    kind: str
    action: Literal["create", "update"]
    subject: str
    fields: list[str]


class RosterCountRead(_Strict):
    created: int
    updated: int


class RosterImportRead(_Strict):
    """A dry run (what would change, and every problem) or an applied import."""

    dry_run: bool
    applied: bool
    rows: int
    problems: list[RosterProblemRead]
    counts: dict[str, RosterCountRead]
    changes: list[RosterChangeRead]

    @classmethod
    def from_outcome(
        cls, outcome: ImportPlan | ImportResult, translate: Translate
    ) -> RosterImportRead:
        problems = outcome.problems if isinstance(outcome, ImportPlan) else ()
        return cls(
            dry_run=isinstance(outcome, ImportPlan),
            applied=isinstance(outcome, ImportResult),
            rows=outcome.rows,
            problems=[RosterProblemRead.from_problem(p, translate) for p in problems],
            counts={
                kind: RosterCountRead(created=made, updated=updated)
                for kind, (made, updated) in outcome.counts().items()
            },
            changes=[
                RosterChangeRead(
                    kind=c.kind, action=c.action, subject=c.subject, fields=list(c.fields)
                )
                for c in outcome.changes
            ],
        )
