"""`sunshine user …` and `sunshine codes` (being built)."""

from __future__ import annotations

import typer

user_app = typer.Typer(no_args_is_help=True, help="People who log in.")


@user_app.command("add")
def add() -> None:
    """Add a user."""


def codes() -> None:
    """Show recent development login codes."""
