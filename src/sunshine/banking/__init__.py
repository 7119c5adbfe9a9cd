"""Bank reconciliation: statements imported as banks export them, matched, reconciled in public."""
