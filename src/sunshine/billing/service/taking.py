"""Taking money for units: one payment at the desk, or a batch of paid online orders.

One path for both (`take_payments`; the desk's `payments.take_payment` is a batch of
one): the books' lock first (`ledger.lock_books`: an advisory transaction lock on
PostgreSQL; SQLite's one writer), then every read, so a desk payment and a channel's
booking for the same bill run one after the other and the second reads what the first
left. A batch costs a few queries whatever its size: the keys seen before, the units'
open bills, their payers, the item accounts, one `ledger.post_entries`, the rows, one bump
of the receipt counter. That is what lets the booker book a busy channel's orders a
batch at a time while the books' writer (on SQLite, the database's) is held briefly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import replace
from datetime import date
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.billing.models import Allocation
from sunshine.billing.models import Bill
from sunshine.billing.models import ChargeItem
from sunshine.billing.models import Payment
from sunshine.billing.rules import allocation as rules
from sunshine.billing.rules import income
from sunshine.billing.rules.charges import Liable
from sunshine.billing.service.payers import payers_on
from sunshine.billing.service.receipts import issue_receipts
from sunshine.billing.service.terms import income_basis
from sunshine.infra import clock
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import Problem
from sunshine.kernel.money import Fen
from sunshine.ledger import rules as ledger_rules
from sunshine.ledger import service as ledger
from sunshine.registry import service as registry


@dataclass(frozen=True, slots=True)
class Received:
    """Money received for a unit: what `take_payments` books (see payments.take_payment)."""

    unit_id: int
    amount: Fen
    method: str
    reference: str
    received_at: datetime
    actor: str
    bill_ids: Sequence[int] | None = None
    request_key: str | None = None
    booked_on: date | None = None
    external_id: str | None = None
    # An online order's money came in whatever happened meanwhile: chosen bills paid since
    # (at the desk) are skipped, and with none left it pays the oldest, as any payment.
    skip_paid: bool = False


@dataclass(slots=True)
class _Planned:
    money: Received
    split: rules.Split
    draft: ledger_rules.EntryDraft
    payment: Payment | None = None


def take_payments(
    session: Session, community_id: int, received: Sequence[Received], *, actor_id: int | None
) -> list[Payment]:
    """Book each sum received and spread it over its unit's bills; the payments, in order.

    All or none: Invalid if any is refused. A `request_key` seen before (or earlier in
    the batch) gives that payment back, Conflict if it was for another sum.
    """
    problems = [
        p for m in received for p in rules.payment_problems(m.amount, m.method, m.reference)
    ]
    if problems:
        raise Invalid("the payment was not taken", problems=problems)
    ledger.lock_books(session, community_id)
    seen = _by_keys(session, community_id, [m.request_key for m in received if m.request_key])
    units = {m.unit_id for m in received}
    bills = _open_by_unit(session, community_id, units)
    for unit_id in sorted(units - bills.keys()):  # a bill's unit is the community's (its key)
        registry.get_unit(session, community_id, unit_id)  # NotFound for another community's
    plans = _plan(session, community_id, received, seen, bills)
    fresh = [plan for plan in plans if isinstance(plan, _Planned)]
    if fresh:
        _book(session, community_id, fresh, actor_id)
    return [_payment(plan) for plan in plans]


def _plan(
    session: Session,
    community_id: int,
    received: Sequence[Received],
    seen: dict[str, Payment | _Planned],
    bills: dict[int, list[Bill]],
) -> list[Payment | _Planned]:
    """Each sum's split over its unit's bills as they stand after the sums before it."""
    payers = _payers(session, community_id, [m.unit_id for m in received if not bills[m.unit_id]])
    collected = income_basis(session, community_id) is income.IncomeBasis.COLLECTED
    accounts = _accounts(session, community_id, bills) if collected else {}
    plans: list[Payment | _Planned] = []
    for money in received:
        if money.request_key is not None and (earlier := seen.get(money.request_key)):
            plans.append(_same(earlier, money))
            continue
        owing = [b for b in bills[money.unit_id] if b.paid_fen < b.amount_fen]
        split = _split(money, owing)
        by_id = {bill.id: bill for bill in owing}
        for bill_id, part in split.paid:
            by_id[bill_id].paid_fen += part  # written when the batch flushes
        payer = owing[0].payer_name if owing else payers.get(money.unit_id, "业主")
        day = money.booked_on or clock.local(money.received_at).date()
        draft = _draft(money, split, day, payer)
        if collected:
            paid = [(accounts[by_id[bill_id].item_id], part) for bill_id, part in split.paid]
            draft = replace(draft, postings=draft.postings + tuple(income.recognised(paid)))
        plan = _Planned(money, split, draft)
        plans.append(plan)
        if money.request_key is not None:
            seen[money.request_key] = plan
    return plans


def _split(money: Received, owing: list[Bill]) -> rules.Split:
    """How the sum pays the unit's open bills (`owing`, oldest first), or why it cannot."""
    chosen = _chosen(money, owing)
    if problems := chosen_problems(owing, chosen):
        raise Invalid("the payment was not taken", problems=problems)
    open_bills = [
        rules.OpenBill(b.id, b.period, b.due_on, b.amount_fen - b.paid_fen) for b in owing
    ]
    return rules.allocate(money.amount, open_bills, chosen)


