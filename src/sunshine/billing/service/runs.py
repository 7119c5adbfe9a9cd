"""Billing runs: a charge item's bills for a period, previewed, then posted in one go.

Set-based: the units (with their areas) or the leases, the bills already issued and the
payers arrive as plain rows, one query each; the amounts are computed over lists of
integers; the bills go in with one driver-level insert (`infra.bulk`: executemany on
SQLite, COPY on PostgreSQL). No mapped object is made per bill.

Idempotent: a bill's unique key is (community, item, period, unit, lease), and a run
bills only the units and leases without one, so running a period again books nothing;
units added since (or a payer recorded since) are billed by the next run.

The ledger gets one entry per run: Dr 1122 receivable / Cr the item's income account for
the run's total, and Dr 2203 / Cr 1122 for what the units' prepayments paid at once. Where
income is recognised on collection (rules.income), the run credits 2205 instead, and what
the prepayments paid is collected income at once: Dr 2205 / Cr the income account. One
entry rather than one per bill, because the entry is public (the log and the owners'
ledger) and a room's bill is not (LAW.md 3): the bills are the detail behind it, and one
entry keeps a 100,000-unit run to one log record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.billing.models import Allocation
from sunshine.billing.models import Bill
from sunshine.billing.models import ChargeItem
from sunshine.billing.models import Run
from sunshine.billing.rules import charges
from sunshine.billing.rules import income
from sunshine.billing.rules.allocation import PREPAYMENT_ACCOUNT
from sunshine.billing.rules.allocation import RECEIVABLE_ACCOUNT
from sunshine.billing.service import items
from sunshine.billing.service import prepayments
from sunshine.billing.service.payers import payers_on
from sunshine.billing.service.terms import income_basis
from sunshine.infra import clock
from sunshine.infra.bulk import Layout
from sunshine.infra.bulk import stored_value
from sunshine.infra.db import Base
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import Problem
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import rules as ledger_rules
from sunshine.ledger import service as ledger
from sunshine.registry.service import district

CHUNK = 10_000  # bills per insert, so the CLI's progress bar moves
Progress = Callable[[int, int], None]  # (bills written, bills in the run)

# (unit id, lease id, quantity, amount fen, paid fen, payer party id, payer name)
BillRow = tuple[int, int, int, int, int, int | None, str]
_BILLS = Layout(
    Base.metadata.tables[Bill.__tablename__],
    ("id", "unit_id", "lease_id", "quantity", "amount_fen", "paid_fen", "payer_party_id",
     "payer_name"),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Plan:
    """What a run would bill: nothing is written until it is posted."""

    item_id: int
    item_code: str
    period: Period
    issued_on: date
    rate: Fen
    rows: list[BillRow]
    already: int  # bills of this item and period issued before
    skipped: int  # units or leases with nobody liable on record

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def total(self) -> Fen:
        return Fen(sum(row[3] for row in self.rows))

    @property
    def prepaid(self) -> Fen:
        return Fen(sum(row[4] for row in self.rows))


def preview_run(
    session: Session,
    community_id: int,
    item_id: int,
    period: Period,
    *,
    issued_on: date | None = None,
) -> Plan:
    """What posting the run would bill (count, total, prepayments used); writes nothing."""
    item = items.get_item(session, community_id, item_id)
    return _plan(session, community_id, item, period, issued_on or period.first_day)


def post_run(
    session: Session,
    community_id: int,
    item_id: int,
    period: Period,
    *,
    actor: str,
    actor_id: int | None = None,
    issued_on: date | None = None,
    progress: Progress | None = None,
) -> tuple[Plan, Run | None]:
    """Issue the period's bills not issued yet and book them.

    Returns the plan and the run; no run when nothing was new (or it all came to 0.00,
    a free item: nothing to book).
    """
    ledger.lock_books(session, community_id)  # first: runs and payments read, then book
    item = items.get_item(session, community_id, item_id)
    plan = _plan(session, community_id, item, period, issued_on or period.first_day)
    if not plan.rows or plan.total.value == 0:
        return plan, None
    first = _next_bill_id(session, community_id)
    key = f"billing-run:{item.code}:{period}:{first}"
    draft = _draft(item, plan, income_basis(session, community_id))
    entry = ledger.post_entry(
        session, community_id, draft, actor_id=actor_id, source="billing", external_id=key
    )
    run = Run(
        community_id=community_id,
        item_id=item.id,
        period=period,
        issued_on=plan.issued_on,
        bills=plan.count,
        total_fen=plan.total,
        prepaid_fen=plan.prepaid,
        entry_id=entry.id,
        actor=actor,
        run_at=clock.now(),
    )
    session.add(run)
    session.flush()
    _write_bills(session, community_id, run, plan, first, progress)
    return plan, run


def _next_bill_id(session: Session, community_id: int) -> int:
    """Bills are numbered per community here, not at flush: they never pass through the ORM."""
    last = session.scalar(select(func.max(Bill.id)).where(Bill.community_id == community_id))
    return (last or 0) + 1


def _plan(
    session: Session, community_id: int, item: ChargeItem, period: Period, issued_on: date
) -> Plan:
    problems = charges.billed_period(item.kind, period, item.first_month)
    if issued_on < period.first_day or issued_on > period.last_day:
        problems.append(
            Problem("issued_on", "bills are issued within their period", where="issued_on")
        )
    if problems:
        raise Invalid("nothing was billed", problems=problems)
    rate = items.rate_for(session, community_id, item.id, period)
    if item.kind.per_lease:
        subjects = [
            (unit, lease, 1) for lease, unit in items.leases_in(session, community_id, period)
        ]
    elif item.kind is charges.ChargeKind.PER_AREA_MONTH:
        subjects = [(unit, 0, dm2) for unit, dm2 in district.unit_areas(session, community_id)]
    else:
        subjects = [(unit, 0, 1) for unit, _ in district.unit_areas(session, community_id)]
    issued = _issued(session, community_id, item.id, period)
    fresh = [s for s in subjects if (s[0], s[1]) not in issued]
    payers = payers_on(session, community_id, issued_on, item.liable, {s[0] for s in fresh})
    billed = [s for s in fresh if s[0] in payers]
    amounts = charges.line_amounts(item.kind, rate, [s[2] for s in billed])
    paid = _prepaid(session, community_id, [s[0] for s in billed], amounts)
    rows: list[BillRow] = [
        (unit, lease, quantity, amount, part, payers[unit].party_id, payers[unit].name)
        for (unit, lease, quantity), amount, part in zip(billed, amounts, paid, strict=True)
    ]
    skipped = len(fresh) - len(billed)
    return Plan(item.id, item.code, period, issued_on, rate, rows, len(issued), skipped)


def _issued(
    session: Session, community_id: int, item_id: int, period: Period
) -> set[tuple[int, int]]:
    table = Bill.__table__.c
    query = select(table.unit_id, table.lease_id).where(
        table.community_id == community_id, table.item_id == item_id, table.period == str(period)
    )
    return {(int(unit), int(lease)) for unit, lease in session.execute(query).all()}


def _prepaid(
    session: Session, community_id: int, units: list[int], amounts: list[int]
) -> list[int]:
    """Per bill, what the unit's prepayment pays of it (0 for nearly every unit)."""
    found = prepayments.credits_by_unit(session, community_id)
    if not found:
        return [0] * len(units)
    left = {unit: sum(fen for _, fen in rows) for unit, rows in found.items()}
    paid = []
    for unit, amount in zip(units, amounts, strict=True):
        part = min(amount, left.get(unit, 0))
        if part:
            left[unit] -= part
        paid.append(part)
    return paid


