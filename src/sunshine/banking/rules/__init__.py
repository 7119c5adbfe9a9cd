"""Pure values and checks of bank reconciliation: layouts, reading, matching, the statement."""
