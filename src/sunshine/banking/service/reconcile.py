"""The reconciliation statement for a date, and appending it to the public log when it balances.

It covers the account's statement lines from the first one held to the date, against the
ledger's entries of the same days: a pair counts as matched only if both sides fall by the
date. What is left over is listed (rules.reconciliation says how); the month's end for
the notice is `month_end`.
"""

from __future__ import annotations

from datetime import date
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.banking.models import BankAccount
from sunshine.banking.models import BankLine
from sunshine.banking.models import Reconciliation
from sunshine.banking.rules import reconciliation as rules
from sunshine.banking.service import book
from sunshine.banking.service.accounts import MAX_WINDOW_DAYS
from sunshine.banking.service.accounts import list_accounts
from sunshine.banking.service.accounts import pick_account
from sunshine.infra import clock
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.kernel.periods import Period
from sunshine.transparency import service as transparency
from sunshine.transparency.rules import records
from sunshine.transparency.rules.records import LogKind

LOG_KIND = LogKind("banking.reconciliation")


def _lines_through(session: Session, account: BankAccount, on: date) -> list[BankLine]:
    return list(
        session.scalars(
            select(BankLine)
            .where(
                BankLine.community_id == account.community_id,
                BankLine.account_id == account.id,
                BankLine.booked_on <= on,
            )
            .order_by(BankLine.booked_on, BankLine.position, BankLine.id)
        )
    )


def _line_item(line: BankLine) -> rules.Item:
    if line.reason:
        kind = rules.ItemKind.EXPLAINED
    elif rules.is_fee(line.summary, line.amount):
        kind = rules.ItemKind.BANK_FEE
    else:
        kind = rules.ItemKind.UNMATCHED
    return rules.Item(
        kind, line.booked_on, line.amount, line_id=line.id, text=line.reason or line.summary
    )


def reconcile(
    session: Session, community_id: int, account: BankAccount, on: date
) -> rules.Reconciliation:
    """The statement for the end of day `on`; Invalid if no statement line reaches back to it."""
    lines = _lines_through(session, account, on)
    if not lines:
        raise Invalid(
            "no statement lines of account {number} up to {on}; import the statement first",
            args={"number": rules.masked_account(account.number), "on": on.isoformat()},
        )
    # An entry booked a little before the bank's first line (a receipt credited the next
    # day) belongs to the statement: the books' side starts at the earliest matched entry.
    reach = lines[0].booked_on - timedelta(days=MAX_WINDOW_DAYS)
    moves = book.moves(session, community_id, ledger_code=account.ledger_code, start=reach, end=on)
    matched = {ln.entry_id for ln in lines if ln.entry_id is not None}
    first_day = min([lines[0].booked_on, *(m.booked_on for m in moves if m.entry_id in matched)])
    moves = [m for m in moves if m.booked_on >= first_day]
    booked = {m.entry_id for m in moves}
    cleared = {ln.entry_id for ln in lines if ln.entry_id in booked}
    items = [_line_item(ln) for ln in lines if ln.entry_id not in booked]
    items += [
        rules.Item(
            rules.ItemKind.IN_TRANSIT, m.booked_on, m.amount, entry_id=m.entry_id, text=m.narration
        )
        for m in moves
        if m.entry_id not in cleared
    ]
    day_before = first_day - timedelta(days=1)
    return rules.Reconciliation(
        account_id=account.id,
        account_number=account.number,
        on=on,
        first_day=first_day,
        bank_balance=lines[-1].balance,
        book_balance=book.balance(session, community_id, ledger_code=account.ledger_code, on=on),
        bank_opening=lines[0].balance - lines[0].amount,
        book_opening=book.balance(
            session, community_id, ledger_code=account.ledger_code, on=day_before
        ),
        items=tuple(sorted(items, key=lambda i: (i.booked_on, i.kind.value))),
    )


def record(
    session: Session, community_id: int, account: BankAccount, on: date, *, actor_id: int | None
) -> tuple[rules.Reconciliation, Reconciliation]:
    """Reconcile, and append the statement to the public log; refused unless it balances."""
    rec = reconcile(session, community_id, account, on)
    if not rec.balanced:
        raise Invalid("the reconciliation for {on} does not balance: {left} is unexplained",
                      args={"on": on.isoformat(), "left": str(rec.unexplained)})  # fmt: skip
    body = rules.log_record(rec)
    logged = transparency.append(
        session, community_id, kind=LOG_KIND, record=body, ref=ref_of(body)
    )
    row = session.scalar(
        select(Reconciliation).where(
            Reconciliation.community_id == community_id,
            Reconciliation.account_id == account.id,
            Reconciliation.as_of == on,
        )
    )
    if row is None:
        row = Reconciliation(community_id=community_id, account_id=account.id, as_of=on)
        session.add(row)
    row.body = records.canonical(body).decode("utf-8")
    row.log_seq, row.made_by, row.made_at = logged.seq, actor_id, clock.now()
    session.flush()
    return rec, row


def ref_of(body: dict[str, object]) -> str:
    return f"{body['account']}/{body['on']}"


def month_end(session: Session, community_id: int, period: Period) -> rules.Reconciliation | None:
    """The reconciliation of the trust account for the month's last day, for the notice section.

    None when the community has no bank account or no statement line by then. Its
    `bank_balance`, `book_balance`, `items` (each difference) and `balanced` are what the
    section shows; `rules.log_record` is its public form (no names).
    """
    if not list_accounts(session, community_id):
        return None
    try:
        account = pick_account(session, community_id)
        return reconcile(session, community_id, account, period.last_day)
    except (Invalid, NotFound):
        return None


def logged_count(session: Session, community_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Reconciliation)
            .where(Reconciliation.community_id == community_id)
        )
        or 0
    )