def _draft(item: ChargeItem, plan: Plan, basis: income.IncomeBasis) -> ledger_rules.EntryDraft:
    """Dr 1122 / Cr income (or 2205) for the run; Dr 2203 / Cr 1122 for what prepayments paid."""
    P = ledger_rules.PostingDraft  # noqa: N806 - a constructor, read as one
    total, prepaid = plan.total, plan.prepaid
    postings = [P(RECEIVABLE_ACCOUNT, total), P(income.billed_to(basis, item.account_code), -total)]
    if prepaid.value:
        postings += [P(PREPAYMENT_ACCOUNT, prepaid), P(RECEIVABLE_ACCOUNT, -prepaid)]
        if basis is income.IncomeBasis.COLLECTED:
            postings += income.recognised([(item.account_code, prepaid)])
    return ledger_rules.EntryDraft(
        booked_on=plan.issued_on,
        narration=f"{item.name} {plan.period} 开单 {plan.count} 笔",
        postings=tuple(postings),
        period=plan.period,
    )


def _write_bills(
    session: Session, community_id: int, run: Run, plan: Plan, first: int, progress: Progress | None
) -> None:
    """The bills in chunks (driver-level), then the few allocations of prepayments used."""
    table = _BILLS.table
    shared = {  # in stored form once, not converted again for every row
        name: stored_value(session, table, name, value)
        for name, value in {
            "community_id": community_id,
            "item_id": run.item_id,
            "period": plan.period,
            "run_id": run.id,
            "rate_fen": plan.rate,
            "issued_on": plan.issued_on,
            "due_on": charges.due_on(plan.period),
        }.items()
    }
    rows = [(first + at, *row) for at, row in enumerate(plan.rows)]
    ready = set(_BILLS.per_row) | set(shared)  # ints and text as the driver takes them
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        _BILLS.insert(session, chunk, ready=ready, **shared)
        if progress is not None:
            progress(start + len(chunk), len(rows))
    prepaid = [(row[0], row[1], row[5]) for row in rows if row[5]]  # (bill, unit, fen)
    if not prepaid:
        return
    found = prepayments.credits_by_unit(session, community_id)
    for bill_id, unit, fen in prepaid:  # few: only units that had paid ahead
        for payment_id, part in prepayments.spend(found[unit], fen):
            session.add(
                Allocation(
                    community_id=community_id,
                    payment_id=payment_id,
                    bill_id=bill_id,
                    amount_fen=Fen(part),
                    run_id=run.id,
                )
            )
    session.flush()


def list_runs(session: Session, community_id: int, item_id: int | None = None) -> list[Run]:
    query = select(Run).where(Run.community_id == community_id)
    if item_id is not None:
        query = query.where(Run.item_id == item_id)
    return list(session.scalars(query.order_by(Run.id.desc())))
