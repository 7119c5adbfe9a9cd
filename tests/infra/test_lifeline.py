"""A forked helper process ends when the process that forked it dies (`infra.lifeline`).

Each test runs a small parent process that forks a watching child, kills the parent with
SIGKILL, and waits (five seconds at most) for the child to be gone.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sunshine.infra.lifeline import ORPHANED
from sunshine.infra.lifeline import Lifeline

_PARENT = """
import os, sys, time
from sunshine.infra.lifeline import Lifeline

lifeline = Lifeline()
child = os.fork()
if child == 0:
    lifeline.watch(kernel={kernel})
    time.sleep(60)
    os._exit(0)
lifeline.hold()
print(child, flush=True)
time.sleep(60)
"""


def gone(pid: int) -> bool:
    """Whether `pid` has ended (a zombie waiting for its new parent to reap it counts)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] in {"Z", "X"}


def wait_until_gone(pid: int, *, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while not gone(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def _linux_only() -> None:
    if not Path("/proc/self/stat").exists():
        pytest.skip("reads /proc")


@pytest.mark.parametrize("kernel", [True, False], ids=["with PR_SET_PDEATHSIG", "the pipe alone"])
def test_a_watching_child_ends_when_its_parent_is_killed(kernel: bool) -> None:
    _linux_only()
    parent = subprocess.Popen(
        [sys.executable, "-c", _PARENT.format(kernel=kernel)], stdout=subprocess.PIPE, text=True
    )
    child = 0
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        assert not gone(child)
        parent.kill()
        parent.wait()
        assert wait_until_gone(child)
    finally:
        parent.kill()
        parent.wait()
        if child and not gone(child):
            os.kill(child, 9)


def test_a_child_whose_parent_died_before_it_watched_ends_at_once() -> None:
    lifeline = Lifeline(parent=-1)  # not this child's parent: as if it had died already
    child = os.fork()
    if child == 0:  # pragma: no cover - the child
        try:
            lifeline.watch()
        finally:
            os._exit(0)
    lifeline.hold()
    lifeline.release()
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == ORPHANED


def test_a_child_ends_when_its_parent_releases_it() -> None:
    lifeline = Lifeline()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child
        try:
            lifeline.watch()
            time.sleep(60)
        finally:
            os._exit(0)
    lifeline.hold()
    lifeline.release()
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == ORPHANED
