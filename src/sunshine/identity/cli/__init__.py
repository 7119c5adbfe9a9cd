"""`sunshine user …` and `sunshine codes` (`users`); the root command loads each on use."""
