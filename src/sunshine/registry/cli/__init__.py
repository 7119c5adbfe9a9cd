"""`sunshine roster import|export` (`roster`); the root command loads it on use."""
