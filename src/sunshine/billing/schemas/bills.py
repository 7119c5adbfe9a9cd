"""Billing's API shapes, and typed input (yuan, months, days) turned into rule values."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field

from sunshine.billing.models import Bill
from sunshine.billing.models import ChargeItem
from sunshine.billing.models import Payment
from sunshine.billing.models import Rate
from sunshine.billing.models import Run
from sunshine.billing.rules.allocation import METHODS
from sunshine.billing.rules.charges import ChargeKind
from sunshine.billing.rules.charges import Liable
from sunshine.billing.service.runs import Plan
from sunshine.infra.inputs import Day
from sunshine.infra.inputs import RowId
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import Problem
from sunshine.kernel.money import Fen
from sunshine.ledger import schemas as ledger_schemas

_STRICT = ConfigDict(extra="forbid", frozen=True)
Yuan = Annotated[str, Field(pattern=r"^\d{1,12}(\.\d{1,2})?$", examples=["1.85"])]
Month = Annotated[str, Field(pattern=r"^\d{4}-\d{2}$", examples=["2024-09"])]
parse_period = ledger_schemas.parse_period
parse_day = ledger_schemas.parse_day
yuan = ledger_schemas.yuan


def parse_yuan(text: str, *, where: str) -> Fen:
    """A yuan amount typed in a form or option; Invalid if it is not one."""
    try:
        return Fen.parse(text)
    except ValueError:
        problem = Problem(
            "bad_amount", "{text} is not an amount in yuan", {"text": text[:30]}, where
        )
        raise Invalid("the request was refused", problems=[problem]) from None


class ItemCreate(BaseModel):
    model_config = _STRICT
    code: Annotated[str, Field(max_length=16, examples=["garbage"])]
    name: Annotated[str, Field(max_length=60, examples=["生活垃圾清运费"])]
    kind: ChargeKind
    account_code: Annotated[str, Field(max_length=16, examples=["6004"])]
    liable: Liable = Liable.OWNER
    first_month: Annotated[int, Field(ge=1, le=12)] = 1


class RateCreate(BaseModel):
    model_config = _STRICT
    rate: Yuan
    effective_from: Day
    # the owners' vote or committee decision behind the change: vote:V/M or decision:N
    authority: Annotated[str | None, Field(max_length=40, examples=["vote:3/1"])] = None


class RunCreate(BaseModel):
    model_config = _STRICT
    item: Annotated[str, Field(max_length=16, examples=["garbage"])]
    period: Month
    issued_on: Day | None = None


class PaymentCreate(BaseModel):
    model_config = _STRICT
    unit_id: RowId
    amount: Yuan
    method: Annotated[str, Field(pattern="^(" + "|".join(METHODS) + ")$")]
    reference: Annotated[str, Field(max_length=64)] = ""
    bill_ids: Annotated[list[RowId], Field(max_length=500)] | None = None
    request_key: Annotated[str, Field(min_length=8, max_length=64)] | None = None


class RefundCreate(BaseModel):
    model_config = _STRICT
    reason: Annotated[str, Field(min_length=1, max_length=200)]
    on: Day


class RateRead(BaseModel):
    effective_from: date
    rate: str
    authority: str | None = None  # the vote or decision the fee change cites

    @classmethod
    def of(cls, rate: Rate, authority: str | None = None) -> RateRead:
        return cls(
            effective_from=rate.effective_from, rate=yuan(rate.rate_fen), authority=authority
        )


class ItemRead(BaseModel):
    id: int
    code: str
    name: str
    kind: ChargeKind
    account_code: str
    liable: Liable
    first_month: int
    rates: list[RateRead]

    @classmethod
    def of(
        cls, item: ChargeItem, rates: list[Rate], authorities: Mapping[int, str] | None = None
    ) -> ItemRead:
        return cls(
            id=item.id,
            code=item.code,
            name=item.name,
            kind=item.kind,
            account_code=item.account_code,
            liable=item.liable,
            first_month=item.first_month,
            rates=[RateRead.of(rate, (authorities or {}).get(rate.id)) for rate in rates],
        )


class PlanRead(BaseModel):
    """What a run bills (or would bill): counts and totals, no room-level detail."""

    item: str
    period: str
    issued_on: date
    rate: str
    bills: int
    total: str
    prepaid: str
    already_billed: int
    skipped: int
    run_id: int | None = None
    entry_id: int | None = None

    @classmethod
    def of(cls, plan: Plan, run: Run | None = None) -> PlanRead:
        return cls(
            item=plan.item_code,
            period=str(plan.period),
            issued_on=plan.issued_on,
            rate=yuan(plan.rate),
            bills=plan.count,
            total=yuan(plan.total),
            prepaid=yuan(plan.prepaid),
            already_billed=plan.already,
            skipped=plan.skipped,
            run_id=run.id if run else None,
            entry_id=run.entry_id if run else None,
        )


class BillRead(BaseModel):
    id: int
    item_id: int
    period: str
    unit_id: int
    lease_id: int
    amount: str
    paid: str
    owed: str
    issued_on: date
    due_on: date
    payer: str

    @classmethod
    def of(cls, bill: Bill) -> BillRead:
        return cls(
            id=bill.id,
            item_id=bill.item_id,
            period=str(bill.period),
            unit_id=bill.unit_id,
            lease_id=bill.lease_id,
            amount=yuan(bill.amount_fen),
            paid=yuan(bill.paid_fen),
            owed=yuan(bill.amount_fen - bill.paid_fen),
            issued_on=bill.issued_on,
            due_on=bill.due_on,
            payer=bill.payer_name,
        )


class PaymentRead(BaseModel):
    id: int
    unit_id: int
    amount: str
    method: str
    reference: str
    received_at: datetime
    entry_id: int
    receipt_no: int | None
    refunded: bool
    refund_reason: str

    @classmethod
    def of(cls, payment: Payment) -> PaymentRead:
        return cls(
            id=payment.id,
            unit_id=payment.unit_id,
            amount=yuan(payment.amount_fen),
            method=payment.method,
            reference=payment.reference,
            received_at=payment.received_at,
            entry_id=payment.entry_id,
            receipt_no=payment.receipt_no,
            refunded=payment.refund_entry_id is not None,
            refund_reason=payment.refund_reason,
        )
