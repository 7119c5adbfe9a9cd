"""`sunshine roster` (`roster`) and `sunshine community` (`community`), loaded on use."""
