"""The audit's check of the stored per-account, per-period totals against the postings.

The totals (`ledger_account_total`) are not logged, so they are checked against the
postings themselves: one GROUP BY account and day over the index the reports use
(community_id, account_id, booked_on, amount_fen), which SQLite and PostgreSQL stream
in index order, so no posting row reaches Python; the days are summed into months here.
If SQLite's SUM overflows (amounts beyond 2^63 between them, written behind the app's
back), the postings are summed here instead, exactly, one row at a time. Values are
read as stored: a total stored as text or REAL is named, not converted.
"""

from __future__ import annotations

import math
from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import type_coerce
from sqlalchemy.orm import Session

from sunshine.infra.bulk import driver_rows
from sunshine.kernel.errors import Problem
from sunshine.kernel.money import Fen
from sunshine.ledger.models import Account
from sunshine.ledger.models import AccountTotal
from sunshine.ledger.models import Posting
from sunshine.ledger.service.audit_scan import text_day
from sunshine.transparency.service.audit_report import AuditReport
from sunshine.transparency.service.audit_report import FindingKind
from sunshine.transparency.service.audit_rows import odd

_POSTING = Posting.__table__.c
_TOTAL = AccountTotal.__table__.c
_ACCOUNT = Account.__table__.c
Key = tuple[object, object]  # account id, period text, as stored
TOTALS = "ledger.account_total"  # how findings about the totals name what they are about


def check_totals(session: Session, community_id: int, report: AuditReport) -> None:
    """Compare the stored per-period totals with the sums of the postings."""
    summed = _summed(session, community_id)
    stored = _stored(session, community_id, report)
    codes = dict(
        driver_rows(
            session.connection(),
            select(_ACCOUNT.id, _ACCOUNT.code).where(_ACCOUNT.community_id == community_id),
        )
    )
    zero = (0, 0)
    for key in sorted(stored.keys() | summed.keys(), key=_order):
        kept, posted = stored.get(key, zero), summed.get(key, zero)
        if kept == posted:
            continue
        code = str(codes.get(key[0], key[0]))
        report.add(
            Problem(
                FindingKind.TOTALS,
                "account {code}, {period}: the stored totals are {debit} debit and"
                " {credit} credit; its postings sum to {posted_debit} and {posted_credit}",
                {
                    "code": code,
                    "period": str(key[1]),
                    "debit": str(Fen(kept[0])),
                    "credit": str(Fen(kept[1])),
                    "posted_debit": str(Fen(posted[0])),
                    "posted_credit": str(Fen(posted[1])),
                },
            ),
            kind=TOTALS,
            key=f"{code} {key[1]}",
        )


def _summed(session: Session, community_id: int) -> dict[Key, tuple[int, int]]:
    """(debit, credit) per account and period, from the postings."""
    amount = type_coerce(_POSTING.amount_fen, BigInteger)
    day = text_day(session.get_bind().dialect.name, _POSTING.booked_on)
    query = (
        select(_POSTING.account_id, day, func.sum(amount), func.sum(func.abs(amount)))
        .where(_POSTING.community_id == community_id)
        .group_by(_POSTING.account_id, _POSTING.booked_on)
    )
    try:
        with session.begin_nested():  # PostgreSQL: an error must not end the audit's transaction
            rows: list[Any] = driver_rows(session.connection(), query)
    except session.get_bind().dialect.loaded_dbapi.OperationalError:  # SQLite: SUM overflowed
        rows = _summed_one_by_one(session, community_id)
    sums: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
    # debit = (gross + net) / 2, credit = (gross - net) / 2
    for account, booked_on, net_sum, gross_sum in rows:
        net, gross = _whole(net_sum), _whole(gross_sum)
        total = sums[account, booked_on[:7] if type(booked_on) is str else odd(booked_on).text]
        total[0] += (gross + net) // 2
        total[1] += (gross - net) // 2
    return {key: (debit, credit) for key, (debit, credit) in sums.items()}


def _summed_one_by_one(session: Session, community_id: int) -> list[tuple[Any, Any, int, int]]:
    """The GROUP BY of `_summed`, done here with Python's unbounded integers."""
    day = text_day(session.get_bind().dialect.name, _POSTING.booked_on)
    rows = session.execute(
        select(_POSTING.account_id, day, type_coerce(_POSTING.amount_fen, BigInteger))
        .where(_POSTING.community_id == community_id)
        .execution_options(yield_per=10_000)
    )
    sums: dict[tuple[Any, Any], list[int]] = defaultdict(lambda: [0, 0])
    for account, booked_on, amount in rows:
        value = amount if type(amount) is int else 0  # an odd amount: the entry's check names it
        total = sums[account, booked_on]
        total[0] += value
        total[1] += abs(value)
    return [(account, booked_on, net, gross) for (account, booked_on), (net, gross) in sums.items()]


def _stored(session: Session, community_id: int, report: AuditReport) -> dict[Key, tuple[int, int]]:
    """The stored totals that are not zero; one stored as another type is named."""
    t = _TOTAL
    query = select(t.account_id, t.period, t.debit_fen, t.credit_fen).where(
        t.community_id == community_id
    )
    found: dict[Key, tuple[int, int]] = {}
    for account, period, debit, credit in driver_rows(session.connection(), query):
        if type(debit) is not int or type(credit) is not int:
            report.add(
                Problem(
                    FindingKind.STORAGE,
                    "account id {account}, {period}: the totals are stored as {debit} and {credit}",
                    {
                        "account": str(account),
                        "period": str(period),
                        "debit": _shown(debit),
                        "credit": _shown(credit),
                    },
                ),
                kind=TOTALS,
                key=f"{account} {period}",
            )
            continue
        if debit or credit:
            found[account, period] = (debit, credit)
    return found


def _order(key: Key) -> tuple[int, str]:
    return (key[0] if type(key[0]) is int else -1, str(key[1]))


def _shown(value: object) -> str:
    return str(value) if type(value) is int else odd(value).text


def _whole(value: object) -> int:
    """A sum as a whole number (a REAL one, from an odd amount the entry check names: cut)."""
    if type(value) is int:
        return value
    if isinstance(value, Decimal) and value.is_finite():  # PostgreSQL sums BIGINT as NUMERIC
        return int(value)
    if isinstance(value, float) and math.isfinite(value):
        return int(value)
    return 0
