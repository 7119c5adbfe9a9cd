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
- votes: create_vote (with the silent-majority setting), get_vote, list_votes, roll_of,
  matters_of, scope_of, scope_named, scope_names, open_for_ballots
- ballots: cast_ballot (electronic, paper with its scan, proxy with its authorisation;
  a later ballot replaces the earlier), history, all_ballots, find_by_receipt, receipt_mac
- owner_votes: my_place (whose ballots a login casts on the frozen roll, or why none),
  cast_my_ballot
- desk: roll_entries (by units), figures, enter_ballot (paper or proxy, document kept as
  a voucher)
- delivery: record_delivery (proven, with its voucher), deliveries, silent_eligible
- counting: open_vote (freezes the roll, logs it by digest), close_vote (counted, logged
  again as `governance.vote`), result_of, recount_from_log, check_receipt
- surveys: open_survey, answer_online (the owner or resident, logged in), enter_response
  (staff, with the channel), answerable_units, current_response, history, count_now,
  close_survey (counted, logged again as `governance.survey`), questions_of, record_of
- announcements: publish (logged; a decision's also noted by decisions.announce),
  deadline, is_late, parse_ref, list_announcements, get_announcement
- authority: the check `infra.authority` asks (installed by the entrypoints):
  requirements, set_requirement, check, find, links, authorised_by_decision
- audit_checks: the `governance.decision` check for `sunshine audit`; audit_votes: the
  `governance.vote` check; audit_surveys: `governance.survey`, `governance.announcement`
"""
