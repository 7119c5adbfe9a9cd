"""Bills: charge items with their rates, billing runs booked in the ledger, desk payments."""
