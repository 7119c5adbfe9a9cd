"""Owners decide: committee decisions and owners' votes counted as Civil Code art. 278 counts them.

LAW.md 1 is the specification; the counting lives in `rules` (pure, exact arithmetic), and
every result names the rule and the setting that produced it.
"""
