"""A community's bank accounts: number, the bank's layout, ledger account, date window."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.banking.models import BankAccount
from sunshine.banking.rules.layouts import LAYOUTS
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.kernel.errors import Problem
from sunshine.ledger import service as ledger

MAX_WINDOW_DAYS = 31


def list_accounts(session: Session, community_id: int) -> list[BankAccount]:
    return list(
        session.scalars(
            select(BankAccount)
            .where(BankAccount.community_id == community_id)
            .order_by(BankAccount.id)
        )
    )


def get_account(session: Session, community_id: int, account_id: int) -> BankAccount:
    account = session.get(BankAccount, (community_id, account_id))
    if account is None:
        raise NotFound("no bank account {id} in this community", args={"id": account_id})
    return account


def find_by_number(session: Session, community_id: int, number: str) -> BankAccount | None:
    return session.scalar(
        select(BankAccount).where(
            BankAccount.community_id == community_id, BankAccount.number == number
        )
    )


def pick_account(session: Session, community_id: int, number: str = "") -> BankAccount:
    """The account with this number, or the community's only one when no number is given."""
    if number:
        found = find_by_number(session, community_id, number)
        if found is None:
            raise NotFound(
                "account {number} is not a bank account of this community; add it first"
                " (sunshine bank account)",
                args={"number": number},
            )
        return found
    accounts = list_accounts(session, community_id)
    if len(accounts) != 1:
        raise Invalid(
            "say which bank account: the community has {count}", args={"count": len(accounts)}
        )
    return accounts[0]


def set_account(
    session: Session,
    community_id: int,
    *,
    number: str,
    bank: str,
    name: str = "",
    ledger_code: str = "1001",
    window_days: int = 3,
) -> BankAccount:
    """Add the account, or change its bank, name, ledger account or date window."""
    digits = re.sub(r"[\s\-]", "", number)
    problems = []
    if not re.fullmatch(r"[0-9]{6,32}", digits):
        problems.append(Problem("number", "an account number is 6 to 32 digits", {}, "number"))
    if bank not in LAYOUTS:
        problems.append(
            Problem(
                "bank", "unknown bank {bank}", {"bank": bank, "known": ", ".join(LAYOUTS)}, "bank"
            )
        )
    if not 0 <= window_days <= MAX_WINDOW_DAYS:
        problems.append(Problem("window", "the date window is 0 to 31 days", {}, "window_days"))
    if problems:
        raise Invalid("the bank account is refused", problems=problems)
    ledger.get_account(session, community_id, ledger_code)  # NotFound if the chart lacks it
    account = find_by_number(session, community_id, digits)
    if account is None:
        account = BankAccount(community_id=community_id, number=digits)
        session.add(account)
    account.bank, account.name = bank, name.strip()[:120]
    account.ledger_code, account.window_days = ledger_code, window_days
    session.flush()
    return account
