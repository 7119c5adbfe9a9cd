"""`sunshine demo …` (being built)."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True, help="The reference community 荆川东园.")


@app.command("load")
def load() -> None:
    """Load the reference community if it is not there yet."""


@app.command("logins")
def logins() -> None:
    """Print one demo login per role."""
