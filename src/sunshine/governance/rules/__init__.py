"""Pure rules of owners' votes and committee decisions: thresholds, the roll, the tally (LAW.md 1).

No database, no clock: exact arithmetic on values, so every boundary can be tested.
"""
