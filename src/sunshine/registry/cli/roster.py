"""`sunshine roster import|export`: the property company's roster spreadsheet in and out.

Output is in Chinese unless `--lang en`. An import with any bad row prints every bad
row with its line number and reason, writes nothing and exits with code 2; otherwise it
commits once. `--dry-run` shows what would change and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from sunshine.infra.db import open_session
from sunshine.infra.i18n import gettext
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import Problem
from sunshine.registry import service
from sunshine.registry.rules.roster_format import HEADERS
from sunshine.registry.rules.roster_format import N_
from sunshine.registry.service import roster
from sunshine.registry.service.roster_plan import Change

app = typer.Typer(
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    help="Import and export the community roster (花名册).",
)
Translate = Callable[[str], str]
_FIELDS = {"floors": N_("floors"), "role": N_("role")}


class Lang(StrEnum):
    ZH_CN = "zh_CN"
    EN = "en"


class Format(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"


LangOption = Annotated[Lang, typer.Option("--lang", help="Language of the output.")]
CommunityOption = Annotated[str, typer.Option("--community", help="The community's code.")]


def _translator(lang: Lang) -> Translate:
    return lambda message: gettext(lang.value, message)


@app.command("import")
def import_roster(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="XLSX or CSV.")
    ],
    community: CommunityOption,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check and show the changes; write nothing.")
    ] = False,
    lang: LangOption = Lang.ZH_CN,
) -> None:
    """Import a roster file: all rows or none; the same file twice changes nothing."""
    _ = _translator(lang)
    console = Console()
    data = file.read_bytes()
    with open_session(writes=True) as session:
        found = service.find_community(session, community)
        if found is None:
            console.print(_("There is no community {code}.").format(code=community))
            raise typer.Exit(2)
        try:
            with _progress(console, _("Reading the roster")) as progress:
                if dry_run:
                    plan = roster.plan_import(
                        session, found.id, data=data, filename=file.name, progress=progress
                    )
                else:
                    result = roster.apply_import(
                        session, found.id, data=data, filename=file.name, progress=progress
                    )
        except Invalid as refused:
            _print_problems(console, refused.problems, _)
            raise typer.Exit(2) from None
        if dry_run:
            if not plan.ok:
                _print_problems(console, plan.problems, _)
                raise typer.Exit(2)
            title = _("Dry run: what importing {rows} rows would change (nothing written)")
            _print_changes(console, plan.changes, title.format(rows=plan.rows), _, lang)
            return
        session.commit()
        title = _("Imported {rows} rows: what changed").format(rows=result.rows)
        _print_changes(console, result.changes, title, _, lang)


@app.command("export")
def export(
    community: CommunityOption,
    out: Annotated[Path, typer.Option("--out", dir_okay=False, help="The file to write.")],
    fmt: Annotated[
        Format | None, typer.Option("--format", help="xlsx or csv; by default from --out.")
    ] = None,
    lang: LangOption = Lang.ZH_CN,
) -> None:
    """Export the roster in the format `import` reads (CSV is UTF-8 with a BOM, for Excel)."""
    _ = _translator(lang)
    console = Console()
    chosen = fmt or (Format.CSV if out.suffix.lower() == ".csv" else Format.XLSX)
    with open_session() as session:
        found = service.find_community(session, community)
        if found is None:
            console.print(_("There is no community {code}.").format(code=community))
            raise typer.Exit(2)
        data = roster.export_roster(session, found.id, fmt=chosen.value)
    out.write_bytes(data)
    console.print(_("Wrote the roster of {name} to {path}").format(name=found.name, path=out))


@contextmanager
def _progress(console: Console, label: str) -> Iterator[Callable[[int, int], None]]:
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task(label, total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


def _print_problems(console: Console, problems: tuple[Problem, ...], _: Translate) -> None:
    console.print(_("The roster was not imported; nothing was written"))
    table = Table()
    for header in (_("Line"), _("Column"), _("Problem"), _("Problem code")):
        table.add_column(header)
    for problem in problems:
        row, column = problem.args.get("row", "—"), problem.args.get("column", "")
        table.add_row(str(row), str(column), problem.text(_), problem.code)
    console.print(table)
    console.print(
        _("{count} problems: fix these rows and import again.").format(count=len(problems))
    )


def _print_changes(
    console: Console, changes: tuple[Change, ...], title: str, _: Translate, lang: Lang
) -> None:
    counts = roster.count_changes(changes)
    console.print(title)
    table = Table()
    table.add_column(_("What"))
    table.add_column(_("New"), justify="right")
    table.add_column(_("Updated"), justify="right")
    for kind, (made, updated) in counts.items():
        table.add_row(_(roster.KIND_LABELS[kind]), str(made), str(updated))
    console.print(table)
    for change in changes:
        if change.action == "update":
            fields = "、".join(_field(name, _, lang) for name in change.fields)
            console.print(f"  {_(roster.KIND_LABELS[change.kind])} {change.subject}: {fields}")


def _field(name: str, _: Translate, lang: Lang) -> str:
    if name in _FIELDS:
        return _(_FIELDS[name])
    return HEADERS[name] if lang is Lang.ZH_CN else name.replace("_", " ")
