"""API shapes of collecting: arrears by band, collection rates, reminders, receipts.

Money goes out as yuan text ("1234.50") beside the exact integer of fen, as the rest of
billing's API does, never as a float.
"""

from __future__ import annotations

from datetime import date
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field

from sunshine.billing.models import Terms
from sunshine.billing.rules import collect as rules
from sunshine.billing.rules.income import IncomeBasis
from sunshine.billing.service.arrears import Ageing
from sunshine.billing.service.arrears import ItemRate
from sunshine.billing.service.printing import ReceiptView
from sunshine.billing.service.public import PublicArrears
from sunshine.billing.service.public import PublicRate
from sunshine.billing.service.reminders import ReminderRow
from sunshine.billing.service.reminders import Sent
from sunshine.infra.inputs import Day
from sunshine.infra.inputs import RowId
from sunshine.kernel.money import Fen

_STRICT = ConfigDict(extra="forbid", frozen=True)


class Money(BaseModel):
    yuan: str
    fen: int

    @classmethod
    def of(cls, amount: Fen) -> Money:
        return cls(yuan=amount.plain(), fen=amount.value)


class AgeingRead(BaseModel):
    key: int  # the unit's id or the item's
    label: str  # the unit's number or the item's name
    bands: dict[str, Money]  # by rules.BANDS' key
    total: Money

    @classmethod
    def of(cls, row: Ageing, label: str) -> AgeingRead:
        bands = {band.key: Money.of(row.bands[i]) for i, band in enumerate(rules.BANDS)}
        return cls(key=row.key, label=label, bands=bands, total=Money.of(row.total))


class ArrearsRead(BaseModel):
    as_of: date
    units: list[AgeingRead]
    items: list[AgeingRead]
    totals: dict[str, Money]


class RateRead(BaseModel):
    item_id: int
    period: str
    paid: Money
    billed: Money
    percent: str
    rounding: str = rules.RATE_ROUNDING

    @classmethod
    def of(cls, row: ItemRate) -> RateRead:
        rate = row.rate
        return cls(
            item_id=row.item_id,
            period=str(row.period),
            paid=Money.of(rate.paid),
            billed=Money.of(rate.billed),
            percent=rate.percent,
        )


class ReminderRead(BaseModel):
    unit_id: int
    unit: str
    payer: str
    owed: Money
    oldest_band: str
    last_reminded: datetime | None

    @classmethod
    def of(cls, row: ReminderRow) -> ReminderRead:
        return cls(
            unit_id=row.unit_id,
            unit=row.number,
            payer=row.liable.name,
            owed=Money.of(row.owed),
            oldest_band=row.oldest_band,
            last_reminded=row.last_reminded,
        )


class RemindCreate(BaseModel):
    model_config = _STRICT
    on: Day
    unit_ids: Annotated[list[RowId], Field(min_length=1, max_length=1000)]


class SentRead(BaseModel):
    sent: list[int]
    too_soon: list[int]
    no_phone: list[int]
    nothing_owed: list[int]

    @classmethod
    def of(cls, sent: Sent) -> SentRead:
        return cls(
            sent=sent.sent,
            too_soon=sent.too_soon,
            no_phone=sent.no_phone,
            nothing_owed=sent.nothing_owed,
        )


class ReceiptRead(BaseModel):
    number: int
    issued_on: date
    unit_id: int
    unit: str
    payer: str
    method: str
    amount: Money
    capitals: str
    prepaid: Money
    entry_id: int
    log_seq: int | None
    check_code: str
    refunded: bool
    refund_reason: str

    @classmethod
    def of(cls, view: ReceiptView) -> ReceiptRead:
        return cls(
            number=view.number,
            issued_on=view.issued_on,
            unit_id=view.unit_id,
            unit=view.unit,
            payer=view.payer,
            method=view.method,
            amount=Money.of(view.amount),
            capitals=view.capitals,
            prepaid=Money.of(view.prepaid),
            entry_id=view.entry_id,
            log_seq=view.log_seq,
            check_code=view.check_code,
            refunded=view.refunded,
            refund_reason=view.refund_reason,
        )


class ReceiptRowRead(BaseModel):
    number: int
    issued_at: datetime
    unit_id: int
    amount: Money
    entry_id: int
    refunded: bool


class PublicBandRead(BaseModel):
    band: str
    total: Money
    units: int
    rooms: list[str]  # empty unless the community allows room numbers


class PublicRateRead(BaseModel):
    item: str
    period: str
    paid: Money
    billed: Money
    percent: str
    rounding: str = rules.RATE_ROUNDING


class PublicFiguresRead(BaseModel):
    """What may be shown to anyone (LAW.md 3): no names, no amount per room."""

    as_of: date
    bands: list[PublicBandRead]
    total: Money
    rooms_shown: bool
    rates: list[PublicRateRead]

    @classmethod
    def of(cls, arrears: PublicArrears, rates: list[PublicRate]) -> PublicFiguresRead:
        return cls(
            as_of=arrears.as_of,
            bands=[
                PublicBandRead(
                    band=b.band, total=Money.of(b.total), units=b.units, rooms=list(b.rooms)
                )
                for b in arrears.bands
            ],
            total=Money.of(arrears.total),
            rooms_shown=arrears.rooms_shown,
            rates=[
                PublicRateRead(
                    item=r.item,
                    period=str(r.period),
                    paid=Money.of(r.paid),
                    billed=Money.of(r.billed),
                    percent=r.percent,
                )
                for r in rates
            ],
        )


class TermsRead(BaseModel):
    """The collection terms: the late-fee clause as written, public rooms, income basis."""

    late_fee_bp: int
    late_fee_from_day: int
    late_fee_cap_bp: int | None
    clause_ref: str
    public_rooms: bool
    income_on: IncomeBasis

    @classmethod
    def of(cls, terms: Terms) -> TermsRead:
        return cls(
            late_fee_bp=terms.late_fee_bp,
            late_fee_from_day=terms.late_fee_from_day,
            late_fee_cap_bp=terms.late_fee_cap_bp,
            clause_ref=terms.clause_ref,
            public_rooms=terms.public_rooms,
            income_on=terms.income_on or IncomeBasis.BILLED,
        )


class TermsWrite(BaseModel):
    """The terms recorded whole, as the page does; `income_on` left out stays as it is."""

    model_config = _STRICT
    late_fee_bp: Annotated[int, Field(ge=0, le=10_000)] = 0
    late_fee_from_day: Annotated[int, Field(ge=1, le=10_000)] = 1
    late_fee_cap_bp: Annotated[int | None, Field(ge=0, le=1_000_000)] = None
    clause_ref: Annotated[str, Field(max_length=200)] = ""
    public_rooms: bool = False
    income_on: IncomeBasis | None = None
