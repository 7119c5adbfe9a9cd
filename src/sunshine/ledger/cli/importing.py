"""`sunshine ledger import`: book a journal of postings from CSV (journal_csv's format).

Before booking anything it lists the file's accounts and refuses, by name, those the
community lacks (or opens them with --open-accounts). Then it books batches of
transactions, committing each: a batch is booked whole or not at all, and the file's
transaction id is each entry's external id, so running the import again books nothing
twice and a stopped import resumes. Bad transactions (a wrong date, an amount that is
not yuan, rows that do not balance) are left out and listed with their line numbers at
the end, and the command then exits with code 1; a batch the ledger refuses stops the
import with the reasons (exit code 2), the batches before it stay booked. At the end it
signs a checkpoint of the log, so what it booked can be proven at once.

A second process reads the file and prepares the batches meanwhile (`cli.preparing`).
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Annotated

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
from sunshine.ledger.cli.preparing import Preparing
from sunshine.ledger.cli.preparing import Start
from sunshine.ledger.rules import import_batches
from sunshine.ledger.rules import journal_csv

if TYPE_CHECKING:
    from sunshine.infra.tenancy import CommunityRef
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
    with Preparing(file, batch) as preparing:
        ref, start = _open_books(
            community, preparing.survey(), open_accounts=open_accounts, console=console, _=_
        )
        tally = _book(preparing, ref.id, start, file.stat().st_size, console=console, _=_)
    _print_tally(console, tally, _)
    _sign_checkpoint(ref, console=console, _=_)
    if tally.refused:
        raise typer.Exit(2)
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
) -> tuple[CommunityRef, Start]:
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
        start = Start(
            books=books,
            first=entry_count(session, ref.id) + 1,
            seq=seq,
            frontier=transparency.frontier(session, ref.id, seq),
        )
    return ref, start


def _sign_checkpoint(ref: CommunityRef, *, console: Console, _: Translate) -> None:
    """Sign the log as the import left it, so its new entries are in a signed checkpoint.

    Only with a key this server holds: without one the import stands, and says so.
    """
    from sunshine.infra.db import open_session
    from sunshine.transparency import service as transparency

    if not transparency.has_platform_key(ref.origin):
        console.print(
            _(
                "No checkpoint was signed: this server holds no signing key for {origin}. "
                "The new entries are in the log but in no signed checkpoint until "
                "`sunshine checkpoint sign -c {code}` runs where the key is."
            ).format(origin=ref.origin, code=ref.code)
        )
        return
    with open_session() as session:  # its objects stay loaded after the commit
        signed = transparency.sign_if_behind(session, ref.id, origin=ref.origin)
        latest = signed or transparency.latest_checkpoint(session, ref.id)
        session.commit()
    if latest is None:  # the log is empty: nothing to prove
        return
    said = (
        _("Signed checkpoint {size} of {origin} (root {root}).")
        if signed
        else _("Checkpoint {size} of {origin} already holds every record (root {root}).")
    )
    console.print(
        said.format(size=latest.tree_size, origin=ref.origin, root=latest.root_hash.hex())
    )


@dataclass
class _Tally:
    booked: int = 0
    already: int = 0
    postings: int = 0
    seconds: float = 0.0
    bad: list[journal_csv.BadTxn] = field(default_factory=list)
    refused: Sequence[Problem] = ()  # why the ledger refused the batch that stopped the import


def _book(
    preparing: Preparing,
    community_id: int,
    start: Start,
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
                tally.refused = refused.problems
                break
            tally.booked += result.booked
            tally.already += result.already
            tally.postings += result.postings
            bar.update(task, completed=position)
    tally.seconds = time.perf_counter() - started
    return tally


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


def _print_tally(console: Console, tally: _Tally, _: Translate) -> None:
    if tally.refused:
        console.print(_("The ledger refused a batch; earlier batches stay booked:"))
        _print_problems(console, tally.refused, _)
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
