"""Money taken for a unit: at the desk now, online through the channels later.

Every payment holds the books' lock from its first read (`ledger.lock_books`: an advisory
transaction lock on PostgreSQL; SQLite's one writer, whose unit of work begins IMMEDIATE),
so two clerks paying the same bill at the same moment run one after the other: the second
reads the bill as the first left it, and no bill is ever paid beyond its amount (the
database's CHECK `paid_fen <= amount_fen` would refuse it anyway). Online payments come
through here too (`online_settle`), under the same lock: a desk payment racing a channel's
notification for the same bill is one of the two, never both.

Where income is recognised on collection (rules.income), the payment's entry also moves
what it paid of each bill from 2205 into that bill's item's income account.
"""

from __future__ import annotations

from collections.abc import Sequence
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
from sunshine.billing.service.receipts import issue_receipt
from sunshine.billing.service.terms import income_basis
from sunshine.infra import clock
from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.kernel.errors import Problem
from sunshine.kernel.money import Fen
from sunshine.ledger import rules as ledger_rules
from sunshine.ledger import service as ledger
from sunshine.registry import service as registry


def take_payment(  # noqa: PLR0913 - the interface agreed with the channels, plus who and a key
    session: Session,
    *,
    community_id: int,
    unit_id: int,
    amount: Fen,
    method: str,
    reference: str,
    received_at: datetime,
    bill_ids: Sequence[int] | None = None,
    actor: str,
    actor_id: int | None = None,
    request_key: str | None = None,
    booked_on: date | None = None,
    external_id: str | None = None,
) -> Payment:
    """Book money received for a unit and spread it over its bills (rules.allocation).

    Dr 1001 (or 1002 for cash) the amount; Cr 1122 what pays bills, oldest first unless
    `bill_ids` are given; Cr 2203 the rest, a prepayment the next bills use. A
    `request_key` (the desk form's one-time key, a channel's transaction) seen before
    returns that payment: the form sent twice books the money once. The entry is dated
    `booked_on`, else the day it was received (in China); `external_id` is the entry's
    (an online payment's: its channel's transaction, as the ledger has always keyed them).
    """
    if problems := rules.payment_problems(amount, method, reference):
        raise Invalid("the payment was not taken", problems=problems)
    ledger.lock_books(session, community_id)
    if request_key is not None and (seen := _by_key(session, community_id, request_key)):
        if (seen.unit_id, seen.amount_fen, seen.method) != (unit_id, amount, method):
            raise Conflict("this form was already used for another payment")
        return seen
    registry.get_unit(session, community_id, unit_id)
    bills = open_bills(session, community_id, unit_id)
    if problems := chosen_problems(bills, bill_ids):
        raise Invalid("the payment was not taken", problems=problems)
    split = rules.allocate(
        amount,
        [rules.OpenBill(b.id, b.period, b.due_on, b.amount_fen - b.paid_fen) for b in bills],
        bill_ids,
    )
    payer = _payer(session, community_id, unit_id, bills)
    day = booked_on or clock.local(received_at).date()
    draft = _draft(amount, method, split, day, payer)
    if income_basis(session, community_id) is income.IncomeBasis.COLLECTED:
        collected = income.recognised(_by_account(session, community_id, bills, split))
        draft = replace(draft, postings=draft.postings + tuple(collected))
    entry = ledger.post_entry(
        session, community_id, draft, actor_id=actor_id, source="billing", external_id=external_id
    )
    payment = Payment(
        community_id=community_id,
        unit_id=unit_id,
        amount_fen=amount,
        method=method,
        reference=reference.strip(),
        received_at=received_at,
        entry_id=entry.id,
        actor=actor,
        request_key=request_key,
    )
    _allocate(session, payment, bills, split)
    issue_receipt(session, payment)  # numbered in this transaction: no gaps (receipts.py)
    return payment


def _allocate(session: Session, payment: Payment, bills: list[Bill], split: rules.Split) -> None:
    """Store the payment and what it paid of each bill (the bills were read under the lock)."""
    session.add(payment)
    session.flush()
    by_id = {bill.id: bill for bill in bills}
    for bill_id, part in split.paid:
        by_id[bill_id].paid_fen += part
        session.add(
            Allocation(
                community_id=payment.community_id,
                payment_id=payment.id,
                bill_id=bill_id,
                amount_fen=part,
            )
        )
    session.flush()


def refund_payment(
    session: Session,
    community_id: int,
    payment_id: int,
    *,
    reason: str,
    on: date,
    actor_id: int | None = None,
) -> Payment:
    """Give a payment back: its entry is reversed, with the reason, and its bills reopen.

    Refused when a billing run has spent part of its prepayment on later bills: that money
    is no longer the payer's to take back as it was paid.
    """
    ledger.lock_books(session, community_id)
    payment = get_payment(session, community_id, payment_id)
    if payment.refund_entry_id is not None:
        raise Conflict("payment {id} is refunded already", args={"id": payment_id})
    allocations = allocations_of(session, community_id, payment_id)
    if any(row.run_id is not None for row in allocations):
        raise Conflict(
            "payment {id} paid later bills from its prepayment; it cannot be refunded whole",
            args={"id": payment_id},
        )
    reversal = ledger.reverse_entry(
        session, community_id, payment.entry_id, reason=reason, actor_id=actor_id, booked_on=on
    )
    for row in allocations:
        bill = session.get(Bill, (community_id, row.bill_id))
        assert bill is not None  # a foreign key
        bill.paid_fen -= row.amount_fen
    payment.refund_entry_id = reversal.id
    payment.refund_reason = reason.strip()
    session.flush()
    return payment


def _by_key(session: Session, community_id: int, key: str) -> Payment | None:
    return session.scalar(
        select(Payment).where(Payment.community_id == community_id, Payment.request_key == key)
    )


def _by_account(
    session: Session, community_id: int, bills: list[Bill], split: rules.Split
) -> list[tuple[str, Fen]]:
    """What the payment pays of each bill, as (its item's income account, fen)."""
    item_of = {bill.id: bill.item_id for bill in bills}
    if not split.paid:
        return []
    query = select(ChargeItem.id, ChargeItem.account_code).where(
        ChargeItem.community_id == community_id,
        ChargeItem.id.in_({item_of[bill_id] for bill_id, _ in split.paid}),
    )
    accounts = {int(item_id): str(code) for item_id, code in session.execute(query)}
    return [(accounts[item_of[bill_id]], part) for bill_id, part in split.paid]


def open_bills(session: Session, community_id: int, unit_id: int) -> list[Bill]:
    """The unit's bills not paid in full, oldest first (read under the books' lock to pay)."""
    query = select(Bill).where(
        Bill.community_id == community_id,
        Bill.unit_id == unit_id,
        Bill.paid_fen < Bill.amount_fen,
    )
    return list(session.scalars(query.order_by(Bill.period, Bill.due_on, Bill.id)))


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


def _payer(session: Session, community_id: int, unit_id: int, bills: list[Bill]) -> str:
    """Who paid, as the books name (and mask) them: the bills' payer, else the owner."""
    if bills:
        return bills[0].payer_name
    payers = payers_on(session, community_id, clock.today(), Liable.OWNER, {unit_id})
    return payers[unit_id].name if unit_id in payers else "业主"


def _draft(
    amount: Fen, method: str, split: rules.Split, day: date, payer: str
) -> ledger_rules.EntryDraft:
    P = ledger_rules.PostingDraft  # noqa: N806 - a constructor, read as one
    postings = [P(rules.debit_account(method), amount)]
    if split.to_bills.value:
        postings.append(P(rules.RECEIVABLE_ACCOUNT, -split.to_bills))
    if split.prepaid.value:
        postings.append(P(rules.PREPAYMENT_ACCOUNT, -split.prepaid))
    return ledger_rules.EntryDraft(
        booked_on=day,
        narration=f"收费 {rules.METHOD_NAMES[method]}",
        postings=tuple(postings),
        counterparty=payer[:80],
        counterparty_is_person=True,
    )


def get_payment(session: Session, community_id: int, payment_id: int) -> Payment:
    payment = session.get(Payment, (community_id, payment_id))
    if payment is None:
        raise NotFound("no payment {id}", args={"id": payment_id})
    return payment


def allocations_of(session: Session, community_id: int, payment_id: int) -> list[Allocation]:
    query = select(Allocation).where(
        Allocation.community_id == community_id, Allocation.payment_id == payment_id
    )
    return list(session.scalars(query.order_by(Allocation.id)))


def unit_bills(session: Session, community_id: int, unit_id: int) -> list[Bill]:
    query = select(Bill).where(Bill.community_id == community_id, Bill.unit_id == unit_id)
    return list(session.scalars(query.order_by(Bill.period.desc(), Bill.id.desc())))


def unit_payments(session: Session, community_id: int, unit_id: int) -> list[Payment]:
    query = select(Payment).where(Payment.community_id == community_id, Payment.unit_id == unit_id)
    return list(session.scalars(query.order_by(Payment.received_at.desc(), Payment.id.desc())))
