"""`sunshine billing …` commands, one module per command group; the root command mounts `app`."""

from __future__ import annotations

import typer

from sunshine.infra.lazy_cli import lazy_group

app = typer.Typer(
    cls=lazy_group(
        {
            "orders": "sunshine.billing.cli.orders:app",
        }
    ),
    no_args_is_help=True,
    help="Bills and payments: online orders.",
)


@app.callback()
def _billing() -> None:
    # A Typer app with no commands of its own becomes a group only with a callback.
    pass
