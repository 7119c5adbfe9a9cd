"""`python -m sunshine` runs the root command."""

from __future__ import annotations

from sunshine.entrypoints.cli import main

main()
