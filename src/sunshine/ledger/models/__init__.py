"""Tables of the trust-fund ledger; the classes are re-exported here.

- books: accounts, entries, postings, period closes and close requests, totals, trust terms,
  vouchers
"""

from __future__ import annotations

from sunshine.ledger.models.books import Account
from sunshine.ledger.models.books import AccountTotal
from sunshine.ledger.models.books import CloseDecision
from sunshine.ledger.models.books import CloseRequest
from sunshine.ledger.models.books import EntryVoucher
from sunshine.ledger.models.books import JournalEntry
from sunshine.ledger.models.books import PeriodClose
from sunshine.ledger.models.books import Posting
from sunshine.ledger.models.books import TrustTerms
from sunshine.ledger.models.books import Voucher
from sunshine.ledger.models.books import VoucherAccess

__all__ = [
    "Account",
    "AccountTotal",
    "CloseDecision",
    "CloseRequest",
    "EntryVoucher",
    "JournalEntry",
    "PeriodClose",
    "Posting",
    "TrustTerms",
    "Voucher",
    "VoucherAccess",
]
