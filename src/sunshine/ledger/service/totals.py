"""Per-account, per-period totals (`ledger_account_total`), kept with every posting.

`posting._write` hands each batch's sums here in the same transaction as the postings,
as one upsert per (account, period) touched: debits and credits are added to the stored
row (created at zero). A sum that would pass `rules.MAX_PERIOD_TOTAL` is refused first
(Invalid, naming the account and month), before anything is written; the database's
CHECK on the table (migration 0008) stands behind that, so a total is always an exact
integer far inside BIGINT. That is the only code that writes postings, so the totals always
equal the sums of the postings; `mismatches` recomputes them from the postings to
prove it (tests, and the audit).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy import tuple_
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import Problem
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger import rules
from sunshine.ledger.models import Account
from sunshine.ledger.models import AccountTotal
from sunshine.ledger.models import Posting

Key = tuple[int, Period]  # (account id, period)


def as_fen(value: object) -> Fen:
    """A SUM read back: Fen already (typed column), or int / Decimal (PostgreSQL), or NULL."""
    if isinstance(value, Fen):
        return value
    if value is None:
        return Fen(0)
    if isinstance(value, int):
        return Fen(value)
    return Fen(int(str(value)))


def add_to_totals(
    session: Session, community_id: int, deltas: Mapping[Key, tuple[Fen, Fen]]
) -> None:
    """Add (debit, credit) sums, credit as a positive amount, to each account's period total."""
    if not deltas:
        return
    refuse_passing_the_bound(session, community_id, deltas)
    table = AccountTotal.__table__
    dialect = session.get_bind().dialect.name
    upsert = (postgresql if dialect == "postgresql" else sqlite).insert(table)
    statement = upsert.on_conflict_do_update(
        index_elements=[table.c.community_id, table.c.account_id, table.c.period],
        set_={
            "debit_fen": table.c.debit_fen + upsert.excluded.debit_fen,
            "credit_fen": table.c.credit_fen + upsert.excluded.credit_fen,
        },
    )
    rows = [
        {
            "community_id": community_id,
            "account_id": account_id,
            "period": period,
            "debit_fen": debit,
            "credit_fen": credit,
        }
        for (account_id, period), (debit, credit) in sorted(
            deltas.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))
        )
    ]
    session.execute(statement, rows)


def refuse_passing_the_bound(
    session: Session, community_id: int, deltas: Mapping[Key, tuple[Fen, Fen]]
) -> None:
    """Invalid if adding `deltas` would take any total past `rules.MAX_PERIOD_TOTAL`."""
    limit = rules.MAX_PERIOD_TOTAL.value
    stored = {
        (account_id, period): (debit.value, credit.value)
        for account_id, period, debit, credit in session.execute(
            select(
                AccountTotal.account_id,
                AccountTotal.period,
                AccountTotal.debit,
                AccountTotal.credit,
            ).where(
                AccountTotal.community_id == community_id,
                tuple_(AccountTotal.account_id, AccountTotal.period).in_(list(deltas)),
            )
        )
    }
    over = []
    for key, (debit, credit) in sorted(deltas.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
        kept_debit, kept_credit = stored.get(key, (0, 0))
        if max(kept_debit + debit.value, kept_credit + credit.value) > limit:
            over.append(key)
    if over:
        raise Invalid("the entry was not posted", problems=_too_large(session, community_id, over))


def _too_large(session: Session, community_id: int, keys: list[Key]) -> list[Problem]:
    codes = dict(
        session.execute(
            select(Account.id, Account.code).where(
                Account.community_id == community_id, Account.id.in_({a for a, _ in keys})
            )
        ).all()
    )
    return [
        Problem(
            "total_too_large",
            "account {code} would pass {limit} yuan of debits or credits in {period}",
            {
                "code": codes.get(account_id, str(account_id)),
                "period": str(period),
                "limit": str(rules.MAX_PERIOD_TOTAL),
            },
            "postings",
        )
        for account_id, period in keys
    ]


def stored_totals(session: Session, community_id: int) -> dict[Key, tuple[Fen, Fen]]:
    rows = session.execute(
        select(
            AccountTotal.account_id, AccountTotal.period, AccountTotal.debit, AccountTotal.credit
        ).where(AccountTotal.community_id == community_id)
    )
    return {(a, p): (d, c) for a, p, d, c in rows if d or c}


def recomputed_totals(session: Session, community_id: int) -> dict[Key, tuple[Fen, Fen]]:
    """The totals from every posting (reads them all: for proofs and audits, not reports)."""
    sums: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
    rows = session.execute(
        select(Posting.account_id, Posting.booked_on, Posting.amount)
        .where(Posting.community_id == community_id)
        .execution_options(yield_per=10000)
    )
    for account_id, booked_on, amount in rows:
        value = amount.value
        sums[account_id, Period.of(booked_on)][0 if value > 0 else 1] += abs(value)
    return {key: (Fen(d), Fen(c)) for key, (d, c) in sums.items()}


def mismatches(session: Session, community_id: int) -> list[Key]:
    """The (account, period) totals that differ from the sums of their postings."""
    stored = stored_totals(session, community_id)
    actual = recomputed_totals(session, community_id)
    return sorted(
        (key for key in stored.keys() | actual.keys() if stored.get(key) != actual.get(key)),
        key=lambda k: (k[0], str(k[1])),
    )
