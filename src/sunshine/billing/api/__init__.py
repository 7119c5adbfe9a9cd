"""Billing's api."""
