"""`sunshine ledger …` commands, one module per command group; the root command mounts `app`."""

from __future__ import annotations

import typer

from sunshine.ledger.cli import importing
from sunshine.ledger.cli import report

app = typer.Typer(no_args_is_help=True, help="The trust ledger: import and reports.")
app.command("report")(report.report)
app.command("import")(importing.import_journal)
