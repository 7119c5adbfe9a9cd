"""Pure rules of the ledger, one module per concern; `books`' names are re-exported here.

- books: the chart template, entry drafts and their checks, the log record, remuneration
- journal_csv: reading a journal of postings from CSV rows
- import_batches: preparing an import's batches away from the database
- voucher_files: what a voucher file is, told from its bytes
"""

from __future__ import annotations

from sunshine.ledger.rules.books import BOOKING_LEAD_DAYS
from sunshine.ledger.rules.books import CATEGORIES
from sunshine.ledger.rules.books import CHART
from sunshine.ledger.rules.books import COUNTERPARTY_LENGTH
from sunshine.ledger.rules.books import FIRST_BOOKING_DAY
from sunshine.ledger.rules.books import MAX_AMOUNT
from sunshine.ledger.rules.books import MAX_PERIOD_TOTAL
from sunshine.ledger.rules.books import MEMO_LENGTH
from sunshine.ledger.rules.books import NARRATION_LENGTH
from sunshine.ledger.rules.books import AccountKind
from sunshine.ledger.rules.books import AccountTemplate
from sunshine.ledger.rules.books import Category
from sunshine.ledger.rules.books import CategoryInfo
from sunshine.ledger.rules.books import CloseOutcome
from sunshine.ledger.rules.books import EntryDraft
from sunshine.ledger.rules.books import PostingDraft
from sunshine.ledger.rules.books import RemunerationKind
from sunshine.ledger.rules.books import TrustTerms
from sunshine.ledger.rules.books import account_problems
from sunshine.ledger.rules.books import as_record
from sunshine.ledger.rules.books import booking_day_problems
from sunshine.ledger.rules.books import booking_window
from sunshine.ledger.rules.books import problems_with
from sunshine.ledger.rules.books import public_counterparty
from sunshine.ledger.rules.books import remuneration_booked
from sunshine.ledger.rules.books import remuneration_draft
from sunshine.ledger.rules.books import remuneration_due
from sunshine.ledger.rules.books import reversing_draft
from sunshine.ledger.rules.books import terms_in_force
from sunshine.ledger.rules.books import terms_problems

__all__ = [
    "BOOKING_LEAD_DAYS",
    "CATEGORIES",
    "CHART",
    "COUNTERPARTY_LENGTH",
    "FIRST_BOOKING_DAY",
    "MAX_AMOUNT",
    "MAX_PERIOD_TOTAL",
    "MEMO_LENGTH",
    "NARRATION_LENGTH",
    "AccountKind",
    "AccountTemplate",
    "Category",
    "CategoryInfo",
    "CloseOutcome",
    "EntryDraft",
    "PostingDraft",
    "RemunerationKind",
    "TrustTerms",
    "account_problems",
    "as_record",
    "booking_day_problems",
    "booking_window",
    "problems_with",
    "public_counterparty",
    "remuneration_booked",
    "remuneration_draft",
    "remuneration_due",
    "reversing_draft",
    "terms_in_force",
    "terms_problems",
]
