"""The reference community 荆川东园 (seed/SCENARIO.md), built deterministically."""
