"""The ledger's audit checks, one per kind of record it logs (`transparency.service.audit`).

Imported by the audit's registry whenever an audit runs, so every record the ledger
appends is re-derived: entries (with their postings, the vouchers posted with them and
the per-period totals they sum to), accounts, vouchers attached later and public copies,
trust terms, and months closed (each request, withdrawal and countersignature).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from sunshine.infra.bulk import community_ids
from sunshine.infra.db import Base
from sunshine.ledger.models import Account
from sunshine.ledger.models import AccountTotal
from sunshine.ledger.models import CloseDecision
from sunshine.ledger.models import CloseRequest
from sunshine.ledger.models import EntryVoucher
from sunshine.ledger.models import JournalEntry
from sunshine.ledger.models import PeriodClose
from sunshine.ledger.models import Posting
from sunshine.ledger.models import TrustTerms
from sunshine.ledger.models import Voucher
from sunshine.ledger.service.audit import EntryAudit
from sunshine.ledger.service.audit_closing import CloseAudit
from sunshine.ledger.service.audit_scan import EntryRecords
from sunshine.ledger.service.audit_side import VoucherAudit
from sunshine.ledger.service.audit_side import accounts
from sunshine.ledger.service.audit_side import trust_terms
from sunshine.ledger.service.audit_totals import check_totals
from sunshine.ledger.service.chart import ACCOUNT_KIND
from sunshine.ledger.service.closing import CLOSED_KIND
from sunshine.ledger.service.closing import REQUESTED_KIND
from sunshine.ledger.service.closing import WITHDRAWN_KIND
from sunshine.ledger.service.posting import ENTRY_KIND
from sunshine.ledger.service.terms import TERMS_KIND
from sunshine.ledger.service.vouchers import PUBLIC_COPY_KIND
from sunshine.ledger.service.vouchers import VOUCHER_KIND
from sunshine.transparency.service.audit import AuditCheck
from sunshine.transparency.service.audit import register


def _with_books(session: Session) -> set[int]:
    """Communities with a chart, entries, postings or totals: their log must stand for them."""
    models: list[type[Base]] = [Account, JournalEntry, Posting, EntryVoucher, AccountTotal]
    models += [TrustTerms, Voucher, CloseRequest, CloseDecision, PeriodClose]
    return community_ids(session, [model.__table__ for model in models])


register(
    AuditCheck(
        name=ENTRY_KIND,
        kinds=(ENTRY_KIND,),
        tables=tuple(m.__tablename__ for m in (JournalEntry, Posting, EntryVoucher, AccountTotal)),
        rows=EntryAudit,
        records=EntryRecords,
        alongside=check_totals,
        bodies=False,  # a million bodies need not cross to the caller: their leaf hashes do
        communities=_with_books,
    )
)
register(
    AuditCheck(
        name=ACCOUNT_KIND,
        kinds=(ACCOUNT_KIND,),
        tables=(Account.__tablename__,),
        rows=accounts,
    )
)
register(
    AuditCheck(
        name=VOUCHER_KIND,
        kinds=(VOUCHER_KIND, PUBLIC_COPY_KIND),
        tables=(Voucher.__tablename__, EntryVoucher.__tablename__),
        rows=VoucherAudit,
    )
)
register(
    AuditCheck(
        name=TERMS_KIND,
        kinds=(TERMS_KIND,),
        tables=(TrustTerms.__tablename__,),
        rows=trust_terms,
    )
)
register(
    AuditCheck(
        name="ledger.close",
        kinds=(REQUESTED_KIND, WITHDRAWN_KIND, CLOSED_KIND),
        tables=tuple(m.__tablename__ for m in (CloseRequest, CloseDecision, PeriodClose)),
        rows=CloseAudit,
    )
)
