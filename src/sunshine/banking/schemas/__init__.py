"""API shapes of bank reconciliation, and the uploaded statement as the pages carry it."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from datetime import date

from pydantic import BaseModel
from pydantic import Field

from sunshine.banking.models import BankAccount
from sunshine.banking.models import BankLine
from sunshine.banking.rules.reconciliation import Item
from sunshine.banking.rules.reconciliation import Reconciliation
from sunshine.banking.rules.reconciliation import masked_account
from sunshine.banking.service.imports import Imported
from sunshine.infra.inputs import RowId
from sunshine.infra.settings import get_settings
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import Problem
from sunshine.kernel.money import Fen


def statement_max_bytes() -> int:
    """The largest statement file accepted (the upload setting, SUNSHINE_UPLOAD_MAX_BYTES)."""
    return get_settings().upload_max_bytes


def statement_data(data: bytes) -> bytes:
    if not data or len(data) > statement_max_bytes():
        raise Invalid(
            "the statement was not read",
            problems=[
                Problem(
                    "size",
                    "the statement file must hold something and be at most {mb} MB",
                    {"mb": f"{statement_max_bytes() / 2**20:g}"},
                    "file",
                )
            ],
        )
    return data


def pack_upload(data: bytes) -> tuple[str, str]:
    """A previewed file as the form carries it to the import step: (base64, SHA-256 hex)."""
    return base64.b64encode(data).decode("ascii"), hashlib.sha256(data).hexdigest()


def unpack_upload(content: str, sha256: str) -> bytes:
    """The file the preview form sent back; Invalid unless it is exactly the previewed one."""
    try:
        data = base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError):
        data = b""
    sent = sha256.encode("utf-8", "replace")
    if not data or not hmac.compare_digest(hashlib.sha256(data).hexdigest().encode(), sent):
        raise Invalid(
            "the file sent back is not the one that was previewed; upload it again",
            problems=[Problem("changed", "upload the statement again", {}, "file")],
        )
    return data


def parse_day(text: str) -> date:
    """A day written YYYY-MM-DD; Invalid otherwise."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise Invalid(
            "{value} is not a date (YYYY-MM-DD)",
            args={"value": text[:20]},
            problems=[Problem("date", "write the day as YYYY-MM-DD", {}, "date")],
        ) from None


def _money(amount: Fen) -> tuple[str, int]:
    return amount.plain(), amount.value


class AccountRead(BaseModel):
    id: int
    number: str
    bank: str
    name: str
    ledger_code: str
    window_days: int

    @classmethod
    def from_model(cls, account: BankAccount) -> AccountRead:
        return cls(
            id=account.id,
            number=account.number,
            bank=account.bank,
            name=account.name,
            ledger_code=account.ledger_code,
            window_days=account.window_days,
        )


class AccountWrite(BaseModel):
    number: str = Field(max_length=40, examples=["32040188000012345678"])
    bank: str = Field(max_length=16, examples=["jsb"])
    name: str = Field(default="", max_length=120)
    ledger_code: str = Field(default="1001", max_length=32)
    window_days: int = Field(default=3, ge=0, le=31)


class LineRead(BaseModel):
    id: int
    account_id: int
    booked_on: date
    time: str
    amount: str
    amount_fen: int
    balance: str
    balance_fen: int
    counterparty: str
    summary: str
    reference: str
    entry_id: int | None
    matched: str
    reason: str

    @classmethod
    def from_model(cls, line: BankLine) -> LineRead:
        amount, amount_fen = _money(line.amount)
        balance, balance_fen = _money(line.balance)
        return cls(
            id=line.id,
            account_id=line.account_id,
            booked_on=line.booked_on,
            time=line.time,
            amount=amount,
            amount_fen=amount_fen,
            balance=balance,
            balance_fen=balance_fen,
            counterparty=line.counterparty,
            summary=line.summary,
            reference=line.reference,
            entry_id=line.entry_id,
            matched=line.matched,
            reason=line.reason,
        )


class MatchWrite(BaseModel):
    entry_id: RowId


class ExplainWrite(BaseModel):
    reason: str = Field(max_length=200)


class ImportedRead(BaseModel):
    account_id: int
    added: int
    known: int
    first: date
    last: date
    closing_balance: str
    closing_balance_fen: int
    matched: int

    @classmethod
    def of(cls, done: Imported, matched: int) -> ImportedRead:
        closing = done.closing_balance
        return cls(
            account_id=done.account_id,
            added=done.added,
            known=done.known,
            first=done.first,
            last=done.last,
            closing_balance=closing.plain(),
            closing_balance_fen=closing.value,
            matched=matched,
        )


class MatchedRead(BaseModel):
    matched: int


class ItemRead(BaseModel):
    kind: str
    booked_on: date
    amount: str
    amount_fen: int
    entry_id: int | None
    line_id: int | None
    text: str

    @classmethod
    def of(cls, item: Item) -> ItemRead:
        return cls(
            kind=item.kind.value,
            booked_on=item.booked_on,
            amount=item.amount.plain(),
            amount_fen=item.amount.value,
            entry_id=item.entry_id,
            line_id=item.line_id,
            text=item.text,
        )


class ReconciliationRead(BaseModel):
    account_id: int
    account_number: str  # masked: the last four digits
    on: date
    first_day: date
    bank_balance_fen: int
    book_balance_fen: int
    unexplained_fen: int
    balanced: bool
    items: list[ItemRead]
    log_seq: int | None = None

    @classmethod
    def of(cls, rec: Reconciliation, log_seq: int | None = None) -> ReconciliationRead:
        return cls(
            account_id=rec.account_id,
            account_number=masked_account(rec.account_number),
            on=rec.on,
            first_day=rec.first_day,
            bank_balance_fen=rec.bank_balance.value,
            book_balance_fen=rec.book_balance.value,
            unexplained_fen=rec.unexplained.value,
            balanced=rec.balanced,
            items=[ItemRead.of(item) for item in rec.items],
            log_seq=log_seq,
        )
