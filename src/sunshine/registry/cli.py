"""`sunshine roster …` (being built)."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True, help="Import and export the community roster.")


@app.command("export")
def export() -> None:
    """Export the roster."""
