"""`sunshine billing …`: charge items, rates, leases, runs, desk payments, online orders.

Each command's module is imported when it runs (`infra.lazy_cli`).
"""

from __future__ import annotations

import typer

from sunshine.infra.lazy_cli import lazy_group

app = typer.Typer(
    cls=lazy_group(
        {
            "items": "sunshine.billing.cli.bills:items",
            "add-item": "sunshine.billing.cli.bills:add_item",
            "rate": "sunshine.billing.cli.bills:rate",
            "lease": "sunshine.billing.cli.bills:lease",
            "run": "sunshine.billing.cli.bills:run",
            "pay": "sunshine.billing.cli.bills:pay",
            "orders": "sunshine.billing.cli.orders:app",
            "receipt": "sunshine.billing.cli.collect:receipt",
            "arrears": "sunshine.billing.cli.collect:arrears",
            "terms": "sunshine.billing.cli.collect:terms",
        }
    ),
    no_args_is_help=True,
    help="Bills: charge items and rates, billing runs, payments at the desk, online orders.",
)


@app.callback()
def _billing() -> None:
    # A Typer app with no commands of its own becomes a group only with a callback.
    pass
