"""Use cases of disclosure, one module per concern (they take a session and never commit).

- notices: build_notice (a preview from the books), publish_notice, get_notice,
  list_versions, list_notices, notice_bundle
- sections: register (a part's section for every notice), contributed_sections
- schedule: get_schedule, set_schedule, calendar (due and overdue notices), overdue,
  overdue_across (for supervisors)
- budget_lines: line_names (the budget's lines, for the ledger's booking form)
- oversight: watched (each overseen community's latest notice and overdue ones)
- exports: notice_tables, period_ledger, csv_bytes, xlsx_bytes, handover_archive
- notice_pdf: notice_pdf, notice_print_html (the A4 notice for the board)
"""
