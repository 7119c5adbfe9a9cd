"""Importing a statement: read it, check it whole, then write its new lines in one statement.

Nothing is written unless every line reads and every balance adds up. Lines already held
(same account, date and bank reference) are skipped, so importing the same statement again
adds nothing; a statement that overlaps an earlier one adds only its new lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.banking.models import BankAccount
from sunshine.banking.models import BankLine
from sunshine.banking.rules import reading
from sunshine.banking.rules import statement
from sunshine.banking.rules.layouts import LAYOUTS
from sunshine.banking.rules.layouts import Layout
from sunshine.banking.service.accounts import pick_account
from sunshine.infra import bulk
from sunshine.infra import clock
from sunshine.infra.db import Base
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import Problem
from sunshine.kernel.money import Fen

MAX_LINES = 200_000
_LINE_ROWS = bulk.Layout(
    Base.metadata.tables[BankLine.__tablename__],
    ("id", "booked_on", "time", "amount_fen", "balance_fen", "counterparty",
     "counterparty_account", "summary", "reference", "position"),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Preview:
    account: BankAccount
    draft: statement.StatementDraft
    known: frozenset[tuple[date, str]]  # (date, reference) already held

    @property
    def new_lines(self) -> list[statement.LineDraft]:
        return [ln for ln in self.draft.lines if (ln.booked_on, ln.reference) not in self.known]


@dataclass(frozen=True, slots=True)
class Imported:
    account_id: int
    added: int
    known: int
    first: date
    last: date
    closing_balance: Fen


def layout_of(bank: str) -> Layout:
    layout = LAYOUTS.get(bank)
    if layout is None:
        raise Invalid(
            "unknown bank {bank}; known: {known}",
            args={"bank": bank, "known": ", ".join(LAYOUTS)},
            problems=[Problem("bank", "unknown bank {bank}", {"bank": bank}, "bank")],
        )
    return layout


def preview(
    session: Session, community_id: int, data: bytes, *, bank: str, account_number: str = ""
) -> Preview:
    """The statement read and checked, the account it belongs to, the lines already held."""
    rows = reading.read_rows(data)
    if len(rows) > MAX_LINES:
        raise Invalid("a statement has at most {max} lines", args={"max": MAX_LINES})
    draft = statement.read_statement(rows, layout_of(bank))
    account = pick_account(session, community_id, account_number or draft.account_number)
    if draft.account_number and draft.account_number != account.number:
        raise Invalid(
            "the statement is of account {found}, not {wanted}",
            args={"found": draft.account_number, "wanted": account.number},
        )
    return Preview(account, draft, _known(session, community_id, account.id, draft))


def _known(
    session: Session, community_id: int, account_id: int, draft: statement.StatementDraft
) -> frozenset[tuple[date, str]]:
    rows = session.execute(
        select(BankLine.booked_on, BankLine.reference).where(
            BankLine.community_id == community_id,
            BankLine.account_id == account_id,
            BankLine.booked_on >= draft.lines[0].booked_on,
            BankLine.booked_on <= draft.lines[-1].booked_on,
        )
    )
    return frozenset((day, ref) for day, ref in rows)


def import_statement(
    session: Session, community_id: int, data: bytes, *, bank: str, account_number: str = ""
) -> Imported:
    """Import the statement's new lines; refuse the whole file if any line is wrong."""
    seen = preview(session, community_id, data, bank=bank, account_number=account_number)
    new = seen.new_lines
    if new:
        _write(session, community_id, seen.account.id, new)
    draft = seen.draft
    return Imported(
        account_id=seen.account.id,
        added=len(new),
        known=len(draft.lines) - len(new),
        first=draft.lines[0].booked_on,
        last=draft.lines[-1].booked_on,
        closing_balance=draft.closing,
    )


def _write(
    session: Session, community_id: int, account_id: int, lines: list[statement.LineDraft]
) -> None:
    """Bulk insert (COPY on PostgreSQL), ids counted on from the community's highest."""
    top = session.scalar(
        select(func.coalesce(func.max(BankLine.id), 0)).where(BankLine.community_id == community_id)
    )
    positions: dict[date, int] = {}
    rows = []
    for offset, line in enumerate(lines, start=1):
        positions[line.booked_on] = positions.get(line.booked_on, 0) + 1
        rows.append((
            int(top or 0) + offset, line.booked_on, line.time, line.amount.value,
            line.balance.value, line.counterparty, line.counterparty_account, line.summary,
            line.reference, positions[line.booked_on],
        ))  # fmt: skip
    _LINE_ROWS.insert(
        session,
        rows,
        ready=("amount_fen", "balance_fen"),
        community_id=community_id,
        account_id=account_id,
        entry_id=None,
        matched="",
        reason="",
        imported_at=clock.now(),
    )
