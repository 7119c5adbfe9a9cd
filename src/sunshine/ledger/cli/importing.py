"""`sunshine ledger import`: book a journal of postings from CSV (journal_csv's format).

Before booking anything it lists the file's accounts and refuses, by name, those the
community lacks (or opens them with --open-accounts). Then it books batches of
transactions, committing each: a batch is booked whole or not at all, and the file's
transaction id is each entry's external id, so running the import again books nothing
twice and a stopped import resumes. Bad transactions (a wrong date, an amount that is
not yuan, rows that do not balance) are left out and listed with their line numbers at
the end, and the command then exits with code 1; a batch the ledger refuses stops the
import with the reasons (exit code 2), the batches before it stay booked.
"""

from __future__ import annotations

import io
import itertools
import time
from collections.abc import Callable
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn
from rich.progress import MofNCompleteColumn
from rich.progress import Progress
from rich.progress import TextColumn
from rich.progress import TimeElapsedColumn
from rich.table import Table

from sunshine.infra import clock
from sunshine.infra import tenancy
from sunshine.infra.db import open_session
from sunshine.infra.i18n import gettext
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import Problem
from sunshine.ledger import journal_csv
from sunshine.ledger.service import importing

_SHOWN = 50  # bad transactions listed in full; the rest are counted


def import_journal(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="postings.csv")
    ],
    community: Annotated[str, typer.Option("--community", "-c", help="Community code.")],
    open_accounts: Annotated[
        bool, typer.Option("--open-accounts", help="Open the accounts the chart lacks.")
    ] = False,
    batch: Annotated[int, typer.Option(min=1, help="Transactions per committed batch.")] = 20000,
    lang: Annotated[str, typer.Option("--lang", help="Language of the output.")] = "zh_CN",
) -> None:
    """Book a CSV journal (one row per posting); the same file twice books it once."""
    console = Console(stderr=True, emoji=False, highlight=False)

    def _(message: str) -> str:
        return gettext(lang, message)

    with file.open(encoding="utf-8-sig", newline="") as handle:
        found = journal_csv.survey(handle)
    with open_session() as session:
        ref = tenancy.resolve(session, community)
        match = importing.match_accounts(session, ref.id, found.accounts)
        if match.missing and not open_accounts:
            console.print(_("The community's chart lacks these accounts; nothing was booked:"))
            for name in match.missing:
                console.print(f"  {name}", markup=False)
            console.print(_("Add them to the chart, or run again with --open-accounts."))
            raise typer.Exit(2)
        codes = dict(match.codes)
        if match.missing:
            on = found.first_day or clock.today()
            codes.update(importing.open_accounts(session, ref.id, match.missing, on=on))
            session.commit()
            console.print(_("Opened {n} accounts.").format(n=len(match.missing)))
    tally = _book(file, ref.id, codes, batch=batch, console=console, _=_)
    console.print(
        _(
            "Booked {booked} entries ({postings} postings) in {seconds:.1f} s; "
            "{already} were booked before."
        ).format(
            booked=tally.booked,
            postings=tally.postings,
            seconds=tally.seconds,
            already=tally.already,
        )
    )
    if tally.bad:
        _print_bad(console, tally.bad, _)
        raise typer.Exit(1)


@dataclass
class _Tally:
    booked: int = 0
    already: int = 0
    postings: int = 0
    seconds: float = 0.0
    bad: list[journal_csv.BadTxn] = field(default_factory=list)


def _book(
    file: Path,
    community_id: int,
    codes: dict[str, str],
    *,
    batch: int,
    console: Console,
    _: Translate,
) -> _Tally:
    """Book the file batch by batch, one commit each, with a progress bar over its bytes."""
    tally = _Tally()
    started = time.perf_counter()
    with file.open("rb") as raw, _bar(console) as bar:
        handle = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        task = bar.add_task(_("Booking"), total=file.stat().st_size)
        rows = journal_csv.reader(handle)
        header = journal_csv.read_header(rows)
        if header:
            _print_problems(console, header, _)
            raise typer.Exit(2)
        stream = journal_csv.transactions(rows)

        def read_batch() -> tuple[list[journal_csv.Txn | journal_csv.BadTxn], int]:
            return list(itertools.islice(stream, batch)), raw.tell()

        # The next batch is read while this one is written: SQLite and PostgreSQL work
        # outside Python's lock, so reading the file costs little extra time.
        batches = 0
        with ThreadPoolExecutor(max_workers=1) as reader:
            upcoming = reader.submit(read_batch)
            while True:
                chunk, position = upcoming.result()
                if not chunk:
                    break
                upcoming = reader.submit(read_batch)
                good = [t for t in chunk if isinstance(t, journal_csv.Txn)]
                tally.bad.extend(t for t in chunk if isinstance(t, journal_csv.BadTxn))
                try:
                    batches += 1
                    # statistics after batches 1, 2, 4, 8 …: as often as the books double
                    analyse = batches & (batches - 1) == 0
                    result = _book_batch(community_id, good, codes, analyse=analyse)
                except Invalid as refused:
                    bar.stop()
                    console.print(_("The ledger refused a batch; earlier batches stay booked:"))
                    _print_problems(console, refused.problems, _)
                    upcoming.cancel()
                    raise typer.Exit(2) from None
                tally.booked += result.booked
                tally.already += result.already
                tally.postings += result.postings
                bar.update(task, completed=position)
    tally.seconds = time.perf_counter() - started
    return tally


def _book_batch(
    community_id: int, good: list[journal_csv.Txn], codes: dict[str, str], *, analyse: bool
) -> importing.BatchResult:
    with open_session() as session:
        result = importing.book_batch(session, community_id, good, codes, actor_id=None)
        session.commit()
        if analyse:
            importing.refresh_statistics(session)
            session.commit()
    return result


def _bar(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


Translate = Callable[[str], str]


def _print_problems(console: Console, problems: Sequence[Problem], _: Translate) -> None:
    for problem in problems:
        where = f"{problem.where}: " if problem.where else ""
        console.print(f"  {where}{problem.text(_)}")


def _print_bad(console: Console, bad: list[journal_csv.BadTxn], _: Translate) -> None:
    table = Table(title=_("{n} transactions were left out").format(n=len(bad)))
    table.add_column(_("Line"))
    table.add_column(_("Transaction"))
    table.add_column(_("Reason"))
    for item in bad[:_SHOWN]:
        reasons = "; ".join((f"{p.where}: " if p.where else "") + p.text(_) for p in item.problems)
        table.add_row(str(item.line), item.txn_id, reasons)
    console.print(table)
    if len(bad) > _SHOWN:
        console.print(_("… and {n} more.").format(n=len(bad) - _SHOWN))
