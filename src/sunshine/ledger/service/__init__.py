"""Use cases of the trust-fund ledger, one module per concern; the public API is listed here.

Functions take an open Session first and the community's id explicitly, everything else
keyword-only; they never commit (the edge that called them owns the transaction) and
raise `sunshine.kernel.errors` types. Callers write `from sunshine.ledger import service`
and `service.post_entry(session, community_id, draft, actor_id=...)`.

- chart: open_chart, add_account, close_account (each logged), accounts_by_code,
  list_accounts, find_account, get_account
- posting: post_entry, post_entries (bulk import), reverse_entry
- entries: get_entry, find_entry, find_entry_by_external_id, find_reversal, first_period,
  latest_period, list_entries, entry_count, draft_of, record_of, voucher_hashes, vouchers_by_entry,
  reversals_by_entry
- periods: close_period (final), check_closable, closed_through, is_closed, lock_books
  (another part that reads what it then books, billing, takes the books' lock first)
- closing: request_close, countersign_close (closes the month), withdraw_close,
  month_summary, list_close_steps, pending_request (the committee countersigns a close)
- terms / remuneration: set_trust_terms, list_trust_terms, terms_in_force,
  remuneration_base, remuneration_due, remuneration_booked, book_remuneration
- vouchers: register_voucher, get_voucher, list_vouchers, set_public_copy, attach_voucher,
  record_voucher_access, voucher_accesses, community_accesses, vouchers_without_public_copy
- voucher_redaction (the public copy made in the product): redact_voucher (boxes filled in
  black on the server), original_pictures (logged), public_copy_pictures, is_picture
- voucher_store (the files): store_voucher, store_public_copy, check_voucher_file,
  voucher_bytes, open_original (logged), open_public_copy, publish_original, voucher_entries,
  voucher_max_bytes
- budget_lines: budget_lines (the budget's lines, which posting checks every entry's against;
  the app and the root CLI install disclosure's source with use_budget_lines); line_figures
  (a spending line's approved amount and spending so far, LineFigures; use_line_figures)
- bundles: entry_bundle (the entry as the books hold it, with its proof, for owners)
- lines: lines_in (postings of one kind of account over periods, for the notice)
- moves: account_moves (each entry's net movement of one account, for bank reconciliation)
- reports: trial_balance, account_balance, account_ledger, income_and_spending,
  trust_bank_balance; totals: mismatches (totals vs postings, for the audit)
- audit_checks: the ledger's checks for `sunshine audit`, registered with
  `transparency.service.audit` (audit: entries, audit_side: accounts, vouchers, terms,
  audit_totals: the totals against the postings)
"""

from __future__ import annotations

