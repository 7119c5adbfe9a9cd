"""Importing a journal of postings (`journal_csv`): match its accounts, then book it in batches.

The command reads the file, asks `match_accounts` which of its account names the
community's chart lacks (refused by name unless the accounts are to be opened, which
`open_accounts` does), and books transactions with `book_batch`, committing after each
batch: a batch is booked whole or not at all, and the transaction id is the entry's
external id, so importing a file again books nothing twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from sunshine.infra import bulk
from sunshine.infra.db import Base
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import Problem
from sunshine.ledger import rules
from sunshine.ledger.models import Account
from sunshine.ledger.models import JournalEntry
from sunshine.ledger.models import Posting
from sunshine.ledger.rules.journal_csv import Txn
from sunshine.ledger.rules.journal_csv import category_for
from sunshine.ledger.service.chart import accounts_by_code
from sunshine.ledger.service.chart import add_account
from sunshine.ledger.service.entries import entry_count
from sunshine.ledger.service.posting import IMPORT
from sunshine.ledger.service.posting import post_entries
from sunshine.transparency import service as transparency

# Codes for accounts an import opens: a range per kind that the template chart leaves free.
_CODE_PREFIX = {
    rules.AccountKind.ASSET: "19",
    rules.AccountKind.LIABILITY: "29",
    rules.AccountKind.FUND: "39",
    rules.AccountKind.INCOME: "69",
    rules.AccountKind.EXPENSE: "68",
}


@dataclass(frozen=True, slots=True)
class AccountMatch:
    """How a file's account names meet the chart: the codes found, and the names it lacks."""

    codes: dict[str, str]
    missing: list[str]


@dataclass(frozen=True, slots=True)
class BatchResult:
    booked: int  # new entries
    postings: int  # their postings
    already: int  # transactions booked by an earlier import
    last_number: int  # the community's newest entry number after the batch


def match_accounts(session: Session, community_id: int, names: Iterable[str]) -> AccountMatch:
    """Match each name to an account by its code, else its English, else its Chinese name."""
    accounts = accounts_by_code(session, community_id).values()
    index: dict[str, str] = {}
    for field in ("name_zh", "name_en", "code"):  # later fields win: code first
        index.update({getattr(a, field): a.code for a in accounts})
    codes = {name: index[name] for name in names if name in index}
    return AccountMatch(codes, sorted(set(names) - set(codes)))


def open_accounts(
    session: Session, community_id: int, names: Sequence[str], *, on: date
) -> dict[str, str]:
    """Open an account for each name, its category guessed from the name; returns the codes.

    Refuses, naming them, any names whose top level is not Assets, Liabilities, Equity,
    Income or Expenses, and opens nothing then.
    """
    unplaced = [name for name in names if category_for(name) is None]
    if unplaced:
        raise Invalid(
            "the accounts were not opened",
            problems=[
                Problem(
                    "account_kind",
                    "cannot tell what kind of account {name} is: name it Assets:…, "
                    "Liabilities:…, Equity:…, Income:… or Expenses:…",
                    {"name": name[:120]},
                    name[:120],
                )
                for name in unplaced
            ],
        )
    used = set(accounts_by_code(session, community_id))
    opened: dict[str, str] = {}
    for name in sorted(names):
        category = category_for(name)
        assert category is not None  # checked above
        code = _free_code(_CODE_PREFIX[rules.CATEGORIES[category].kind], used)
        used.add(code)
        label = name.strip()[:120]
        account: Account = add_account(
            session,
            community_id,
            rules.AccountTemplate(code, label, label, category),
            on=on,
        )
        opened[name] = account.code
    return opened


def _free_code(prefix: str, used: set[str]) -> str:
    width = 2
    while True:
        for n in range(1, 10**width):
            code = f"{prefix}{n:0{width}d}"
            if code not in used:
                return code
        width += 1


def refresh_statistics(session: Session) -> None:
    """After a batch that grew the books a lot: tell the database (see infra.bulk)."""
    tables = [Base.metadata.tables[m.__tablename__] for m in (JournalEntry, Posting)]
    bulk.refresh_statistics(session, tables)
    transparency.refresh_statistics(session)


def book_batch(
    session: Session,
    community_id: int,
    txns: Sequence[Txn],
    codes: Mapping[str, str],
    *,
    actor_id: int | None,
) -> BatchResult:
    """Book `txns` as entries, all or none (Invalid names each refused transaction's id)."""
    drafts = [
        rules.EntryDraft(
            booked_on=txn.booked_on,
            narration=txn.narration,
            postings=tuple(rules.PostingDraft(codes[name], amount) for name, amount in txn.legs),
        )
        for txn in txns
    ]
    return book_drafts(
        session, community_id, drafts, [txn.txn_id for txn in txns], actor_id=actor_id
    )


def book_drafts(
    session: Session,
    community_id: int,
    drafts: Sequence[rules.EntryDraft],
    txn_ids: Sequence[str],
    *,
    actor_id: int | None,
) -> BatchResult:
    """Book an import's drafts the ordinary way (`post_entries`), each under its transaction id."""
    before = entry_count(session, community_id)
    numbers = post_entries(
        session,
        community_id,
        drafts,
        actor_id=actor_id,
        source=IMPORT,
        external_ids=txn_ids,
    )
    fresh = [draft for draft, number in zip(drafts, numbers, strict=True) if number > before]
    return BatchResult(
        booked=len(fresh),
        postings=sum(len(draft.postings) for draft in fresh),
        already=len(drafts) - len(fresh),
        last_number=max(numbers, default=before),
    )
