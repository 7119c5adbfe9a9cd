"""Billing's use cases, one module per concern; import them by path."""
