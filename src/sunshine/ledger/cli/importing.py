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

import gc
import io
import itertools
import multiprocessing
import pickle
import time
import traceback
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from queue import Empty
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
from sunshine.infra.db import close_idle_connections
from sunshine.infra.db import open_session
from sunshine.infra.i18n import gettext
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import Problem
from sunshine.ledger import import_batches
from sunshine.ledger import journal_csv
from sunshine.ledger.service import bulk_booking
from sunshine.ledger.service import importing
from sunshine.ledger.service.entries import entry_count
from sunshine.transparency import service as transparency

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
    """Book the file batch by batch, one commit each, with a progress bar over its bytes.

    A second process reads and prepares the batches (`import_batches.prepare`) while
    this one writes them (`bulk_booking.book_prepared`): the two cores share the work.
    """
    tally = _Tally()
    started = time.perf_counter()
    with file.open("rb") as raw:
        header = journal_csv.read_header(
            journal_csv.reader(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))
        )
    if header:
        _print_problems(console, header, _)
        raise typer.Exit(2)
    with open_session() as session:
        books = bulk_booking.books_for_import(session, community_id, codes)
        first = entry_count(session, community_id) + 1
        seq = transparency.tree_size(session, community_id)
        frontier = transparency.frontier(session, community_id, seq)
    close_idle_connections()
    context = multiprocessing.get_context("fork")  # the child needs nothing re-imported
    queue: multiprocessing.Queue[object] = context.Queue(maxsize=_AHEAD)
    worker = context.Process(
        target=_prepare_file, args=(file, books, batch, (first, seq, frontier), queue), daemon=True
    )
    worker.start()
    try:
        with _bar(console) as bar:
            task = bar.add_task(_("Booking"), total=file.stat().st_size)
            batches = 0
            while (item := _next(queue, worker)) is not None:
                prepared, bad, position = item
                tally.bad.extend(bad)
                batches += 1
                # statistics after batches 1, 2, 4, 8 …: as often as the books double
                analyse = batches & (batches - 1) == 0
                try:
                    result = _book_batch(community_id, prepared, analyse=analyse)
                except Invalid as refused:
                    bar.stop()
                    console.print(_("The ledger refused a batch; earlier batches stay booked:"))
                    _print_problems(console, refused.problems, _)
                    raise typer.Exit(2) from None
                tally.booked += result.booked
                tally.already += result.already
                tally.postings += result.postings
                bar.update(task, completed=position)
    finally:
        if worker.is_alive():
            worker.terminate()
        worker.join()
    tally.seconds = time.perf_counter() - started
    return tally


_AHEAD = 4  # batches prepared ahead of the writer


def _prepare_file(
    file: Path,
    books: import_batches.Books,
    batch: int,
    start: tuple[int, int, list[bytes]],
    out: multiprocessing.Queue[object],
) -> None:
    """The preparing process: every batch of the file in order, then None (or the failure)."""
    # Millions of short-lived lists and tuples, none in a cycle: reference counting frees
    # them, and the cycle collector's passes only cost time (bench/import_parts.py).
    gc.disable()
    first, seq, frontier = start  # the next entry number, the log's size and frontier
    try:
        with file.open("rb") as raw:
            rows = journal_csv.reader(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))
            journal_csv.read_header(rows)
            stream = journal_csv.transactions(rows)
            while chunk := list(itertools.islice(stream, batch)):
                good = [t for t in chunk if isinstance(t, journal_csv.Txn)]
                bad = [t for t in chunk if isinstance(t, journal_csv.BadTxn)]
                prepared = import_batches.prepare(
                    good, books, first=first, seq=seq, frontier=frontier
                )
                # Pickled here, not in the queue's feeder thread, which would only print
                # a failure and drop the batch.
                out.put(pickle.dumps((prepared, bad, raw.tell()), pickle.HIGHEST_PROTOCOL))
                first += len(good)
                seq += len(good)
                frontier = prepared.next_frontier
        out.put(None)
    except BaseException:  # noqa: BLE001 - whatever it is, the writer must hear of it
        out.put(_Failed(traceback.format_exc()))


@dataclass(frozen=True)
class _Failed:
    trace: str


def _next(
    queue: multiprocessing.Queue[object], worker: multiprocessing.process.BaseProcess
) -> tuple[import_batches.Prepared, list[journal_csv.BadTxn], int] | None:
    while True:
        try:
            item = queue.get(timeout=1.0)
        except Empty:
            if not worker.is_alive():
                raise RuntimeError(f"the preparing process ended ({worker.exitcode})") from None
            continue
        if isinstance(item, _Failed):
            raise RuntimeError(f"preparing the batches failed:\n{item.trace}")  # noqa: TRY004
        assert isinstance(item, bytes | None)  # what _prepare_file puts
        return None if item is None else pickle.loads(item)  # noqa: S301 - our own child's


def _book_batch(
    community_id: int, prepared: import_batches.Prepared, *, analyse: bool
) -> importing.BatchResult:
    with open_session() as session:
        result = bulk_booking.book_prepared(session, community_id, prepared, actor_id=None)
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
