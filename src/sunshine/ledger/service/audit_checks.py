"""The audit's check of the stored per-account, per-period totals against the postings.

The totals (`ledger_account_total`) are not logged, so they are checked against the
postings themselves: one GROUP BY account and day over the index the reports use
(community_id, account_id, booked_on, amount_fen), which SQLite and PostgreSQL stream
in index order, so no posting row reaches Python; the days are summed into months here.
"""

from __future__ import annotations

from sqlalchemy import BigInteger
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import type_coerce
from sqlalchemy.orm import Session

from sunshine.kernel.errors import Problem
from sunshine.kernel.money import Fen
from sunshine.kernel.periods import Period
from sunshine.ledger.models import Account
from sunshine.ledger.models import Posting
from sunshine.ledger.service.audit_report import AuditReport
from sunshine.ledger.service.audit_report import FindingKind
from sunshine.ledger.service.totals import stored_totals

_POSTING = Posting.__table__.c


def _codes(session: Session, community_id: int) -> dict[int, str]:
    rows = session.execute(
        select(Account.id, Account.code).where(Account.community_id == community_id)
    ).all()
    return dict(rows)


def check_totals(session: Session, community_id: int, report: AuditReport) -> None:
    """Compare the stored per-period totals with the sums of the postings."""
    amount = type_coerce(_POSTING.amount_fen, BigInteger)
    rows = session.execute(
        select(_POSTING.account_id, Posting.booked_on, func.sum(amount), func.sum(func.abs(amount)))
        .where(_POSTING.community_id == community_id)
        .group_by(_POSTING.account_id, _POSTING.booked_on)
    ).all()
    sums: dict[tuple[int, Period], list[int]] = {}
    for account, day, net, gross in rows:  # debit = (gross + net) / 2, credit = (gross - net) / 2
        total = sums.setdefault((account, Period.of(day)), [0, 0])
        total[0] += (int(gross) + int(net)) // 2
        total[1] += (int(gross) - int(net)) // 2
    summed = {key: (Fen(debit), Fen(credit)) for key, (debit, credit) in sums.items()}
    stored = stored_totals(session, community_id)
    codes = _codes(session, community_id)
    zero = (Fen(0), Fen(0))
    for key in sorted(stored.keys() | summed.keys(), key=lambda k: (k[0], str(k[1]))):
        kept, posted = stored.get(key, zero), summed.get(key, zero)
        if kept == posted:
            continue
        report.add(
            Problem(
                FindingKind.TOTALS,
                "account {code}, {period}: the stored totals are {debit} debit and"
                " {credit} credit; its postings sum to {posted_debit} and {posted_credit}",
                {
                    "code": codes.get(key[0], str(key[0])),
                    "period": str(key[1]),
                    "debit": str(kept[0]),
                    "credit": str(kept[1]),
                    "posted_debit": str(posted[0]),
                    "posted_credit": str(posted[1]),
                },
            )
        )
