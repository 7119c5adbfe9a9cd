"""SQLite's writers in a server process take turns: requests on the loop, the booker's thread."""

from __future__ import annotations

import threading

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
