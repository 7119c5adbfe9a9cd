"""Billing's tables, one module per concern."""
