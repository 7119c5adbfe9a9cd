"""The server's booker gives way to a burst of notifications, and books in its pauses."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from dataclasses import field

import pytest

from sunshine.billing.jobs import booking


@dataclass
class _Notices:
    value: float = 0.0


@dataclass
class _Books:
    """Stands in for `book_everything`: when each pass began, and its chunks' go-aheads."""

    chunks_per_pass: int = 1
    passes: list[float] = field(default_factory=list)
    chunks: list[float] = field(default_factory=list)

    def book(
        self, turn: Callable[[], AbstractContextManager[None]], *, go_on: Callable[[], bool]
    ) -> booking.Pass:
        del turn
        self.passes.append(time.monotonic())
        for n in range(self.chunks_per_pass):
            asked = time.monotonic()  # when it asked whether to go on
            if not go_on():
                return booking.Pass(n, finished=False)
            self.chunks.append(asked)
            time.sleep(0.01)
        return booking.Pass(self.chunks_per_pass, finished=True)


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    # Notifications come every 10 ms below: a pause of 0.3 s is none of theirs, even on a
    # machine busy enough to hold a thread back for a while.
    monkeypatch.setattr(booking, "QUIET_SECONDS", 0.3)
    monkeypatch.setattr(booking, "LOOK_SECONDS", 0.005)


def _burst(notices: _Notices, seconds: float) -> float:
    """Notifications every 10 ms for `seconds`; when the last came."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        notices.value = time.monotonic()
        time.sleep(0.01)
    return notices.value


def _run(books: _Books, notices: _Notices, during: Callable[[], float]) -> float:
    """Run the booker's loop in a thread while `during` runs here; what `during` returned."""
    stopped = threading.Event()
    loop = threading.Thread(
        target=booking._book_in_pauses,
        args=(notices, stopped, contextlib.nullcontext),
        kwargs={"sweep_seconds": 60.0},
    )
    loop.start()
    try:
        return during()
    finally:
        stopped.set()
        loop.join(timeout=5)


def test_it_books_nothing_while_a_burst_lasts_and_books_at_its_pause(
    quick: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    del quick
    books, notices = _Books(), _Notices()
    monkeypatch.setattr(booking, "book_everything", books.book)
    began = time.monotonic()
    notices.value = began

    def burst_then_wait() -> float:
        last = _burst(notices, 0.8)
        time.sleep(1.0)
        return last

    last = _run(books, notices, burst_then_wait)
    assert [t for t in books.passes if began < t < last] == []
    assert len(books.passes) == 1
    assert last + booking.QUIET_SECONDS <= books.passes[0] < last + 1.0


def test_a_burst_that_does_not_pause_is_given_way_to_for_a_while_only(
    quick: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    del quick
    monkeypatch.setattr(booking, "HOLD_SECONDS", 0.2)
    books, notices = _Books(), _Notices()
    monkeypatch.setattr(booking, "book_everything", books.book)
    began = time.monotonic()
    notices.value = began
    last = _run(books, notices, lambda: _burst(notices, 1.0))
    during = [t for t in books.passes if t < last]
    assert during, "held back past HOLD_SECONDS"
    assert during[0] >= began + 0.2


def test_a_notification_stops_a_pass_between_chunks_and_the_rest_waits_for_the_pause(
    quick: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    del quick
    books, notices = _Books(chunks_per_pass=50), _Notices()
    monkeypatch.setattr(booking, "book_everything", books.book)

    def one_then_another() -> float:
        time.sleep(0.1)  # the first pass, for what was paid before it began, is under way
        notices.value = time.monotonic()
        told = time.monotonic()  # from now on every look sees the notification
        time.sleep(0.5)
        return told

    told = _run(books, notices, one_then_another)
    first, second = books.passes[0], books.passes[1]
    assert first < told
    assert [t for t in books.chunks if t < told]  # it was booking
    # Asked after the notification, it stopped between two chunks, and booked nothing
    # more until the pause.
    assert [t for t in books.chunks if told < t < second] == []
    assert second >= notices.value + booking.QUIET_SECONDS
