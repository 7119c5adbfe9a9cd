"""`sunshine governance …`: committees, members and their decisions."""
