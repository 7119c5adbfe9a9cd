"""`sunshine demo load` and `sunshine demo logins` (`demo`); loaded on use."""
