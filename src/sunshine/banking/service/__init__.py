"""Use cases of bank reconciliation, one module per concern.

Functions take an open Session first and the community's id, never commit, and raise
`sunshine.kernel.errors` types. The ledger is read through its service only.

- accounts: set_account, list_accounts, get_account, pick_account (a community's bank accounts)
- imports: preview, import_statement (all or nothing; importing again adds nothing)
- matching: auto_match, match_line, unmatch_line, explain_line (each staff step kept)
- lines: list_lines, work_list, counts, steps
- reconcile: reconcile, record (appended to the log when it balances), month_end (the notice)
- notice_section: reconciliation_section (the monthly notice's; the app registers it)
- audit_checks: the `banking.reconciliation` check for `sunshine audit`
"""
