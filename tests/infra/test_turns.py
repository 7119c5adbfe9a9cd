"""SQLite's writers in a server process take turns: requests on the loop, the booker's thread."""

from __future__ import annotations

import threading
from pathlib import Path

import anyio
from anyio.lowlevel import EventLoopToken
from anyio.lowlevel import current_token

from sunshine.infra import turns


def _take_turn(token: EventLoopToken, order: list[str]) -> None:
    with turns.turn_from_thread(token):
        order.append("thread")


async def _request_then_thread(order: list[str]) -> None:
    token = current_token()
    with anyio.fail_after(10):
        async with anyio.create_task_group() as group, turns.write_turn():
            group.start_soon(anyio.to_thread.run_sync, _take_turn, token, order)
            # No event says that someone waits for a semaphore: look until the thread does.
            while turns._turns().statistics().tasks_waiting == 0:  # noqa: ASYNC110
                await anyio.sleep(0.001)
            order.append("request")


def test_a_thread_waits_for_the_writer_before_it_then_takes_its_turn() -> None:
    order: list[str] = []
    # A loop of its own in a fresh thread: another test on this worker (the browser's sync
    # API) may leave an event loop marked as running in the main thread.
    loop = threading.Thread(target=anyio.run, args=(_request_then_thread, order))
    loop.start()
    loop.join(timeout=30)
    assert order == ["request", "thread"]


async def _requests_then_process(lock_file: Path, order: list[str]) -> None:
    def booker() -> None:
        with turns.turn_in_process(lock_file):
            order.append("booker")

    with anyio.fail_after(10):
        async with anyio.create_task_group() as group, turns.write_turn():
            order.append("first request")
            group.start_soon(anyio.to_thread.run_sync, booker)
            await anyio.sleep(0.2)  # the booker waits on the lock file meanwhile
            group.start_soon(_second_request, order)
            while turns._turns().statistics().tasks_waiting == 0:  # noqa: ASYNC110
                await anyio.sleep(0.001)


async def _second_request(order: list[str]) -> None:
    async with turns.write_turn():
        order.append("second request")


def test_another_process_takes_its_turn_when_no_request_waits(tmp_path: Path) -> None:
    # The booker's process takes the lock file's lock for its transactions; a request
    # holding the turn hands the lock on to the request queued behind it, so the booker
    # gets in only once no request waits.
    order: list[str] = []
    turns.share_with_processes(tmp_path / "db.sqlite-turn")
    try:
        loop = threading.Thread(
            target=anyio.run, args=(_requests_then_process, tmp_path / "db.sqlite-turn", order)
        )
        loop.start()
        loop.join(timeout=30)
    finally:
        turns.stop_sharing()
    assert order == ["first request", "second request", "booker"]


def test_a_process_turn_waits_while_the_server_holds_the_lock_file(tmp_path: Path) -> None:
    lock_file = tmp_path / "db.sqlite-turn"
    turns.share_with_processes(lock_file)
    taken = threading.Event()
    while_held: list[bool] = []

    def booker() -> None:
        with turns.turn_in_process(lock_file):
            taken.set()

    async def hold() -> None:
        async with turns.write_turn():
            thread = threading.Thread(target=booker)
            thread.start()
            await anyio.sleep(0.2)
            while_held.append(taken.is_set())
        thread.join(timeout=10)

    try:
        loop = threading.Thread(target=anyio.run, args=(hold,))
        loop.start()
        loop.join(timeout=30)
    finally:
        turns.stop_sharing()
    assert while_held == [False]
    assert taken.is_set()
