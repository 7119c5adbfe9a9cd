"""Ending a forked helper process when the process that forked it dies.

`sunshine ledger import` forks a process that prepares batches while the first one writes
them. When the first one is killed (kill -9, the OOM killer), nothing tells the second: it
would block for ever on its full queue, or read on through the file. Two ways end it, so
that either one suffices:

- On Linux the kernel sends the child SIGKILL when its parent dies
  (`prctl(PR_SET_PDEATHSIG)`), set first thing in the child. The parent may have died
  before that, so the child then checks that its parent is still the one that forked it.
- Anywhere: the parent holds the write end of a pipe that nobody writes to. A thread of
  the child waits on the read end, which reads as ended (EOF) once every write end is
  closed, that is once the parent is gone, and then ends the child.

Standard library only: the import command forks before it loads anything else.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
from dataclasses import dataclass
from dataclasses import field

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
ORPHANED = 75  # the exit status of a child whose parent died


@dataclass
class Lifeline:
    """A pipe made before the fork: the parent holds its write end, the child watches the other.

    Make it in the parent, fork, then call `watch` first thing in the child and `hold` in
    the parent; the parent calls `release` when it no longer needs the child.
    """

    parent: int = field(default_factory=os.getpid)
    _read: int = field(init=False, default=-1)
    _write: int = field(init=False, default=-1)

    def __post_init__(self) -> None:
        self._read, self._write = os.pipe()

    def hold(self) -> None:
        """In the parent, after the fork: only the child needs the read end."""
        self._read = _close(self._read)

    def release(self) -> None:
        """In the parent: the child may end now (it sees the pipe close)."""
        self._write = _close(self._write)

    def watch(self, *, kernel: bool = True) -> None:
        """In the child: end this process when the parent dies, or at once if it has.

        `kernel=False` leaves out the Linux signal, to check the portable way alone.
        """
        self._write = _close(self._write)  # the child's copy would keep the pipe open
        if kernel and sys.platform == "linux":
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != self.parent:  # it died before the signal was asked for
            os._exit(ORPHANED)
        threading.Thread(target=_end_at_eof, args=(self._read,), daemon=True).start()


def _end_at_eof(fd: int) -> None:
    while os.read(fd, 1):  # nobody writes: only EOF, when the parent is gone, returns
        pass
    os._exit(ORPHANED)


def _close(fd: int) -> int:
    """Close `fd` once (its number may be reused after); returns -1 to store in its place."""
    if fd >= 0:
        os.close(fd)
    return -1
