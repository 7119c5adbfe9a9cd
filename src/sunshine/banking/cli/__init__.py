"""`sunshine bank …`: bank accounts, statement import, matching and reconciliation."""
