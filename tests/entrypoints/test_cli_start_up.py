"""The CLI loads a part's modules only when one of its commands runs (`infra.lazy_cli`).

`sunshine ledger import` forks its preparing process before it touches the database, so
that process surveys the file while this one loads SQLAlchemy and the models: none of
them may be imported before the fork (bench/import_parts.py measures the start-up).

A command that loads only its own part still gets every part's tables with its first
session (`infra.catalogue`): foreign keys name other parts' tables, and without them
`sunshine ledger close` failed with NoReferencedTableError.
"""

from __future__ import annotations

import subprocess
import sys

from typer.testing import CliRunner

from sunshine.entrypoints import tables
from sunshine.entrypoints.cli import app

_HEAVY = ("sqlalchemy", "fastapi", "openpyxl", "weasyprint", "sunshine.ledger.models")


def _printed_by(code: str) -> list[str]:
    """What a fresh Python prints, a word a line, after running `code`."""
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return run.stdout.split()


def _loaded_after(statement: str) -> list[str]:
    """The modules a fresh Python holds after running `statement`."""
    return _printed_by(f"{statement}\nimport sys\nprint('\\n'.join(sys.modules))")


def test_a_commands_first_session_loads_every_parts_tables() -> None:
    code = (
        "import os\n"
        "os.environ['SUNSHINE_DATABASE_URL'] = 'sqlite://'\n"
        "import sunshine.entrypoints.cli, sunshine.ledger.cli.books\n"  # as `ledger close` does
        "from sunshine.infra.db import Base, open_session\n"
        "print(*sorted(f'before:{name}' for name in Base.metadata.tables))\n"
        "with open_session():\n"
        "    Base.metadata.sorted_tables  # resolves every foreign key, or raises\n"
        "print(*sorted(f'after:{name}' for name in Base.metadata.tables))\n"
    )
    printed = _printed_by(code)
    before = {word.removeprefix("before:") for word in printed if word.startswith("before:")}
    after = {word.removeprefix("after:") for word in printed if word.startswith("after:")}
    assert "registry_community" not in before  # the command alone does not load it
    assert after == set(tables.metadata.tables)


def test_the_root_command_and_the_import_command_load_no_database_or_web_modules() -> None:
    loaded = _loaded_after("import sunshine.entrypoints.cli, sunshine.ledger.cli.importing")
    assert "sunshine.ledger.rules.import_batches" in loaded  # what the preparing process needs
    assert [name for name in loaded if name.startswith(_HEAVY)] == []


def test_every_command_is_listed_and_loads_when_asked_for() -> None:
    listed = CliRunner().invoke(app, ["--help"])
    assert listed.exit_code == 0
    for name in ("ledger", "audit", "verify", "notice", "roster", "user", "demo", "db"):
        assert name in listed.output
    ledger = CliRunner().invoke(app, ["ledger", "--help"])
    assert ledger.exit_code == 0
    for name in ("import", "report", "accounts", "close", "bundle"):
        assert name in ledger.output
    assert CliRunner().invoke(app, ["ledger", "import", "--help"]).exit_code == 0
