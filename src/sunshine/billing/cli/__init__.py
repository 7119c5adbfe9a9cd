"""Billing's cli."""
