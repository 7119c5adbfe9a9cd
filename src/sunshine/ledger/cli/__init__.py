"""`sunshine ledger …` commands, one module per command group; the root command mounts `app`."""

from __future__ import annotations

import typer

from sunshine.ledger.cli import books
from sunshine.ledger.cli import importing
from sunshine.ledger.cli import report

app = typer.Typer(
    no_args_is_help=True,
    help="The trust ledger: import, reports, the chart, the trustee's pay, closing months.",
)
app.command("report")(report.report)
app.command("import")(importing.import_journal)
app.command("accounts")(books.accounts)
app.command("add-account")(books.add_account)
app.command("terms")(books.terms)
app.command("remuneration")(books.remuneration)
app.command("close")(books.close)
app.command("bundle")(books.bundle)
