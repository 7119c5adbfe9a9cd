"""What comes in and goes out at billing's edges (API bodies, forms, CLI options)."""