def _payment(plan: Payment | _Planned) -> Payment:
    if isinstance(plan, Payment):
        return plan
    assert plan.payment is not None  # booked by _book
    return plan.payment


def _chosen(money: Received, owing: list[Bill]) -> Sequence[int] | None:
    if not money.skip_paid or money.bill_ids is None:
        return money.bill_ids
    still = {bill.id for bill in owing}
    return [bill_id for bill_id in money.bill_ids if bill_id in still] or None


def _same(earlier: Payment | _Planned, money: Received) -> Payment | _Planned:
    """The payment a key was used for, if it was for the same sum (else Conflict)."""
    if isinstance(earlier, _Planned):
        shown = (earlier.money.unit_id, earlier.money.amount, earlier.money.method)
    else:
        shown = (earlier.unit_id, earlier.amount_fen, earlier.method)
    if shown != (money.unit_id, money.amount, money.method):
        raise Conflict("this form was already used for another payment")
    return earlier


def _book(session: Session, community_id: int, plans: list[_Planned], actor_id: int | None) -> None:
    """The entries in one go, then the payments, their allocations and their receipts."""
    numbers = ledger.post_entries(
        session,
        community_id,
        [plan.draft for plan in plans],
        actor_id=actor_id,
        source="billing",
        external_ids=[plan.money.external_id for plan in plans],
    )
    for plan, number in zip(plans, numbers, strict=True):
        money = plan.money
        plan.payment = Payment(
            community_id=community_id,
            unit_id=money.unit_id,
            amount_fen=money.amount,
            method=money.method,
            reference=money.reference.strip(),
            received_at=money.received_at,
            entry_id=number,
            actor=money.actor,
            request_key=money.request_key,
        )
    payments = [plan.payment for plan in plans if plan.payment is not None]
    session.add_all(payments)
    session.flush()
    session.add_all(
        Allocation(
            community_id=community_id, payment_id=payment.id, bill_id=bill_id, amount_fen=part
        )
        for plan, payment in zip(plans, payments, strict=True)
        for bill_id, part in plan.split.paid
    )
    session.flush()
    issue_receipts(session, payments)  # numbered in this transaction: no gaps (receipts.py)


def _by_keys(session: Session, community_id: int, keys: list[str]) -> dict[str, Payment | _Planned]:
    if not keys:
        return {}
    query = select(Payment).where(
        Payment.community_id == community_id, Payment.request_key.in_(keys)
    )
    return {payment.request_key or "": payment for payment in session.scalars(query)}


def _open_by_unit(session: Session, community_id: int, units: set[int]) -> dict[int, list[Bill]]:
    """Each unit's bills not paid in full, oldest first (read under the books' lock)."""
    found: dict[int, list[Bill]] = defaultdict(list)
    query = select(Bill).where(
        Bill.community_id == community_id,
        Bill.unit_id.in_(sorted(units)),
        Bill.paid_fen < Bill.amount_fen,
    )
    for bill in session.scalars(query.order_by(Bill.period, Bill.due_on, Bill.id)):
        found[bill.unit_id].append(bill)
    return found


def open_bills(session: Session, community_id: int, unit_id: int) -> list[Bill]:
    """The unit's bills not paid in full, oldest first."""
    return _open_by_unit(session, community_id, {unit_id})[unit_id]


def chosen_problems(bills: list[Bill], chosen: Sequence[int] | None) -> list[Problem]:
    """Why the chosen bills cannot be paid: not among `bills` (the unit's open ones), none."""
    if chosen is None:
        return []
    open_ids = {bill.id for bill in bills}
    problems = [
        Problem("bill", "bill {id} is not an open bill of this unit", {"id": i}, where="bill_ids")
        for i in chosen
        if i not in open_ids
    ]
    if not chosen:
        problems.append(Problem("bill", "choose at least one bill", where="bill_ids"))
    return problems


def _payers(session: Session, community_id: int, units: list[int]) -> dict[int, str]:
    """Who pays for units without open bills, as the books name (and mask) them: the owner."""
    if not units:
        return {}
    found = payers_on(session, community_id, clock.today(), Liable.OWNER, set(units))
    return {unit: payer.name for unit, payer in found.items()}


def _accounts(session: Session, community_id: int, bills: dict[int, list[Bill]]) -> dict[int, str]:
    """The income account of each item the open bills are for."""
    items = {bill.item_id for rows in bills.values() for bill in rows}
    if not items:
        return {}
    query = select(ChargeItem.id, ChargeItem.account_code).where(
        ChargeItem.community_id == community_id, ChargeItem.id.in_(sorted(items))
    )
    return {int(item_id): str(code) for item_id, code in session.execute(query)}


def _draft(money: Received, split: rules.Split, day: date, payer: str) -> ledger_rules.EntryDraft:
    P = ledger_rules.PostingDraft  # noqa: N806 - a constructor, read as one
    postings = [P(rules.debit_account(money.method), money.amount)]
    if split.to_bills.value:
        postings.append(P(rules.RECEIVABLE_ACCOUNT, -split.to_bills))
    if split.prepaid.value:
        postings.append(P(rules.PREPAYMENT_ACCOUNT, -split.prepaid))
    return ledger_rules.EntryDraft(
        booked_on=day,
        narration=f"收费 {rules.METHOD_NAMES[money.method]}",
        postings=tuple(postings),
        counterparty=payer[:80],
        counterparty_is_person=True,
    )
