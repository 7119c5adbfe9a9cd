"""Pure rules of billing: charge kinds, rates, line amounts, allocation; no database, no I/O."""
