"""Use cases of billing; functions take a session, never commit, raise kernel errors.

Callers write `from sunshine.billing import service as billing`.

- items: add_item, find_item, get_item, item_by_code, list_items, income_accounts,
  set_rate, rates_of, rate_for (rate history), add_lease, list_leases, leases_in
- runs: preview_run, post_run (set-based, idempotent), list_runs
- payments: take_payment (the interface the online channels use), refund_payment,
  get_payment, allocations_of, unit_bills, unit_payments
- prepayments: prepayment_of (a unit's prepayment), credits_by_unit
- receipts, arrears, reminders, printing, terms (collecting; import those modules);
  public: public_collection_rates, public_arrears (public figures; LAW.md 3)
- notice_section: collection_section, arrears_section (the monthly notice's sections, as of
  its last day; the app registers them with disclosure)
- payers: payers_on (who pays on the bill's day, from the registry's liable_on)
- online payments, imported by their paths: online (orders, notifications, expiry),
  online_booking (paid orders into the ledger in batches), online_settle (the booking),
  channels (WeChat Pay, Alipay, development behind one interface)
"""

from __future__ import annotations

from sunshine.billing.service.items import add_item
from sunshine.billing.service.items import add_lease
from sunshine.billing.service.items import find_item
from sunshine.billing.service.items import get_item
from sunshine.billing.service.items import income_accounts
from sunshine.billing.service.items import item_by_code
from sunshine.billing.service.items import leases_in
from sunshine.billing.service.items import list_items
from sunshine.billing.service.items import list_leases
from sunshine.billing.service.items import rate_authorities
from sunshine.billing.service.items import rate_for
from sunshine.billing.service.items import rates_of
from sunshine.billing.service.items import set_rate
from sunshine.billing.service.payers import Payer
from sunshine.billing.service.payers import payers_on
from sunshine.billing.service.payments import allocations_of
from sunshine.billing.service.payments import get_payment
from sunshine.billing.service.payments import refund_payment
from sunshine.billing.service.payments import take_payment
from sunshine.billing.service.payments import unit_bills
from sunshine.billing.service.payments import unit_payments
from sunshine.billing.service.prepayments import credits_by_unit
from sunshine.billing.service.prepayments import prepayment_of
from sunshine.billing.service.public import PublicArrears
from sunshine.billing.service.public import PublicBand
from sunshine.billing.service.public import PublicRate
from sunshine.billing.service.public import public_arrears
from sunshine.billing.service.public import public_collection_rates
from sunshine.billing.service.runs import Plan
from sunshine.billing.service.runs import list_runs
from sunshine.billing.service.runs import post_run
from sunshine.billing.service.runs import preview_run

__all__ = [
    "Payer",
    "Plan",
    "PublicArrears",
    "PublicBand",
    "PublicRate",
    "add_item",
    "add_lease",
    "allocations_of",
    "credits_by_unit",
    "find_item",
    "get_item",
    "get_payment",
    "income_accounts",
    "item_by_code",
    "leases_in",
    "list_items",
    "list_leases",
    "list_runs",
    "payers_on",
    "post_run",
    "prepayment_of",
    "preview_run",
    "public_arrears",
    "public_collection_rates",
    "rate_authorities",
    "rate_for",
    "rates_of",
    "refund_payment",
    "set_rate",
    "take_payment",
    "unit_bills",
    "unit_payments",
]
