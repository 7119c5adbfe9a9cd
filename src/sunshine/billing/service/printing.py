"""Receipts and reminder letters on paper: views in Chinese, HTML, and PDF (infra.pdf).

A receipt is A4 or half A4 (A5 landscape, two to a sheet when cut); a letter is A4, one
unit a page, in a batch or alone. Both are self-contained pages (inline CSS), so
WeasyPrint fetches nothing. Amounts print in figures and in capitals (kernel.capitals).
A letter is polite, lists what is owed by item and period, and any late fee only as
the contract writes it, flagged as reducible by a court (LAW.md 2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from sunshine.billing.models import Payment
from sunshine.billing.rules import collect as rules
from sunshine.billing.rules.allocation import METHOD_NAMES
from sunshine.billing.service import arrears
from sunshine.billing.service import receipts
from sunshine.billing.service.items import list_items
from sunshine.billing.service.reminders import Liable
from sunshine.billing.service.reminders import liable_for
from sunshine.billing.service.terms import late_fee_clause
from sunshine.infra import clock
from sunshine.infra.pdf import html_to_pdf
from sunshine.infra.web import templates
from sunshine.kernel.capitals import capital_amount
from sunshine.kernel.errors import NotFound
from sunshine.kernel.money import Fen
from sunshine.registry import service as registry

RECEIPT_TEMPLATE = "billing/receipt_print.html"
LETTERS_TEMPLATE = "billing/letters_print.html"


@dataclass(frozen=True, slots=True)
class ReceiptLine:
    item: str
    period: str
    amount: Fen


@dataclass(frozen=True, slots=True)
class ReceiptView:
    """Everything a receipt prints, in display form."""

    community: str
    number: int
    check_code: str
    issued_on: date
    unit_id: int
    unit: str
    payer: str
    method: str
    amount: Fen
    capitals: str
    lines: tuple[ReceiptLine, ...]
    prepaid: Fen
    entry_id: int
    log_seq: int | None
    refunded: bool
    refund_reason: str
    actor: str


def receipt_view(session: Session, community_id: int, community: str, number: int) -> ReceiptView:
    receipt = receipts.get_receipt(session, community_id, number)
    payment = session.get(Payment, (community_id, receipt.payment_id))
    assert payment is not None  # a foreign key
    names = {item.id: item.name for item in list_items(session, community_id)}
    paid = receipts.receipt_lines(session, payment)
    lines = tuple(ReceiptLine(names[b.item_id], str(b.period), part) for b, part in paid)
    to_bills = sum((line.amount for line in lines), Fen(0))
    payer = paid[0][0].payer_name if paid else ""
    if not payer:
        payer = (
            liable_for(session, community_id, [payment.unit_id])
            .get(payment.unit_id, Liable(None, ""))
            .name
        )
    return ReceiptView(
        community=community,
        number=receipt.number,
        check_code=receipt.check_code,
        issued_on=clock.local(payment.received_at).date(),
        unit_id=payment.unit_id,
        unit=registry.get_unit(session, community_id, payment.unit_id).number,
        payer=payer,
        method=METHOD_NAMES.get(payment.method, payment.method),
        amount=payment.amount_fen,
        capitals=capital_amount(payment.amount_fen),
        lines=lines,
        prepaid=payment.amount_fen - to_bills,
        entry_id=receipt.entry_id,
        log_seq=receipts.log_seq_of(session, community_id, receipt.entry_id),
        refunded=payment.refund_entry_id is not None,
        refund_reason=payment.refund_reason,
        actor=payment.actor,
    )


def receipt_html(view: ReceiptView, *, half: bool = False, check_url: str = "") -> str:
    template = templates.env.get_template(RECEIPT_TEMPLATE)
    return template.render(r=view, half=half, check_url=check_url)


def receipt_pdf(view: ReceiptView, *, half: bool = False, check_url: str = "") -> bytes:
    """The receipt as a PDF: A4, or half A4 (A5 landscape) with `half`."""
    return html_to_pdf(receipt_html(view, half=half, check_url=check_url))


@dataclass(frozen=True, slots=True)
class LetterLine:
    item: str
    period: str
    due_on: date
    owed: Fen
    days_late: int
    late_fee: Fen


@dataclass(frozen=True, slots=True)
class Letter:
    unit: str
    to: str
    lines: tuple[LetterLine, ...]
    owed: Fen
    late_fee: Fen

    @property
    def capitals(self) -> str:
        return capital_amount(self.owed)


def letters(
    session: Session, community_id: int, as_of: date, unit_ids: Sequence[int]
) -> list[Letter]:
    """One letter per unit of `unit_ids` owing on `as_of`, by unit number. NotFound if none."""
    names = {item.id: item.name for item in list_items(session, community_id)}
    lines = arrears.open_lines(session, community_id, as_of, unit_ids)
    liable = liable_for(session, community_id, {line.unit_id for line in lines})
    by_unit: dict[int, list[LetterLine]] = {}
    for line in lines:
        by_unit.setdefault(line.unit_id, []).append(
            LetterLine(
                names[line.item_id],
                str(line.period),
                line.due_on,
                line.owed,
                line.days_late,
                line.late_fee,
            )
        )
    if not by_unit:
        raise NotFound("nothing is owed by these units on {day}", args={"day": as_of.isoformat()})
    out = [
        Letter(
            unit=registry.get_unit(session, community_id, unit_id).number,
            to=liable[unit_id].name if unit_id in liable else "",
            lines=tuple(rows),
            owed=Fen(sum(row.owed.value for row in rows)),
            late_fee=Fen(sum(row.late_fee.value for row in rows)),
        )
        for unit_id, rows in by_unit.items()
    ]
    return sorted(out, key=lambda letter: letter.unit)


def letters_html(
    session: Session, community_id: int, community: str, as_of: date, batch: Sequence[Letter]
) -> str:
    clause = late_fee_clause(session, community_id)
    return templates.env.get_template(LETTERS_TEMPLATE).render(
        community=community,
        as_of=as_of,
        letters=batch,
        clause=clause,
        court=rules.COURT_MAY_REDUCE,
    )


def letters_pdf(
    session: Session, community_id: int, community: str, as_of: date, batch: Sequence[Letter]
) -> bytes:
    return html_to_pdf(letters_html(session, community_id, community, as_of, batch))
