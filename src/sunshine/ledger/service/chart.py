"""The chart of accounts: open the template for a community, extend it, close accounts.

Every account opened or closed goes to the community's log (`ledger.account`, ref = its
code), so that an account's category, kind or name changed behind the app's back (and
with it every report that groups by them) is named by the audit.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.kernel.errors import Conflict
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import NotFound
from sunshine.kernel.errors import Problem
from sunshine.ledger import rules
from sunshine.ledger.models import Account
from sunshine.transparency import service as transparency
from sunshine.transparency.rules.records import LogKind

ACCOUNT_KIND = LogKind("ledger.account")


def accounts_by_code(session: Session, community_id: int) -> dict[str, Account]:
    """Every account of the community's chart, open or closed, by code (one query)."""
    query = select(Account).where(Account.community_id == community_id).order_by(Account.code)
    return {account.code: account for account in session.scalars(query)}


def list_accounts(session: Session, community_id: int) -> list[Account]:
    """The chart in code order."""
    return list(accounts_by_code(session, community_id).values())


def find_account(session: Session, community_id: int, code: str) -> Account | None:
    return session.scalar(
        select(Account).where(Account.community_id == community_id, Account.code == code)
    )


def get_account(session: Session, community_id: int, code: str) -> Account:
    """The account with this code. Raises NotFound."""
    account = find_account(session, community_id, code)
    if account is None:
        raise NotFound("account {code} does not exist", args={"code": code})
    return account


def open_chart(session: Session, community_id: int, *, on: date) -> list[Account]:
    """Give the community the template chart (rules.CHART), opened `on`; idempotent.

    Accounts the community already has (by code) are left as they are, so running this
    again after the template grows adds only the new accounts.
    """
    existing = accounts_by_code(session, community_id)
    added = [
        Account(
            community_id=community_id,
            code=template.code,
            name_zh=template.name_zh,
            name_en=template.name_en,
            kind=template.kind,
            category=template.category,
            parent_code=template.parent_code,
            opened_on=on,
        )
        for template in rules.CHART
        if template.code not in existing
    ]
    session.add_all(added)
    session.flush()
    _log(session, community_id, added)
    return list_accounts(session, community_id)


def add_account(
    session: Session, community_id: int, template: rules.AccountTemplate, *, on: date
) -> Account:
    """Extend the chart (the trustee's manager may): a new code under a known category.

    A sub-account (660201 under 6602) must share its parent's category, so reports that
    group by category stay right.
    """
    existing = accounts_by_code(session, community_id)
    problems = rules.account_problems(template, existing_codes=frozenset(existing))
    parent = existing.get(template.parent_code or "")
    if parent is not None and parent.category is not template.category:
        problems.append(
            Problem(
                "parent_category",
                "a sub-account must have its parent's category {category}",
                {"category": parent.category.value},
                "category",
            )
        )
    if problems:
        raise Invalid("the account was not added", problems=problems)
    account = Account(
        community_id=community_id,
        code=template.code,
        name_zh=template.name_zh.strip(),
        name_en=template.name_en.strip(),
        kind=template.kind,
        category=template.category,
        parent_code=template.parent_code,
        opened_on=on,
    )
    session.add(account)
    session.flush()
    _log(session, community_id, [account])
    return account


def close_account(session: Session, community_id: int, code: str, *, on: date) -> Account:
    """Stop booking to an account from `on` (its history stays; it may not be reopened)."""
    account = get_account(session, community_id, code)
    if account.closed_on is not None:
        raise Conflict("account {code} is already closed", args={"code": code})
    if on < account.opened_on:
        raise Invalid("an account cannot close before it opened")
    account.closed_on = on
    session.flush()
    _log(session, community_id, [account])
    return account


def account_record(account: Account) -> dict[str, object]:
    """The logged form of an account as it stands: everything that reports group it by."""
    return {
        "account": account.id,
        "code": account.code,
        "name_zh": account.name_zh,
        "name_en": account.name_en,
        "kind": account.kind.value,
        "category": account.category.value,
        "parent_code": account.parent_code,
        "opened_on": account.opened_on.isoformat(),
        "closed_on": None if account.closed_on is None else account.closed_on.isoformat(),
    }


def _log(session: Session, community_id: int, accounts: list[Account]) -> None:
    records = [
        transparency.Entry(ACCOUNT_KIND, account_record(account), ref=account.code)
        for account in sorted(accounts, key=lambda a: a.code)
    ]
    transparency.append_many(session, community_id, records)