from sunshine.ledger.service.budget_lines import LineFigures
from sunshine.ledger.service.budget_lines import budget_lines
from sunshine.ledger.service.budget_lines import line_figures
from sunshine.ledger.service.budget_lines import use_budget_lines
from sunshine.ledger.service.budget_lines import use_line_figures
from sunshine.ledger.service.bundles import entry_bundle
from sunshine.ledger.service.chart import ACCOUNT_KIND
from sunshine.ledger.service.chart import accounts_by_code
from sunshine.ledger.service.chart import add_account
from sunshine.ledger.service.chart import close_account
from sunshine.ledger.service.chart import find_account
from sunshine.ledger.service.chart import get_account
from sunshine.ledger.service.chart import list_accounts
from sunshine.ledger.service.chart import open_chart
from sunshine.ledger.service.closing import CLOSED_KIND
from sunshine.ledger.service.closing import REQUESTED_KIND
from sunshine.ledger.service.closing import WITHDRAWN_KIND
from sunshine.ledger.service.closing import CloseStep
from sunshine.ledger.service.closing import MonthSummary
from sunshine.ledger.service.closing import countersign_close
from sunshine.ledger.service.closing import list_close_steps
from sunshine.ledger.service.closing import month_summary
from sunshine.ledger.service.closing import pending_request
from sunshine.ledger.service.closing import request_close
from sunshine.ledger.service.closing import withdraw_close
from sunshine.ledger.service.entries import draft_of
from sunshine.ledger.service.entries import entry_count
from sunshine.ledger.service.entries import find_entry
from sunshine.ledger.service.entries import find_entry_by_external_id
from sunshine.ledger.service.entries import find_reversal
from sunshine.ledger.service.entries import first_period
from sunshine.ledger.service.entries import get_entry
from sunshine.ledger.service.entries import latest_period
from sunshine.ledger.service.entries import list_entries
from sunshine.ledger.service.entries import record_of
from sunshine.ledger.service.entries import reversals_by_entry
from sunshine.ledger.service.entries import voucher_hashes
from sunshine.ledger.service.entries import vouchers_by_entry
from sunshine.ledger.service.lines import PostedLine
from sunshine.ledger.service.lines import lines_in
from sunshine.ledger.service.moves import AccountMove
from sunshine.ledger.service.moves import account_moves
from sunshine.ledger.service.periods import check_closable
from sunshine.ledger.service.periods import close_period
from sunshine.ledger.service.periods import closed_through
from sunshine.ledger.service.periods import is_closed
from sunshine.ledger.service.periods import lock_books
from sunshine.ledger.service.posting import ENTRY_KIND
from sunshine.ledger.service.posting import IMPORT
from sunshine.ledger.service.posting import MANUAL
from sunshine.ledger.service.posting import REMUNERATION
from sunshine.ledger.service.posting import REVERSAL
from sunshine.ledger.service.posting import post_entries
from sunshine.ledger.service.posting import post_entry
from sunshine.ledger.service.posting import reverse_entry
from sunshine.ledger.service.remuneration import book_remuneration
from sunshine.ledger.service.reports import AccountLedger
from sunshine.ledger.service.reports import AccountRow
from sunshine.ledger.service.reports import IncomeAndSpending
from sunshine.ledger.service.reports import LedgerLine
from sunshine.ledger.service.reports import TrialBalance
from sunshine.ledger.service.reports import account_balance
from sunshine.ledger.service.reports import account_ledger
from sunshine.ledger.service.reports import income_and_spending
from sunshine.ledger.service.reports import trial_balance
from sunshine.ledger.service.reports import trust_bank_balance
from sunshine.ledger.service.terms import TERMS_KIND
from sunshine.ledger.service.terms import list_trust_terms
from sunshine.ledger.service.terms import remuneration_base
from sunshine.ledger.service.terms import remuneration_booked
from sunshine.ledger.service.terms import remuneration_due
from sunshine.ledger.service.terms import set_trust_terms
from sunshine.ledger.service.terms import terms_in_force
from sunshine.ledger.service.totals import mismatches
from sunshine.ledger.service.voucher_redaction import PagePicture
from sunshine.ledger.service.voucher_redaction import is_picture
from sunshine.ledger.service.voucher_redaction import original_pictures
from sunshine.ledger.service.voucher_redaction import public_copy_pictures
from sunshine.ledger.service.voucher_redaction import redact_voucher
from sunshine.ledger.service.voucher_store import check_voucher_file
from sunshine.ledger.service.voucher_store import open_original
from sunshine.ledger.service.voucher_store import open_public_copy
from sunshine.ledger.service.voucher_store import publish_original
from sunshine.ledger.service.voucher_store import store_public_copy
from sunshine.ledger.service.voucher_store import store_voucher
from sunshine.ledger.service.voucher_store import voucher_bytes
from sunshine.ledger.service.voucher_store import voucher_entries
from sunshine.ledger.service.voucher_store import voucher_max_bytes
from sunshine.ledger.service.vouchers import PUBLIC_COPY_KIND
from sunshine.ledger.service.vouchers import VOUCHER_KIND
from sunshine.ledger.service.vouchers import attach_voucher
from sunshine.ledger.service.vouchers import community_accesses
from sunshine.ledger.service.vouchers import get_voucher
from sunshine.ledger.service.vouchers import list_vouchers
from sunshine.ledger.service.vouchers import record_voucher_access
from sunshine.ledger.service.vouchers import register_voucher
from sunshine.ledger.service.vouchers import set_public_copy
from sunshine.ledger.service.vouchers import voucher_accesses
from sunshine.ledger.service.vouchers import vouchers_without_public_copy

__all__ = [
    "ACCOUNT_KIND",
    "CLOSED_KIND",
    "ENTRY_KIND",
    "IMPORT",
    "MANUAL",
    "PUBLIC_COPY_KIND",
    "REMUNERATION",
    "REQUESTED_KIND",
    "REVERSAL",
    "TERMS_KIND",
    "VOUCHER_KIND",
    "WITHDRAWN_KIND",
    "AccountLedger",
    "AccountMove",
    "AccountRow",
    "CloseStep",
    "IncomeAndSpending",
    "LedgerLine",
    "LineFigures",
    "MonthSummary",
    "PagePicture",
    "PostedLine",
    "TrialBalance",
    "account_balance",
    "account_ledger",
    "account_moves",
    "accounts_by_code",
    "add_account",
    "attach_voucher",
    "book_remuneration",
    "budget_lines",
    "check_closable",
    "check_voucher_file",
    "close_account",
    "close_period",
    "closed_through",
    "community_accesses",
    "countersign_close",
    "draft_of",
    "entry_bundle",
    "entry_count",
    "find_account",
    "find_entry",
    "find_entry_by_external_id",
    "find_reversal",
    "first_period",
    "get_account",
    "get_entry",
    "get_voucher",
    "income_and_spending",
    "is_closed",
    "is_picture",
    "latest_period",
    "line_figures",
    "lines_in",
    "list_accounts",
    "list_close_steps",
    "list_entries",
    "list_trust_terms",
    "list_vouchers",
    "lock_books",
    "mismatches",
    "month_summary",
    "open_chart",
    "open_original",
    "open_public_copy",
    "original_pictures",
    "pending_request",
    "post_entries",
    "post_entry",
    "public_copy_pictures",
    "publish_original",
    "record_of",
    "record_voucher_access",
    "redact_voucher",
    "register_voucher",
    "remuneration_base",
    "remuneration_booked",
    "remuneration_due",
    "request_close",
    "reversals_by_entry",
    "reverse_entry",
    "set_public_copy",
    "set_trust_terms",
    "store_public_copy",
    "store_voucher",
    "terms_in_force",
    "trial_balance",
    "trust_bank_balance",
    "use_budget_lines",
    "use_line_figures",
    "voucher_accesses",
    "voucher_bytes",
    "voucher_entries",
    "voucher_hashes",
    "voucher_max_bytes",
    "vouchers_by_entry",
    "vouchers_without_public_copy",
    "withdraw_close",
]
