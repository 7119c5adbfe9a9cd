"""`sunshine ledger …` commands, one module per command group; the root command mounts `app`.

Each command's module is imported when it runs (`infra.lazy_cli`).
"""

from __future__ import annotations

import typer

from sunshine.infra.lazy_cli import lazy_group

app = typer.Typer(
    cls=lazy_group(
        {
            "report": "sunshine.ledger.cli.report:report",
            "import": "sunshine.ledger.cli.importing:import_journal",
            "accounts": "sunshine.ledger.cli.books:accounts",
            "add-account": "sunshine.ledger.cli.books:add_account",
            "terms": "sunshine.ledger.cli.books:terms",
            "remuneration": "sunshine.ledger.cli.books:remuneration",
            "close": "sunshine.ledger.cli.books:close",
            "bundle": "sunshine.ledger.cli.books:bundle",
        }
    ),
    no_args_is_help=True,
    help="The trust ledger: import, reports, the chart, the trustee's pay, closing months.",
)


@app.callback()
def _ledger() -> None:
    # A Typer app with no commands of its own becomes a group only with a callback.
    pass
