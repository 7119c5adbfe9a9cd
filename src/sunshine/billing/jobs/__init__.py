"""Billing's background work: the server's booker of paid online orders."""
