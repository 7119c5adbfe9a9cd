"""JSON API of collecting (mounted at /api/v1): arrears, rates, reminders, receipts, terms.

Staff only (BOOK_ENTRY), as the pages, but for the public figures (READ_PUBLIC, as the
notices: no names, no amount per room); sending reminders is CSRF-checked and commits
once, in the route.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from fastapi import Query

from sunshine.billing.rules import collect as rules
from sunshine.billing.schemas import collect as schemas
from sunshine.billing.service import arrears
from sunshine.billing.service import printing
from sunshine.billing.service import public
from sunshine.billing.service import receipts
from sunshine.billing.service import reminders
from sunshine.billing.service import terms
from sunshine.billing.service.items import list_items
from sunshine.identity import service as identity
from sunshine.identity.rules import Action
from sunshine.infra import clock
from sunshine.infra.inputs import Day
from sunshine.infra.inputs import RowId
from sunshine.infra.web import CsrfChecked
from sunshine.infra.web import CurrentCommunity
from sunshine.infra.web import DbSession
from sunshine.infra.web import OptionalViewer
from sunshine.kernel.periods import Period
from sunshine.registry import service as registry

router = APIRouter(prefix="/communities/{code}/billing", tags=["billing"])


@router.get("/arrears")
def get_arrears(
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
    on: Day | None = None,
    item: RowId | None = None,
    building: RowId | None = None,
) -> schemas.ArrearsRead:
    """Arrears by unit and by charge item in ageing bands, as of a day (today)."""
    identity.authorize(viewer, Action.BOOK_ENTRY, community.id)
    day = on or clock.today()
    units = registry.list_units(session, community.id, building_id=building)
    numbers = {u.id: u.number for u in units}
    among = set(numbers) if building is not None else None
    rows = arrears.ageing_by_unit(session, community.id, day, item_id=item, unit_ids=among)
    names = {i.id: i.name for i in list_items(session, community.id)}
    totals = arrears.band_totals(session, community.id, day)
    return schemas.ArrearsRead(
        as_of=day,
        units=[schemas.AgeingRead.of(r, numbers.get(r.key, "")) for r in rows],
        items=[
            schemas.AgeingRead.of(r, names.get(r.key, ""))
            for r in arrears.ageing_by_item(session, community.id, day)
        ],
        totals={b.key: schemas.Money.of(totals[i]) for i, b in enumerate(rules.BANDS)},
    )


@router.get("/collection-rates")
def get_collection_rates(
    session: DbSession, viewer: OptionalViewer, community: CurrentCommunity, on: Day | None = None
) -> list[schemas.RateRead]:
    """Paid / billed per charge item and month (paid by `on`), exact and rounded."""
    identity.authorize(viewer, Action.BOOK_ENTRY, community.id)
    rows = arrears.collection_rates(session, community.id, as_of=on)
    return [schemas.RateRead.of(row) for row in rows]


@router.get("/reminders")
def get_reminders(
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
    on: Day | None = None,
    item: RowId | None = None,
    building: RowId | None = None,
) -> list[schemas.ReminderRead]:
    """Units owing, who is liable, when each was last reminded."""
    identity.authorize(viewer, Action.BOOK_ENTRY, community.id)
    rows = reminders.reminder_list(
        session, community.id, on or clock.today(), item_id=item, building_id=building
    )
    return [schemas.ReminderRead.of(row) for row in rows]


@router.post("/reminders", dependencies=[CsrfChecked])
def send_reminders(
    body: schemas.RemindCreate,
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
) -> schemas.SentRead:
    """Text the liable people of these units, at most once a week each; recorded."""
    actor = identity.authorize(viewer, Action.BOOK_ENTRY, community.id)
    sent = reminders.send_reminders(
        session,
        community.id,
        body.unit_ids,
        as_of=body.on,
        actor=actor.display_name,
        community_name=community.name,
    )
    session.commit()
    return schemas.SentRead.of(sent)


@router.get("/receipts")
def list_receipts(
    session: DbSession, viewer: OptionalViewer, community: CurrentCommunity
) -> list[schemas.ReceiptRowRead]:
    """The newest receipts first (refunded ones marked)."""
    identity.authorize(viewer, Action.BOOK_ENTRY, community.id)
    return [
        schemas.ReceiptRowRead(
            number=row.receipt.number,
            issued_at=row.receipt.issued_at,
            unit_id=row.payment.unit_id,
            amount=schemas.Money.of(row.receipt.amount_fen),
            entry_id=row.receipt.entry_id,
            refunded=row.refunded,
        )
        for row in receipts.list_receipts(session, community.id)
    ]


@router.get("/receipts/{number}")
def get_receipt(
    number: RowId, session: DbSession, viewer: OptionalViewer, community: CurrentCommunity
) -> schemas.ReceiptRead:
    identity.authorize(viewer, Action.BOOK_ENTRY, community.id)
    return schemas.ReceiptRead.of(
        printing.receipt_view(session, community.id, community.name, number)
    )


@router.get("/public-figures")
def public_figures(
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
    on: Day | None = None,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> schemas.PublicFiguresRead:
    """Arrears by band and the collection rate per item and month of a year: no names."""
    identity.authorize(viewer, Action.READ_PUBLIC, community)
    day = on or clock.today()
    periods = [Period(year or day.year, month) for month in range(1, 13)]
    return schemas.PublicFiguresRead.of(
        public.public_arrears(session, community.id, day),
        public.public_collection_rates(session, community.id, periods, as_of=day),
    )


@router.get("/terms")
def get_terms(
    session: DbSession, viewer: OptionalViewer, community: CurrentCommunity
) -> schemas.TermsRead:
    """The collection terms: late-fee clause, room numbers in public, when income is booked."""
    identity.authorize(viewer, Action.BOOK_ENTRY, community.id)
    return schemas.TermsRead.of(terms.terms_of(session, community.id))


@router.put("/terms", dependencies=[CsrfChecked])
def put_terms(
    body: schemas.TermsWrite,
    session: DbSession,
    viewer: OptionalViewer,
    community: CurrentCommunity,
) -> schemas.TermsRead:
    """Record the terms (the manager). Changing `income_on` once there are bills: 409."""
    identity.authorize(viewer, Action.MANAGE_LEDGER, community.id)
    recorded = terms.set_terms(
        session,
        community.id,
        late_fee_bp=body.late_fee_bp,
        late_fee_from_day=body.late_fee_from_day,
        late_fee_cap_bp=body.late_fee_cap_bp,
        clause_ref=body.clause_ref,
        public_rooms=body.public_rooms,
        income_on=body.income_on,
    )
    read = schemas.TermsRead.of(recorded)
    session.commit()
    return read
