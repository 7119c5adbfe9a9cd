"""Bills, payments and online payment channels (issue 13)."""
