"""Disclosure: budgets, the monthly public notice (web, A4 PDF, bundle) and the owners' board.

What owners came for: where their money went, each month, provably unchanged. A notice
is built from the ledger, frozen into one record, appended to the community's
transparency log and covered by a signed checkpoint; corrections are new versions.
"""
