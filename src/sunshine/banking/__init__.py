"""Bank reconciliation: statements imported as banks export them, matched to the ledger, reconciled."""
