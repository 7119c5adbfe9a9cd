"""The same notification many times at the same moment books the money once.

Real threads, each with its own connection and transaction, begun as the web edge begins
a request that writes (`infra.work`: BEGIN IMMEDIATE on SQLite) and committed as it
commits; a transient failure (busy, a lost race) is run again, as `infra.replay` runs a
request again. On its own database of each kind, migrated to head, since the rows commit.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunshine.billing.jobs import booking
from sunshine.billing.models.orders import OnlineOrder
from sunshine.billing.models.orders import RefusedNotice
from sunshine.billing.rules.channels import ChannelAnswer
from sunshine.billing.rules.channels import OrderStatus
from sunshine.billing.rules.channels import PaidNotice
from sunshine.billing.rules.channels import Refusal
from sunshine.billing.service import online
from sunshine.billing.service import online_booking
from sunshine.infra import clock
from sunshine.infra import db
from sunshine.infra import migrate
from sunshine.infra import turns
from sunshine.infra import work as units
from sunshine.kernel.money import Fen
from sunshine.ledger import service as ledger
from tests.billing.channels import senders
from tests.billing.channels.conftest import Place
from tests.billing.channels.conftest import open_order
from tests.factories import make_community
from tests.factories import make_unit

if TYPE_CHECKING:
    from sqlalchemy import Engine

AT_ONCE = 8
ROUNDS = 3
ATTEMPTS = 6


def _setup(engine: Engine) -> Place:
    with Session(engine) as session:
        community = make_community(session)
        ledger.open_chart(session, community.id, on=clock.today().replace(day=1))
        place = Place(community.id, make_unit(session, community).id)
        session.commit()
    return place


def _deliver(
    engine: Engine, start: threading.Barrier, message: tuple[dict[str, str], bytes]
) -> str:
    channel = senders.dev_channel()
    for attempt in range(ATTEMPTS):
        with units.unit_of_work(units.Work(writes=True)), Session(engine) as session:
            if attempt == 0:
                start.wait()
            try:
                answer = online.receive_notice(session, channel, *message, now=clock.now())
                session.commit()
            except Exception as exc:
                if units.transient(exc) is None:
                    raise
                continue
            return answer.value
    return "gave up"


@pytest.mark.db
def test_one_notification_many_times_at_once_books_once(fresh_engine: Engine) -> None:
    migrate.upgrade(fresh_engine)
    place = _setup(fresh_engine)
    for round_ in range(ROUNDS):
        with Session(fresh_engine) as session:
            order_no = open_order(session, place, senders.dev_channel(), 100 + round_)
            session.commit()
        now = clock.now()
        paid = PaidNotice(order_no, f"RACE{round_}", Fen(100 + round_), now)
        message = senders.dev_channel().sign_notice(paid, at=now)
        start = threading.Barrier(AT_ONCE)

        with ThreadPoolExecutor(AT_ONCE) as pool:
            engines, starts, messages = (
                [fresh_engine] * AT_ONCE,
                [start] * AT_ONCE,
                [message] * AT_ONCE,
            )
            answers = list(pool.map(_deliver, engines, starts, messages))

        assert answers == [ChannelAnswer.SUCCESS.value] * AT_ONCE
    with units.unit_of_work(units.Work(writes=True)), Session(fresh_engine) as session:
        assert online_booking.book_paid_orders(session, place.community_id) == ROUNDS
        session.commit()
    with Session(fresh_engine) as session:
        for round_ in range(ROUNDS):
            entry = ledger.find_entry_by_external_id(
                session, place.community_id, f"pay:development:RACE{round_}"
            )
            assert entry is not None
        assert ledger.entry_count(session, place.community_id) == ROUNDS
        balance = ledger.trust_bank_balance(session, place.community_id, on=clock.today())
        assert balance == Fen(100 + 101 + 102)
        reasons = session.scalars(select(RefusedNotice.reason)).all()
        assert reasons == [Refusal.DUPLICATE] * ((AT_ONCE - 1) * ROUNDS)
        orders = session.scalars(select(OnlineOrder.status)).all()
        assert orders == [OrderStatus.PAID] * ROUNDS


@pytest.mark.db
def test_the_servers_booker_books_what_was_paid_when_woken(
    fresh_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    migrate.upgrade(fresh_engine)
    place = _setup(fresh_engine)
    with Session(fresh_engine) as session:
        numbers = [open_order(session, place, senders.dev_channel(), 100 + n) for n in range(5)]
        session.commit()
    monkeypatch.setattr(booking, "QUIET_SECONDS", 0.01)
    monkeypatch.setattr(booking, "open_session", lambda **_: _writing_session(fresh_engine))
    booking.start_booker()
    try:
        for n, order_no in enumerate(numbers):
            now = clock.now()
            paid = PaidNotice(order_no, f"WOKEN{n}", Fen(100 + n), now)
            message = senders.dev_channel().sign_notice(paid, at=now)
            assert _deliver(fresh_engine, threading.Barrier(1), message) == "success"
            online_booking.wake_booker()
        booked = _wait_for_entries(fresh_engine, place.community_id, 5)
    finally:
        booking.stop_booker()
    assert booked == 5
    with Session(fresh_engine) as session:
        unbooked = session.scalars(select(OnlineOrder).where(OnlineOrder.entry_id.is_(None)))
        assert list(unbooked) == []


@pytest.mark.db
def test_the_servers_booker_process_books_what_was_paid_and_ends_with_the_server(
    fresh_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `sunshine serve` runs the booker as a process of its own (entrypoints.asgi); on SQLite
    # it shares the requests' writer turn through a lock file beside the database.
    migrate.upgrade(fresh_engine)
    place = _setup(fresh_engine)
    with Session(fresh_engine) as session:
        numbers = [open_order(session, place, senders.dev_channel(), 100 + n) for n in range(3)]
        session.commit()
    monkeypatch.setattr(db, "_factory", None)
    db.use_engine(fresh_engine)
    booking.start_booker(own_process=True)
    process = booking._booker
    assert isinstance(process, booking.BookerProcess)
    try:
        for n, order_no in enumerate(numbers):
            now = clock.now()
            paid = PaidNotice(order_no, f"APART{n}", Fen(100 + n), now)
            message = senders.dev_channel().sign_notice(paid, at=now)
            assert _deliver(fresh_engine, threading.Barrier(1), message) == "success"
            online_booking.wake_booker()
        booked = _wait_for_entries(fresh_engine, place.community_id, 3)
    finally:
        booking.stop_booker()
    assert booked == 3
    assert not process._process.is_alive()
    assert not turns._shared  # the lock file is let go with the booker


@pytest.mark.db
def test_the_booker_books_a_chunk_per_transaction_each_in_a_writer_turn(
    fresh_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    migrate.upgrade(fresh_engine)
    place = _setup(fresh_engine)
    count = 2 * booking.CHUNK + 3
    with Session(fresh_engine) as session:
        numbers = [open_order(session, place, senders.dev_channel(), 100 + n) for n in range(count)]
        session.commit()
    for n, order_no in enumerate(numbers):
        now = clock.now()
        paid = PaidNotice(order_no, f"CHUNK{n}", Fen(100 + n), now)
        message = senders.dev_channel().sign_notice(paid, at=now)
        assert _deliver(fresh_engine, threading.Barrier(1), message) == "success"
    monkeypatch.setattr(booking, "open_session", lambda **_: _writing_session(fresh_engine))
    in_turns: list[int] = []

    @contextlib.contextmanager
    def turn() -> Iterator[None]:
        before = _wait_for_entries(fresh_engine, place.community_id, 0)
        yield
        in_turns.append(_wait_for_entries(fresh_engine, place.community_id, 0) - before)

    assert booking.book_everything(turn) == booking.Pass(count, finished=True)
    assert in_turns == [0, booking.CHUNK, booking.CHUNK, 3]  # the look, then each chunk


@contextlib.contextmanager
def _writing_session(engine: Engine) -> Iterator[Session]:
    with units.unit_of_work(units.Work(writes=True)), Session(engine) as session:
        yield session


def _wait_for_entries(engine: Engine, community_id: int, count: int) -> int:
    """Poll (the booker is another thread) until `count` entries are booked, for 20 s at most."""
    deadline = time.monotonic() + 20
    while True:
        with Session(engine) as session:
            booked = ledger.entry_count(session, community_id)
        if booked >= count or time.monotonic() > deadline:
            return booked
        time.sleep(0.05)
