"""Receipts: one per payment, numbered without gaps per community, with a check code.

`issue_receipt` runs inside the payment's transaction (take_payment calls it): it bumps
the community's counter with one upsert, which locks the counter row until the payment
commits or rolls back, so two payments at once get consecutive numbers and a failed one
leaves no hole. The check code is a keyed digest of (community, number, ledger entry,
amount): an owner types the number and code into the receipt-check page, which answers
with the entry and its place in the public log, and no personal data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from sunshine.billing.models import Allocation
from sunshine.billing.models import Bill
from sunshine.billing.models import Payment
from sunshine.billing.models import Receipt
from sunshine.billing.models import ReceiptCounter
from sunshine.billing.rules import collect as rules
from sunshine.infra import clock
from sunshine.infra.secrets import server_secret
from sunshine.kernel.errors import NotFound
from sunshine.kernel.money import Fen
from sunshine.transparency import service as transparency

ENTRY_KIND = "ledger.entry"  # how the log names a ledger entry's record


def issue_receipt(session: Session, payment: Payment) -> Receipt:
    """Give a just-booked payment the community's next receipt number and its check code."""
    [receipt] = issue_receipts(session, [payment])
    return receipt


def issue_receipts(session: Session, payments: Sequence[Payment]) -> list[Receipt]:
    """Number just-booked payments of one community in order, with one bump of the counter."""
    if not payments:
        return []
    last = _next_number(session, payments[0].community_id, len(payments))
    receipts = []
    secret, now = server_secret(), clock.now()
    for number, payment in enumerate(payments, start=last - len(payments) + 1):
        code = rules.check_code(
            secret,
            community_id=payment.community_id,
            number=number,
            entry_id=payment.entry_id,
            amount=payment.amount_fen,
        )
        receipts.append(
            Receipt(
                community_id=payment.community_id,
                number=number,
                payment_id=payment.id,
                entry_id=payment.entry_id,
                amount_fen=payment.amount_fen,
                issued_at=now,
                check_code=code,
            )
        )
        payment.receipt_no = number
    session.add_all(receipts)
    session.flush()
    return receipts


def _next_number(session: Session, community_id: int, count: int = 1) -> int:
    """Bump the counter by `count` (made on the first receipt); its row stays locked till commit."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(ReceiptCounter)
        .values(community_id=community_id, last_no=count)
        .on_conflict_do_update(
            index_elements=[ReceiptCounter.community_id],
            set_={"last_no": ReceiptCounter.last_no + count},
        )
        .returning(ReceiptCounter.last_no)
    )
    return int(session.execute(statement).scalar_one())


def get_receipt(session: Session, community_id: int, number: int) -> Receipt:
    receipt = session.get(Receipt, (community_id, number))
    if receipt is None:
        raise NotFound("no receipt No. {number}", args={"number": number})
    return receipt


def receipt_of_payment(session: Session, community_id: int, payment_id: int) -> Receipt | None:
    return session.scalar(
        select(Receipt).where(
            Receipt.community_id == community_id, Receipt.payment_id == payment_id
        )
    )


@dataclass(frozen=True, slots=True)
class ReceiptRow:
    receipt: Receipt
    payment: Payment

    @property
    def refunded(self) -> bool:
        return self.payment.refund_entry_id is not None


def list_receipts(
    session: Session, community_id: int, *, unit_id: int | None = None, limit: int = 200
) -> list[ReceiptRow]:
    """The newest receipts first, with their payments (refunded ones included, marked)."""
    query = (
        select(Receipt, Payment)
        .join(
            Payment,
            (Payment.community_id == Receipt.community_id) & (Payment.id == Receipt.payment_id),
        )
        .where(Receipt.community_id == community_id)
        .order_by(Receipt.number.desc())
        .limit(limit)
    )
    if unit_id is not None:
        query = query.where(Payment.unit_id == unit_id)
    return [ReceiptRow(receipt, payment) for receipt, payment in session.execute(query).all()]


@dataclass(frozen=True, slots=True)
class ReceiptCheck:
    """What the public check says of a real receipt: no payer, no room."""

    number: int
    amount: Fen
    issued_on: str
    entry_id: int
    log_seq: int | None
    refunded: bool


def check_receipt(session: Session, community_id: int, number: int, code: str) -> ReceiptCheck:
    """The receipt with this number, if `code` is its check code. Raises NotFound otherwise.

    The same answer for a wrong number and a wrong code, so the page confirms nothing about
    a receipt one has not seen.
    """
    receipt = session.get(Receipt, (community_id, number))
    if receipt is None or receipt.check_code != rules.normal_code(code):
        raise NotFound("no receipt No. {number} with that check code", args={"number": number})
    payment = session.get(Payment, (community_id, receipt.payment_id))
    assert payment is not None  # a foreign key
    return ReceiptCheck(
        number=receipt.number,
        amount=receipt.amount_fen,
        issued_on=clock.local(receipt.issued_at).date().isoformat(),
        entry_id=receipt.entry_id,
        log_seq=log_seq_of(session, community_id, receipt.entry_id),
        refunded=payment.refund_entry_id is not None,
    )


def log_seq_of(session: Session, community_id: int, entry_id: int) -> int | None:
    """The sequence number of the entry's record in the public log."""
    record = transparency.find_record(session, community_id, kind=ENTRY_KIND, ref=str(entry_id))
    return None if record is None else record.seq


def receipt_lines(session: Session, payment: Payment) -> list[tuple[Bill, Fen]]:
    """The bills the payment paid, with how much of each, oldest first."""
    query = (
        select(Bill, Allocation.amount_fen)
        .join(
            Allocation,
            (Allocation.community_id == Bill.community_id) & (Allocation.bill_id == Bill.id),
        )
        .where(Allocation.community_id == payment.community_id)
        .where(Allocation.payment_id == payment.id)
        .order_by(Bill.period, Bill.id)
    )
    return [(bill, amount) for bill, amount in session.execute(query).all()]


def issued_on(receipt: Receipt) -> datetime:
    return clock.local(receipt.issued_at)
