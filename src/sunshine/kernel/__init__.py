"""Pure building blocks of every part: money, periods, errors, masking, plates. Stdlib only."""
