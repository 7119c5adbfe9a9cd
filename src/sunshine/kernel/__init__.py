"""Pure building blocks shared by every part: money, periods, errors, masking, plates. Stdlib only."""
