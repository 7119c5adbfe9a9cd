"""Run `sunshine` commands, each in a fresh fork of one process that loaded every command.

Each command runs as `sunshine ARGS`: through the root command's `main()` (domain errors
become exit code 2), with its own stdout, stderr and an empty stdin, in a child that
ends with the command, so no command sees another's state or the test process's. The
parent loads every command's module once (walking the command tree, as `--help` does),
the translations and every table's mapper, so a child spends its time on the command, not
on imports.
Whether a command that loads only its own part still gets every table is checked in a
fresh process by tests/entrypoints/test_cli_start_up.py.

Protocol: one JSON list of arguments per line on stdin; for each, one JSON object
{"code", "out", "err", "cpu"} per line on stdout. Run: `python -m tests.entrypoints.cli_fork_runner`.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import IO

import typer
from argon2 import PasswordHasher
from sqlalchemy.orm import configure_mappers
from typer._click import Context
from typer.core import TyperGroup

from sunshine.entrypoints import cli
from sunshine.identity.service import accounts
from sunshine.infra import catalogue
from sunshine.infra import clock
from sunshine.infra.i18n import LOCALES
from sunshine.infra.i18n import translations


def command_paths(app: typer.Typer) -> list[str]:
    """Every runnable command under `app`, as typed after `sunshine` ("ledger close", "verify")."""
    found: list[str] = []

    def walk(command: object, path: list[str], parent: Context | None) -> None:
        if not isinstance(command, TyperGroup):
            found.append(" ".join(path))
            return
        context = Context(command, info_name=path[-1] if path else "sunshine", parent=parent)
        for name in command.list_commands(context):
            walk(command.get_command(context, name), [*path, name], context)

    walk(typer.main.get_command(app), [], None)
    return found


def main() -> None:
    """Answer each line of arguments with the exit code and output of `sunshine ARGS`."""
    command_paths(cli.app)  # imports every command's module, once, before any fork
    for locale in LOCALES:
        translations(locale)
    catalogue.load()  # every part's tables, and their mappers configured: a child's first
    configure_mappers()  # query would spend a twentieth of a second on them, every child
    # Argon2 at its lowest cost, as tests/conftest.py sets it: the commands need hashes
    # that verify, not ones that resist guessing (`demo load` hashes every demo login's).
    accounts._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    for line in sys.stdin:
        argv = json.loads(line)
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            sys.stdout.flush()
            pid = os.fork()
            if pid == 0:
                _child(cli.main, argv, out, err)
            _, status, usage = os.wait4(pid, 0)
            answer = {
                "code": os.waitstatus_to_exitcode(status),
                "out": _text(out),
                "err": _text(err),
                "cpu": usage.ru_utime + usage.ru_stime,
            }
        sys.stdout.write(json.dumps(answer, ensure_ascii=False) + "\n")
        sys.stdout.flush()


def _child(run: Callable[[], None], argv: list[str], out: IO[bytes], err: IO[bytes]) -> None:
    """Run the command with stdout and stderr in the files; never return."""
    code = 1
    try:
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)  # the runner's own lines stay its own
        sys.stdin = Path(os.devnull).open(encoding="utf-8")  # noqa: SIM115 - until os._exit
        os.dup2(out.fileno(), 1)
        os.dup2(err.fileno(), 2)
        sys.argv = ["sunshine", *argv]
        _pin_the_demo(argv)
        try:
            run()
            code = 0
        except SystemExit as exited:
            code = exited.code if isinstance(exited.code, int) else int(exited.code is not None)
    except BaseException:  # noqa: BLE001 - anything a command raises is its failure, shown
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _pin_the_demo(argv: list[str]) -> None:
    """`demo load` as on SUNSHINE_TEST_DEMO_TODAY, when set; every other command on today.

    The demo books every month that has ended by `clock.today()`; a scenario that builds
    on the demo's first year (2024-09..2025-08) loads it as on a day in September 2025.
    """
    pinned = os.environ.get("SUNSHINE_TEST_DEMO_TODAY")
    if pinned and argv[:2] == ["demo", "load"]:
        day = date.fromisoformat(pinned)
        clock.today = lambda: day


def _text(handle: IO[bytes]) -> str:
    handle.seek(0)
    return handle.read().decode("utf-8", errors="replace")


if __name__ == "__main__":
    main()
