"""Billing's pages."""
