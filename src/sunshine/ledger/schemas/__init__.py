"""What crosses the ledger's edges: JSON shapes, and typed input turned into ledger values.

One module per concern; the public names are listed here, so callers write
`from sunshine.ledger import schemas` and `schemas.EntryRead`.

- books_input: parse_period, parse_day, months_asked, days_asked (a report's span),
  EntryForm and FormRow (the booking form), form_draft, PostingCreate, EntryCreate,
  ReversalCreate, entry_draft
- books_read: yuan, AccountRead, PostingRead, EntryRead, EntryPage, debit_total, RowRead,
  TrialBalanceRead, IncomeAndSpendingRead, LedgerLineRead, AccountLedgerRead, page_of,
  BalanceRead
"""

from __future__ import annotations

from sunshine.ledger.schemas.books_input import BUDGET_LINE_LENGTH
from sunshine.ledger.schemas.books_input import EntryCreate
from sunshine.ledger.schemas.books_input import EntryForm
from sunshine.ledger.schemas.books_input import FormRow
from sunshine.ledger.schemas.books_input import PostingCreate
from sunshine.ledger.schemas.books_input import ReversalCreate
from sunshine.ledger.schemas.books_input import days_asked
from sunshine.ledger.schemas.books_input import entry_draft
from sunshine.ledger.schemas.books_input import form_draft
from sunshine.ledger.schemas.books_input import months_asked
from sunshine.ledger.schemas.books_input import parse_day
from sunshine.ledger.schemas.books_input import parse_period
from sunshine.ledger.schemas.books_read import AccountLedgerRead
from sunshine.ledger.schemas.books_read import AccountRead
from sunshine.ledger.schemas.books_read import BalanceRead
from sunshine.ledger.schemas.books_read import EntryPage
from sunshine.ledger.schemas.books_read import EntryRead
from sunshine.ledger.schemas.books_read import IncomeAndSpendingRead
from sunshine.ledger.schemas.books_read import LedgerLineRead
from sunshine.ledger.schemas.books_read import PostingRead
from sunshine.ledger.schemas.books_read import RowRead
from sunshine.ledger.schemas.books_read import TrialBalanceRead
from sunshine.ledger.schemas.books_read import debit_total
from sunshine.ledger.schemas.books_read import page_of
from sunshine.ledger.schemas.books_read import yuan

__all__ = [
    "BUDGET_LINE_LENGTH",
    "AccountLedgerRead",
    "AccountRead",
    "BalanceRead",
    "EntryCreate",
    "EntryForm",
    "EntryPage",
    "EntryRead",
    "FormRow",
    "IncomeAndSpendingRead",
    "LedgerLineRead",
    "PostingCreate",
    "PostingRead",
    "ReversalCreate",
    "RowRead",
    "TrialBalanceRead",
    "days_asked",
    "debit_total",
    "entry_draft",
    "form_draft",
    "months_asked",
    "page_of",
    "parse_day",
    "parse_period",
    "yuan",
]
