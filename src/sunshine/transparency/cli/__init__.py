"""`sunshine verify`, `sunshine checkpoint …`, `sunshine log …` (`log`), loaded on use."""
