"""Billing's schemas."""
