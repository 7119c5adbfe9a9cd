"""JSON API of billing (mounted at /api/v1): charge items and rates, runs, bills, payments.

Staff read bills and take payments (BOOK_ENTRY); the manager sets charge items and rates
and posts runs (MANAGE_LEDGER). Writes are CSRF-checked and commit once, in the route.
A run's preview (POST …/runs/preview) writes nothing and says what posting would bill.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi import status

from sunshine.billing import service
from sunshine.billing.schemas import bills as schemas
from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra import clock
from sunshine.infra.inputs import RowId
from sunshine.infra.web import CsrfChecked
from sunshine.infra.web import CurrentCommunity
from sunshine.infra.web import DbSession
from sunshine.infra.web import OptionalViewer

router = APIRouter(prefix="/communities/{code}/billing", tags=["billing"])


@router.get("/items")
def list_items(
    session: DbSession, viewer: OptionalViewer, community: CurrentCommunity
) -> list[schemas.ItemRead]:
    """The charge items with their rate history."""
    identity.authorize(viewer, Action.BOOK_ENTRY, community.id)
    return [
        schemas.ItemRead.of(
            item,
            service.rates_of(session, community.id, item.id),
            service.rate_authorities(session, community.id, item.id),
        )
        for item in service.list_items(session, community.id)
    ]


@router.post("/items", status_code=status.HTTP_201_CREATED, dependencies=[CsrfChecked])
def add_item(
    body: schemas.ItemCreate,
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
) -> schemas.ItemRead:
    """A new charge item: how it is measured, its income account, who is liable."""
    identity.authorize(viewer, Action.MANAGE_LEDGER, community.id)
    item = service.add_item(session, community.id, **body.model_dump())
    session.commit()
    return schemas.ItemRead.of(item, [])


@router.post(
    "/items/{item_id}/rates", status_code=status.HTTP_201_CREATED, dependencies=[CsrfChecked]
)
def set_rate(
    item_id: RowId,
    body: schemas.RateCreate,
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
) -> schemas.ItemRead:
    """A new rate from a day on; bills already issued keep theirs."""
    actor = identity.authorize(viewer, Action.MANAGE_LEDGER, community.id)
    rate = schemas.parse_yuan(body.rate, where="rate")
    service.set_rate(
        session,
        community.id,
        item_id,
        rate=rate,
        effective_from=body.effective_from,
        actor=actor.display_name,
        authority=body.authority,
        actor_id=actor.user_id,
    )
    session.commit()
    item = service.get_item(session, community.id, item_id)
    return schemas.ItemRead.of(
        item,
        service.rates_of(session, community.id, item_id),
        service.rate_authorities(session, community.id, item_id),
    )


@router.post("/runs/preview", dependencies=[CsrfChecked])
def preview_run(
    body: schemas.RunCreate, session: DbSession, viewer: OptionalViewer, community: CurrentCommunity
) -> schemas.PlanRead:
    """What posting the run would bill: count, total, prepayments used. Nothing is written."""
    identity.authorize(viewer, Action.MANAGE_LEDGER, community.id)
    item = service.item_by_code(session, community.id, body.item)
    period = schemas.parse_period(body.period)
    plan = service.preview_run(session, community.id, item.id, period, issued_on=body.issued_on)
    return schemas.PlanRead.of(plan)


@router.post("/runs", status_code=status.HTTP_201_CREATED, dependencies=[CsrfChecked])
def post_run(
    body: schemas.RunCreate, session: DbSession, viewer: OptionalViewer, community: CurrentCommunity
) -> schemas.PlanRead:
    """Issue the period's bills not issued yet, booked in the ledger; again, it adds nothing."""
    actor = identity.authorize(viewer, Action.MANAGE_LEDGER, community.id)
    item = service.item_by_code(session, community.id, body.item)
    period = schemas.parse_period(body.period)
    plan, run = service.post_run(
        session,
        community.id,
        item.id,
        period,
        actor=actor.display_name,
        actor_id=actor.user_id,
        issued_on=body.issued_on,
    )
    session.commit()
    return schemas.PlanRead.of(plan, run)


@router.get("/units/{unit_id}/bills")
def unit_bills(
    unit_id: RowId, session: DbSession, viewer: OptionalViewer, community: CurrentCommunity
) -> list[schemas.BillRead]:
    """A unit's bills, the latest first, with what is paid and owed."""
    identity.authorize(viewer, Action.BOOK_ENTRY, community.id)
    return [schemas.BillRead.of(b) for b in service.unit_bills(session, community.id, unit_id)]


@router.get("/units/{unit_id}/payments")
def unit_payments(
    unit_id: RowId, session: DbSession, viewer: OptionalViewer, community: CurrentCommunity
) -> list[schemas.PaymentRead]:
    identity.authorize(viewer, Action.BOOK_ENTRY, community.id)
    payments = service.unit_payments(session, community.id, unit_id)
    return [schemas.PaymentRead.of(p) for p in payments]


@router.post("/payments", status_code=status.HTTP_201_CREATED, dependencies=[CsrfChecked])
def take_payment(
    body: schemas.PaymentCreate,
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
) -> schemas.PaymentRead:
    """Money taken at the desk, spread over the unit's bills (oldest first unless chosen).

    With a `request_key` sent before, the payment made then is returned: a retried request
    books the money once.
    """
    actor = identity.authorize(viewer, Action.BOOK_ENTRY, community.id)
    payment = service.take_payment(
        session,
        community_id=community.id,
        unit_id=body.unit_id,
        amount=schemas.parse_yuan(body.amount, where="amount"),
        method=body.method,
        reference=body.reference,
        received_at=clock.now(),
        bill_ids=body.bill_ids,
        actor=actor.display_name,
        actor_id=actor.user_id,
        request_key=body.request_key,
    )
    session.commit()
    return schemas.PaymentRead.of(payment)


@router.post("/payments/{payment_id}/refund", dependencies=[CsrfChecked])
def refund_payment(
    payment_id: RowId,
    body: schemas.RefundCreate,
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
) -> schemas.PaymentRead:
    """Give a payment back: its entry is reversed with the reason; its bills reopen."""
    actor = identity.authorize(viewer, Action.BOOK_ENTRY, community.id)
    payment = service.refund_payment(
        session, community.id, payment_id, reason=body.reason, on=body.on, actor_id=actor.user_id
    )
    session.commit()
    return schemas.PaymentRead.of(payment)
