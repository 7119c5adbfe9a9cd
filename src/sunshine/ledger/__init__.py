"""The trust-fund ledger: chart of accounts, journal entries and postings, vouchers, balances.

Every fen a community collects or spends is booked here in double entry, in that
community's own books (DESIGN.md, trust-model rules 1, 2 and 5). `rules` holds the pure
values and checks (the chart-of-accounts template, entry drafts, the trustee's
remuneration); `models` the tables, which the database keeps append-only and balanced
(see migrations/versions/2026_11_28_0003_ledger.py); `service` the use cases, which
also write every entry to the community's transparency log.
"""
