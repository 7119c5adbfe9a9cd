"""Use cases of governance, one module per concern.

Functions take an open Session first and the community's id, never commit, and raise
`sunshine.kernel.errors` types. The registry is read through its service only.

- committees: add_committee, get_committee, list_committees, add_member, end_term,
  members_on (who serves on a day), settings_of
- decisions: record_decision (counted, logged, kept with its record), get_decision,
  decisions_about (a budget version, an expense, a month's close, a signing key),
  list_decisions, record_of, announce, late (announced after their day, or overdue),
  recount_from_log (the logged record counted again from its own facts)
- roll: registry_units, draw_roll (the roll of a vote's scope from the registry)
- votes: create_vote, get_vote, list_votes, roll_of,
  matters_of, scope_of, open_for_ballots
- ballots: cast_ballot (electronic, paper with its scan, proxy with its authorisation;
  a later ballot replaces the earlier), history, find_by_receipt, receipt_mac
- counting: open_vote (freezes the roll, logs it by digest), close_vote (counted, logged
  again as `governance.vote`), result_of, recount_from_log, check_receipt
- authority: the check `infra.authority` asks (installed by the entrypoints):
  requirements, set_requirement, check, find, links, authorised_by_decision
- audit_checks: the `governance.decision` check for `sunshine audit`; audit_votes: the
  `governance.vote` check
"""
