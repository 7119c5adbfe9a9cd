"""`sunshine audit [--community CODE]`: check the log and re-derive every row it stands for.

Runs `transparency.service.audit`, which every part's checks register with (entries,
accounts, vouchers, terms, notices, budgets …), for one community or for every community
with a log or audited rows, and prints what it read (records by kind, entries, postings,
the recomputed root and the checkpoint it was compared with) and each difference in
plain words; exits 1 if there is any. A progress bar goes to stderr, so the report
itself can be piped or saved. On PostgreSQL the audit reads one snapshot (REPEATABLE
READ), so rows written while it runs are not mistaken for rows with no record.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn
from rich.progress import Progress
from rich.progress import TextColumn
from rich.progress import TimeElapsedColumn
from sqlalchemy.orm import Session

from sunshine.infra import tenancy
from sunshine.infra.db import open_session
from sunshine.infra.i18n import translations
from sunshine.infra.settings import get_settings
from sunshine.kernel.errors import NotFound
from sunshine.kernel.errors import Translate
from sunshine.transparency import service as transparency

_ORIGIN_PREFIX = "sunshine/"


def audit(
    community: Annotated[
        str | None,
        typer.Option("--community", "-c", help="Community code, e.g. jcdy; all when omitted."),
    ] = None,
) -> None:
    """Recompute every log record from the ledger's tables; exit 1 naming what differs."""
    _ = translations(get_settings().default_locale).gettext
    errors = Console(stderr=True)
    differing = 0
    with open_session() as session:
        if session.get_bind().dialect.name == "postgresql":
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        targets = _targets(session, community)
        if not targets:
            typer.echo(_("No community has books or a log yet."))
            return
        for community_id, label in targets:
            with _progress(errors, _("Auditing {community}").format(community=label)) as step:
                report = transparency.audit(session, community_id, progress=step, parallel=True)
            _print(report, label, _)
            differing += not report.clean
    if differing:
        typer.echo(
            _("Differences found in {count} of {total} communities.").format(
                count=differing, total=len(targets)
            )
        )
        raise typer.Exit(code=1)
    typer.echo(_("The books and the log agree."))


def _targets(session: Session, code: str | None) -> list[tuple[int, str]]:
    """(id, label) of the community named, or of every community with books or a log."""
    if code is not None:
        ref = tenancy.resolve(session, code)
        return [(ref.id, f"{ref.name} ({ref.code})")]
    return [(cid, _label(session, cid)) for cid in transparency.audited_communities(session)]


def _label(session: Session, community_id: int) -> str:
    """The community's name and code, found through the origin its signed log carries.

    The ledger may not read registry's tables; a log signed at least once names itself
    ("sunshine/jcdy"), and tenancy resolves that code. Otherwise: its id.
    """
    checkpoint = transparency.latest_checkpoint(session, community_id)
    origin = "" if checkpoint is None else checkpoint.note.split("\n", 1)[0]
    if origin.startswith(_ORIGIN_PREFIX):
        try:
            ref = tenancy.resolve(session, origin.removeprefix(_ORIGIN_PREFIX))
        except NotFound:
            ref = None
        if ref is not None and ref.id == community_id:
            return f"{ref.name} ({ref.code})"
    return f"#{community_id}"


def _print(report: transparency.AuditReport, label: str, _: Translate) -> None:
    typer.echo(label)
    counts = report.counts
    typer.echo(
        "  "
        + _("{records} log records, {entries} entries, {postings} postings").format(
            records=report.records, entries=counts["entries"], postings=counts["postings"]
        )
    )
    kinds = sorted(kind for kind in counts if "." in kind)
    if kinds:
        by_kind = ", ".join(f"{kind} {counts[kind]}" for kind in kinds)
        typer.echo("  " + _("records by kind: {kinds}").format(kinds=by_kind))
    typer.echo("  " + _("root {root}").format(root=report.root.hex()))
    if report.checkpoint_size is None:
        typer.echo("  " + _("no signed checkpoint yet"))
    else:
        typer.echo(
            "  "
            + _("compared with the signed checkpoint of {size} records").format(
                size=report.checkpoint_size
            )
        )
    if report.clean:
        typer.echo("  " + _("no differences"))
        return
    typer.echo("  " + _("{count} differences:").format(count=report.finding_count))
    for finding in report.findings:
        typer.echo(f"  - {finding.text(_)} [{finding.kind}]")
    if report.omitted:
        typer.echo("  " + _("… and {count} more").format(count=report.omitted))


@contextmanager
def _progress(console: Console, label: str) -> Iterator[Callable[[int, int], None]]:
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(label, total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance
