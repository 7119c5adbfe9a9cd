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
import sys
import time
import traceback
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from queue import Empty
from typing import TYPE_CHECKING
from typing import Annotated
from typing import Self

import typer
from rich.console import Console
from rich.progress import BarColumn
from rich.progress import MofNCompleteColumn
from rich.progress import Progress
from rich.progress import TextColumn
from rich.progress import TimeElapsedColumn
from rich.table import Table

from sunshine.infra.i18n import gettext
from sunshine.kernel.errors import Invalid
from sunshine.kernel.errors import Problem
from sunshine.ledger.rules import import_batches
from sunshine.ledger.rules import journal_csv

if TYPE_CHECKING:
    from sunshine.ledger.service.importing import BatchResult

# Only the modules the preparing process needs are imported above. The database's (the
# models, SQLAlchemy: about 0.6 s) are imported inside the functions that book, after
# the preparing process has started to survey the file: the two overlap.

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

    with file.open("rb") as raw:
        header = journal_csv.read_header(
            journal_csv.reader(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))
        )
    if header:
        _print_problems(console, header, _)
        raise typer.Exit(2)
    with _Preparing(file, batch) as preparing:
        community_id, start = _open_books(
            community, preparing.survey(), open_accounts=open_accounts, console=console, _=_
        )
        tally = _book(preparing, community_id, start, file.stat().st_size, console=console, _=_)
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


def _open_books(
    code: str,
    found: journal_csv.Survey,
    *,
    open_accounts: bool,
    console: Console,
    _: Translate,
) -> tuple[int, _Start]:
    """The community, its chart matched to the file's accounts, and where booking starts.

    Refuses (exit 2), naming them, the accounts the chart lacks, unless it may open them.
    """
    from sunshine.infra import clock
    from sunshine.infra import tenancy
    from sunshine.infra.db import open_session
    from sunshine.ledger.service import bulk_booking
    from sunshine.ledger.service import importing
    from sunshine.ledger.service.entries import entry_count
    from sunshine.transparency import service as transparency

    with open_session(writes=True) as session:
        ref = tenancy.resolve(session, code)
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
        books = bulk_booking.books_for_import(session, ref.id, codes)
        seq = transparency.tree_size(session, ref.id)
        start = _Start(
            books=books,
            first=entry_count(session, ref.id) + 1,
            seq=seq,
            frontier=transparency.frontier(session, ref.id, seq),
        )
    return ref.id, start


@dataclass(frozen=True)
class _Start:
    """What the preparing process needs before its first batch."""

    books: import_batches.Books
    first: int  # the next entry number
    seq: int  # the log's size
    frontier: list[bytes]  # and its frontier


@dataclass
class _Tally:
    booked: int = 0
    already: int = 0
    postings: int = 0
    seconds: float = 0.0
    bad: list[journal_csv.BadTxn] = field(default_factory=list)


class _Preparing:
    """The second process, which reads the file and prepares its batches.

    It starts before anything else: first it surveys the file's accounts, while this
    process imports the database's modules and matches the chart; then, given a `_Start`,
    it prepares the batches (`import_batches.prepare`) while this one writes them
    (`bulk_booking.book_prepared`): the two cores share the work.
    """

    def __init__(self, file: Path, batch: int) -> None:
        if (db := sys.modules.get("sunshine.infra.db")) is not None:
            db.close_idle_connections()  # no SQLite connection may cross the fork
        context = multiprocessing.get_context("fork")  # the child needs nothing re-imported
        self._inbox: multiprocessing.Queue[_Start] = context.Queue()
        self._out: multiprocessing.Queue[object] = context.Queue(maxsize=_AHEAD)
        self._worker = context.Process(
            target=_prepare_file, args=(file, batch, self._inbox, self._out), daemon=True
        )
        self._worker.start()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._worker.is_alive():
            self._worker.terminate()
        self._worker.join()

    def survey(self) -> journal_csv.Survey:
        found = self._next()
        assert isinstance(found, journal_csv.Survey)  # what _prepare_file sends first
        return found

    def start(self, start: _Start) -> None:
        self._inbox.put(start)

    def batches(
        self,
    ) -> Iterator[tuple[import_batches.Prepared, list[journal_csv.BadTxn], int]]:
        """Each prepared batch, its bad transactions and the file position after it."""
        while (item := self._next()) is not None:
            yield item  # type: ignore[misc]  # what _prepare_file sends after the survey

    def _next(self) -> object:
        while True:
            try:
                item = self._out.get(timeout=1.0)
            except Empty:
                if not self._worker.is_alive():
                    raise RuntimeError(
                        f"the preparing process ended ({self._worker.exitcode})"
                    ) from None
                continue
            if isinstance(item, _Failed):
                raise RuntimeError(f"preparing the batches failed:\n{item.trace}")  # noqa: TRY004
            assert isinstance(item, bytes | None)  # what _prepare_file puts
            return None if item is None else pickle.loads(item)  # noqa: S301 - our own child's


def _book(
    preparing: _Preparing,
    community_id: int,
    start: _Start,
    size: int,
    *,
    console: Console,
    _: Translate,
) -> _Tally:
    """Book the file batch by batch, one commit each, with a progress bar over its bytes."""
    tally = _Tally()
    started = time.perf_counter()
    preparing.start(start)
    with _bar(console) as bar:
        task = bar.add_task(_("Booking"), total=size)
        for batches, (prepared, bad, position) in enumerate(preparing.batches(), 1):
            tally.bad.extend(bad)
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
    tally.seconds = time.perf_counter() - started
    return tally


_AHEAD = 4  # batches prepared ahead of the writer


def _prepare_file(
    file: Path,
    batch: int,
    inbox: multiprocessing.Queue[_Start],
    out: multiprocessing.Queue[object],
) -> None:
    """The preparing process: the survey, then every batch in order, then None (or the failure)."""
    # Millions of short-lived lists and tuples, none in a cycle: reference counting frees
    # them, and the cycle collector's passes only cost time (bench/import_parts.py).
    gc.disable()
    try:
        with file.open(encoding="utf-8-sig", newline="") as handle:
            out.put(pickle.dumps(journal_csv.survey(handle), pickle.HIGHEST_PROTOCOL))
        start = inbox.get()  # or, if the writer gives up first, it terminates this process
        first, seq, frontier = start.first, start.seq, start.frontier
        with file.open("rb") as raw:
            # Held here: the wrapper closes `raw` when it goes, and the position is read
            # after the rows run out too.
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            rows = journal_csv.reader(text)
            journal_csv.read_header(rows)
            stream = journal_csv.transactions(rows)
            while chunk := list(itertools.islice(stream, batch)):
                good = [t for t in chunk if isinstance(t, journal_csv.Txn)]
                bad = [t for t in chunk if isinstance(t, journal_csv.BadTxn)]
                prepared = import_batches.prepare(
                    good, start.books, first=first, seq=seq, frontier=frontier
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


def _book_batch(
    community_id: int, prepared: import_batches.Prepared, *, analyse: bool
) -> BatchResult:
    from sunshine.infra.db import open_session
    from sunshine.ledger.service import bulk_booking
    from sunshine.ledger.service import importing

    with open_session(writes=True) as session:
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
