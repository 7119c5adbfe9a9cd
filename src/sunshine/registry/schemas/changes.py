"""JSON shapes of the registry's one-at-a-time changes: transfers, history, edits, moves."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field

from sunshine.infra.inputs import Day
from sunshine.infra.inputs import RowId
from sunshine.registry import rules
from sunshine.registry import service as registry
from sunshine.registry.models import Party
from sunshine.registry.models import PastResidency
from sunshine.registry.models import Residency
from sunshine.registry.models import Transfer


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NewOwnerIn(_Strict):
    party_id: RowId
    share_percent: int = Field(ge=1, le=100, description="whole percent; the owners' add to 100")
    designated_voter: bool = False
    registered: bool = True


class TransferCreate(_Strict):
    """A transfer (过户): from the unit's present owners to new ones, as of a date."""

    from_party_ids: list[RowId] = Field(max_length=50, description="the unit's owners now")
    to: list[NewOwnerIn] = Field(min_length=1, max_length=50)
    effective_on: Day
    reason: rules.TransferReason
    voucher_ref: str = Field(default="", max_length=40)

    def draft(self, unit_id: int) -> registry.TransferDraft:
        return registry.TransferDraft(
            unit_id=unit_id,
            from_party_ids=list(self.from_party_ids),
            to=[registry.NewOwner(**owner.model_dump()) for owner in self.to],
            effective_on=self.effective_on,
            reason=self.reason,
            voucher_ref=self.voucher_ref,
        )


class TransferRead(_Strict):
    id: int
    unit_id: int
    effective_on: date
    reason: rules.TransferReason
    voucher_ref: str

    @classmethod
    def from_model(cls, transfer: Transfer) -> TransferRead:
        return cls(
            id=transfer.id,
            unit_id=transfer.unit_id,
            effective_on=transfer.effective_on,
            reason=transfer.reason,
            voucher_ref=transfer.voucher_ref,
        )


class HistoryRead(_Strict):
    """One ownership of a unit with the days it held; valid_to null: it holds now."""

    party_id: int
    name: str
    share_percent: int
    designated_voter: bool
    valid_from: date | None
    valid_to: date | None
    transfer: TransferRead | None

    @classmethod
    def from_line(cls, line: registry.HistoryLine) -> HistoryRead:
        return cls(
            party_id=line.party.id,
            name=line.party.name,
            share_percent=line.share_percent,
            designated_voter=line.designated_voter,
            valid_from=line.valid_from,
            valid_to=line.valid_to,
            transfer=TransferRead.from_model(line.transfer) if line.transfer else None,
        )


class PartyUpdate(_Strict):
    """What staff may correct on a person; a field left out stays as it is, "" clears it."""

    name: str | None = Field(default=None, min_length=1, max_length=80)
    phone: str | None = Field(default=None, max_length=20)
    id_number: str | None = Field(default=None, max_length=32, examples=["11010519491231002X"])
    note: str | None = Field(default=None, max_length=120)

    def change(self) -> registry.PartyChange:
        return registry.PartyChange(
            name=self.name, phone=self.phone, id_number=self.id_number, note=self.note
        )


class MoveIn(_Strict):
    party_id: RowId
    kind: rules.ResidentKind
    on: Day


class MoveOut(_Strict):
    on: Day


class ResidencyRead(_Strict):
    unit_id: int
    party_id: int
    name: str
    kind: rules.ResidentKind
    since_on: date | None
    until_on: date | None

    @classmethod
    def from_model(cls, residency: Residency | PastResidency, party: Party) -> ResidencyRead:
        until = residency.until_on if isinstance(residency, PastResidency) else None
        return cls(
            unit_id=residency.unit_id,
            party_id=party.id,
            name=party.name,
            kind=residency.kind,
            since_on=residency.since_on,
            until_on=until,
        )
