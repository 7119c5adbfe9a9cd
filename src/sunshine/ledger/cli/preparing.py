"""The second process of `sunshine ledger import`, which reads the file and prepares its batches.

It starts before anything else: first it surveys the file's accounts, while the first
process imports the database's modules and matches the chart; then, given a `Start`,
it prepares the batches (`import_batches.prepare`) while the first one writes them
(`bulk_booking.book_prepared`): the two cores share the work. It ends when the first
process ends, however that one ends (`infra.lifeline`).

Only what preparing needs is imported here: the command forks before it loads the
database's modules.
"""

from __future__ import annotations

import gc
import io
import itertools
import multiprocessing
import pickle
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from queue import Empty
from typing import Self

from sunshine.infra.lifeline import Lifeline
from sunshine.ledger.rules import import_batches
from sunshine.ledger.rules import journal_csv


@dataclass(frozen=True)
class Start:
    """What the preparing process needs before its first batch."""

    books: import_batches.Books
    first: int  # the next entry number
    seq: int  # the log's size
    frontier: list[bytes]  # and its frontier


class Preparing:
    """The second process, which reads the file and prepares its batches.

    It starts before anything else: first it surveys the file's accounts, while this
    process imports the database's modules and matches the chart; then, given a `Start`,
    it prepares the batches (`import_batches.prepare`) while this one writes them
    (`bulk_booking.book_prepared`): the two cores share the work. It ends when this
    process ends, however this one ends (`infra.lifeline`).
    """

    def __init__(self, file: Path, batch: int) -> None:
        if (db := sys.modules.get("sunshine.infra.db")) is not None:
            db.close_idle_connections()  # no SQLite connection may cross the fork
        context = multiprocessing.get_context("fork")  # the child needs nothing re-imported
        self._inbox: multiprocessing.Queue[Start] = context.Queue()
        self._out: multiprocessing.Queue[object] = context.Queue(maxsize=_AHEAD)
        self._lifeline = Lifeline()
        self._worker = context.Process(
            target=_prepare_file,
            args=(file, batch, self._inbox, self._out, self._lifeline),
            daemon=True,
        )
        self._worker.start()
        self._lifeline.hold()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._lifeline.release()
        if self._worker.is_alive():
            self._worker.terminate()
        self._worker.join()

    def survey(self) -> journal_csv.Survey:
        found = self._next()
        assert isinstance(found, journal_csv.Survey)  # what _prepare_file sends first
        return found

    def start(self, start: Start) -> None:
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


_AHEAD = 4  # batches prepared ahead of the writer


def _prepare_file(
    file: Path,
    batch: int,
    inbox: multiprocessing.Queue[Start],
    out: multiprocessing.Queue[object],
    lifeline: Lifeline,
) -> None:
    """The preparing process: the survey, then every batch in order, then None (or the failure)."""
    lifeline.watch()  # first: a writer killed from now on takes this process with it
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
