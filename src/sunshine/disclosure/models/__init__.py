"""Tables of disclosure, one module per concern: `notices` (versions, calendar), `budgets`."""
