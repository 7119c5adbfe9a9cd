"""Pure values and checks of billing: no database, no web, no I/O."""
