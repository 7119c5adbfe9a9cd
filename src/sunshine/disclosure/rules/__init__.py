"""Pure rules of disclosure: the notice record (`notice`), the calendar (`schedule`), budgets."""
